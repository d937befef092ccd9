using System.Buffers.Binary;
using System.Text;

namespace OrleansStt.Client.Tests;

/// <summary>How <see cref="TestWav"/> stores samples.</summary>
public enum TestSampleFormat
{
    UInt8,
    Int16,
    Int24,
    Int32,
    Float32,
    Float64,
}

/// <summary>WAV files built byte by byte, the way the RIFF spec lays them out, independent of the reader under test.</summary>
public static class TestWav
{
    private static readonly byte[] SubFormatGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>A sine per channel: <paramref name="amplitudes"/>[c] at <paramref name="hz"/>, all in phase.</summary>
    public static double[][] Sine(double hz, int sampleRate, double seconds, params double[] amplitudes)
    {
        var frames = (int)Math.Round(seconds * sampleRate);
        return [.. amplitudes.Select(amplitude => Enumerable.Range(0, frames).Select(i => amplitude * Math.Sin(2 * Math.PI * hz * i / sampleRate)).ToArray())];
    }

    /// <summary>A complete file: RIFF header, fmt, then <paramref name="before"/> chunks, then data.</summary>
    public static byte[] Build(
        double[][] channels, int sampleRate, TestSampleFormat format, bool extensible = false, params (string Id, byte[] Body)[] before)
    {
        var (tag, bits) = format switch
        {
            TestSampleFormat.UInt8 => ((ushort)1, 8),
            TestSampleFormat.Int16 => ((ushort)1, 16),
            TestSampleFormat.Int24 => ((ushort)1, 24),
            TestSampleFormat.Int32 => ((ushort)1, 32),
            TestSampleFormat.Float32 => ((ushort)3, 32),
            _ => ((ushort)3, 64),
        };
        var fmt = extensible ? ExtensibleFmt(tag, channels.Length, sampleRate, bits) : Fmt(tag, channels.Length, sampleRate, bits);
        return Riff([("fmt ", fmt), .. before, ("data", Data(channels, format, bits))]);
    }

    /// <summary>A plain fmt chunk body (16 bytes).</summary>
    public static byte[] Fmt(ushort tag, int channels, int sampleRate, int bits)
    {
        var fmt = new byte[16];
        var blockAlign = channels * ((bits + 7) / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(4), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(8), sampleRate * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bits);
        return fmt;
    }

    /// <summary>A WAVE_FORMAT_EXTENSIBLE fmt chunk body (40 bytes) whose sub-format is <paramref name="subFormat"/>.</summary>
    public static byte[] ExtensibleFmt(ushort subFormat, int channels, int sampleRate, int bits)
    {
        var fmt = new byte[40];
        Fmt(0xFFFE, channels, sampleRate, bits).CopyTo(fmt, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), channels == 2 ? 3u : 0u);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), subFormat);
        SubFormatGuidTail.CopyTo(fmt, 26);
        return fmt;
    }

    /// <summary>RIFF/WAVE around the chunks, each padded to an even length as the spec says.</summary>
    public static byte[] Riff(params (string Id, byte[] Body)[] chunks)
    {
        using var stream = new MemoryStream();
        stream.Write("RIFF"u8);
        stream.Write(new byte[4]);
        stream.Write("WAVE"u8);
        foreach (var (id, body) in chunks)
        {
            stream.Write(Encoding.ASCII.GetBytes(id));
            var size = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(size, body.Length);
            stream.Write(size);
            stream.Write(body);
            if (body.Length % 2 == 1)
            {
                stream.WriteByte(0);
            }
        }

        var file = stream.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        return file;
    }

    /// <summary>Interleaved frames; integers rounded to the nearest step and clipped.</summary>
    public static byte[] Data(double[][] channels, TestSampleFormat format, int bits)
    {
        var size = bits / 8;
        var frames = channels[0].Length;
        var data = new byte[frames * channels.Length * size];
        for (var frame = 0; frame < frames; frame++)
        {
            for (var channel = 0; channel < channels.Length; channel++)
            {
                var at = data.AsSpan((frame * channels.Length + channel) * size, size);
                var x = channels[channel][frame];
                switch (format)
                {
                    case TestSampleFormat.UInt8:
                        at[0] = (byte)(Quantize(x, 8) + 128);
                        break;
                    case TestSampleFormat.Int16:
                        BinaryPrimitives.WriteInt16LittleEndian(at, (short)Quantize(x, 16));
                        break;
                    case TestSampleFormat.Int24:
                        var value = (int)Quantize(x, 24);
                        (at[0], at[1], at[2]) = ((byte)value, (byte)(value >> 8), (byte)(value >> 16));
                        break;
                    case TestSampleFormat.Int32:
                        BinaryPrimitives.WriteInt32LittleEndian(at, (int)Quantize(x, 32));
                        break;
                    case TestSampleFormat.Float32:
                        BinaryPrimitives.WriteSingleLittleEndian(at, (float)x);
                        break;
                    default:
                        BinaryPrimitives.WriteDoubleLittleEndian(at, x);
                        break;
                }
            }
        }

        return data;
    }

    private static long Quantize(double x, int bits)
    {
        var full = 1L << (bits - 1);
        return Math.Clamp((long)Math.Round(x * full), -full, full - 1);
    }
}

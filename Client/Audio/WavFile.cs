using System.Buffers.Binary;
using System.Text;

namespace OrleansStt.Client;

/// <summary>Reads 16-bit PCM WAV files, mono or stereo (stereo is averaged to mono).</summary>
public static class WavFile
{
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    public static WavAudio Read(string path)
    {
        var file = File.ReadAllBytes(path);
        if (file.Length < 12 || Tag(file, 0) != "RIFF" || Tag(file, 8) != "WAVE")
        {
            throw new InvalidDataException($"{path}: not a RIFF/WAVE file.");
        }

        (int Channels, int SampleRate)? format = null;
        for (var offset = 12; offset + 8 <= file.Length;)
        {
            var id = Tag(file, offset);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 4));
            var body = offset + 8;
            // Streamed recorders leave the data size at 0 or 0xFFFFFFFF: take what the file holds.
            var length = (int)Math.Min(size, (uint)(file.Length - body));
            if (id == "fmt ")
            {
                format = ReadFormat(path, file.AsSpan(body, length));
            }
            else if (id == "data")
            {
                var (channels, sampleRate) = format ?? throw new InvalidDataException($"{path}: data chunk before the fmt chunk.");
                return new WavAudio(ToMono(file.AsSpan(body, length), channels), sampleRate);
            }

            offset = body + length + (length & 1);
        }

        throw new InvalidDataException($"{path}: no data chunk.");
    }

    private static (int Channels, int SampleRate) ReadFormat(string path, ReadOnlySpan<byte> fmt)
    {
        if (fmt.Length < 16)
        {
            throw new InvalidDataException($"{path}: fmt chunk too short.");
        }

        var formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
        var isPcm = formatTag == FormatPcm
            || (formatTag == FormatExtensible && fmt.Length >= 26 && BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]) == FormatPcm);
        if (!isPcm || bits != 16 || channels is not (1 or 2) || sampleRate <= 0)
        {
            throw new InvalidDataException(
                $"{path}: format tag 0x{formatTag:X4}, {bits}-bit, {channels} channel(s); only 16-bit PCM mono or stereo is supported.");
        }

        return (channels, sampleRate);
    }

    private static byte[] ToMono(ReadOnlySpan<byte> data, int channels)
    {
        var frameSize = 2 * channels;
        var frames = data.Length / frameSize;
        if (channels == 1)
        {
            return data[..(frames * 2)].ToArray();
        }

        var mono = new byte[frames * 2];
        for (var i = 0; i < frames; i++)
        {
            var left = BinaryPrimitives.ReadInt16LittleEndian(data[(i * frameSize)..]);
            var right = BinaryPrimitives.ReadInt16LittleEndian(data[(i * frameSize + 2)..]);
            BinaryPrimitives.WriteInt16LittleEndian(mono.AsSpan(i * 2), (short)((left + right) / 2));
        }

        return mono;
    }

    private static string Tag(byte[] file, int offset) => Encoding.ASCII.GetString(file, offset, 4);
}

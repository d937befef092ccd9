using System.Buffers.Binary;
using System.Text;

namespace OrleansStt.Client;

/// <summary>
/// Reads PCM WAV files: 8-bit unsigned, 16-, 24- or 32-bit integer or 32- or 64-bit float samples,
/// plain or WAVE_FORMAT_EXTENSIBLE, any channel count (averaged to mono), any sample rate.
/// </summary>
/// <remarks>
/// Chunks are walked as RIFF lays them out, so LIST, fact, bext and other chunks before the data are
/// skipped, and so is the pad byte after an odd-sized chunk. A data chunk whose size is 0 or runs
/// past the end of the file (streamed recorders leave 0 or 0xFFFFFFFF) is taken to the end of the
/// file; a partial last frame is dropped. Everything else throws <see cref="InvalidDataException"/>
/// naming the file, what was found and <see cref="Accepted"/>.
/// </remarks>
public static class WavFile
{
    /// <summary>What the reader decodes, as its error messages say it.</summary>
    public const string Accepted =
        "PCM WAV with 8-bit unsigned, 16-, 24- or 32-bit signed integer, or 32- or 64-bit float samples "
        + "(plain or WAVE_FORMAT_EXTENSIBLE), any number of channels, any sample rate";

    private const string ConvertHint = "convert it first, e.g. sox IN -e signed-integer -b 16 OUT.wav or ffmpeg -i IN -c:a pcm_s16le OUT.wav";

    private const ushort FormatPcm = 0x0001;
    private const ushort FormatFloat = 0x0003;
    private const ushort FormatExtensible = 0xFFFE;
    private const int MinimumFmtSize = 16;
    private const int ExtensibleFmtSize = 40;

    // The KSDATAFORMAT_SUBTYPE GUIDs are the format tag in their first two bytes, then this.
    private static readonly byte[] SubFormatGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>The file's audio as pcm_s16le mono at the file's own sample rate.</summary>
    /// <exception cref="InvalidDataException">Not a WAV file, not PCM, or malformed.</exception>
    public static WavAudio Read(string path) => Decode(path).ToWavAudio();

    /// <summary>The file's audio as pcm_s16le mono at <paramref name="sampleRate"/> (resampled when the file's differs).</summary>
    /// <exception cref="InvalidDataException">Not a WAV file, not PCM, or malformed.</exception>
    public static WavAudio Read(string path, int sampleRate) => Decode(path).Resample(sampleRate).ToWavAudio();

    /// <summary>The file's audio as mono float samples at the file's own rate, with the file's format.</summary>
    /// <exception cref="InvalidDataException">Not a WAV file, not PCM, or malformed.</exception>
    public static WavSamples Decode(string path) => Decode(File.ReadAllBytes(path), path);

    /// <param name="name">Names the audio in error messages.</param>
    /// <exception cref="InvalidDataException">Not a WAV file, not PCM, or malformed.</exception>
    public static WavSamples Decode(ReadOnlySpan<byte> file, string name)
    {
        if (file.Length < 12 || Tag(file, 0) != "RIFF" || Tag(file, 8) != "WAVE")
        {
            var found = file.Length < 12 ? $"{file.Length} bytes" : $"starts with \"{Printable(file[..4])}\"…\"{Printable(file[8..12])}\"";
            throw new InvalidDataException($"{name}: not a RIFF/WAVE file ({found}); accepted: {Accepted}.");
        }

        WavFormat? format = null;
        for (var offset = 12; offset + 8 <= file.Length;)
        {
            var id = Tag(file, offset);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + 4)..]);
            var body = offset + 8;
            var available = file.Length - body;
            var length = (int)Math.Min(size, (uint)available);
            if (id == "fmt ")
            {
                if (size < MinimumFmtSize)
                {
                    throw new InvalidDataException($"{name}: a {size}-byte fmt chunk, shorter than the {MinimumFmtSize} bytes of any WAV format; the file is malformed.");
                }

                if (length < size)
                {
                    throw new InvalidDataException($"{name}: the file ends {length} bytes into its {size}-byte fmt chunk; the file is truncated.");
                }

                format = ReadFormat(name, file.Slice(body, length));
            }
            else if (id == "data")
            {
                var wav = format ?? throw new InvalidDataException($"{name}: the data chunk comes before any fmt chunk; the file is malformed.");
                var data = size == 0 ? file[body..] : file.Slice(body, length);
                return new WavSamples(ToMono(data, wav), wav.SampleRate, wav);
            }

            offset = body + length + (length & 1);
        }

        throw new InvalidDataException(format is null
            ? $"{name}: no fmt chunk in {file.Length} bytes; the file is truncated or malformed."
            : $"{name}: no data chunk in {file.Length} bytes; the file is truncated or malformed.");
    }

    private static WavFormat ReadFormat(string name, ReadOnlySpan<byte> fmt)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        var what = $"format tag 0x{tag:X4}";
        var encodingTag = tag;
        if (tag == FormatExtensible)
        {
            if (fmt.Length < ExtensibleFmtSize)
            {
                throw new InvalidDataException(
                    $"{name}: a WAVE_FORMAT_EXTENSIBLE fmt chunk of {fmt.Length} bytes, shorter than its {ExtensibleFmtSize}; the file is malformed.");
            }

            // The sub-format GUID at byte 24; its first two bytes are the real format tag.
            encodingTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
            if (!fmt.Slice(26, SubFormatGuidTail.Length).SequenceEqual(SubFormatGuidTail))
            {
                throw new InvalidDataException(
                    $"{name}: WAVE_FORMAT_EXTENSIBLE with sub-format {new Guid(fmt.Slice(24, 16))}, not PCM or float; accepted: {Accepted}.");
            }

            what = $"WAVE_FORMAT_EXTENSIBLE, sub-format 0x{encodingTag:X4}";
        }

        var encoding = encodingTag switch
        {
            FormatPcm => WavSampleEncoding.Integer,
            FormatFloat => WavSampleEncoding.Float,
            _ => throw new InvalidDataException(
                $"{name}: {FormatName(encodingTag)} ({what}) is not PCM; accepted: {Accepted}; {ConvertHint}."),
        };

        var supported = encoding == WavSampleEncoding.Integer ? bits is 8 or 16 or 24 or 32 : bits is 32 or 64;
        if (!supported)
        {
            var kind = encoding == WavSampleEncoding.Integer ? "integer PCM" : "float";
            throw new InvalidDataException($"{name}: {bits}-bit {kind} ({what}); accepted: {Accepted}; {ConvertHint}.");
        }

        if (channels == 0 || sampleRate <= 0)
        {
            throw new InvalidDataException($"{name}: {channels} channels at {sampleRate} Hz ({what}); the fmt chunk is malformed.");
        }

        return new WavFormat(encoding, bits, channels, sampleRate);
    }

    private static float[] ToMono(ReadOnlySpan<byte> data, WavFormat format)
    {
        var sampleSize = format.BytesPerSample;
        var frameSize = sampleSize * format.Channels;
        var frames = data.Length / frameSize;
        var mono = new float[frames];
        var scale = 1.0 / format.Channels;
        for (var frame = 0; frame < frames; frame++)
        {
            var sum = 0.0;
            var at = data.Slice(frame * frameSize, frameSize);
            for (var channel = 0; channel < format.Channels; channel++)
            {
                sum += Sample(at.Slice(channel * sampleSize, sampleSize), format.Encoding);
            }

            mono[frame] = (float)(sum * scale);
        }

        return mono;
    }

    // Integers scale so that full negative scale is -1 (as 16-bit does: x / 32768).
    private static double Sample(ReadOnlySpan<byte> sample, WavSampleEncoding encoding)
    {
        var value = (encoding, sample.Length) switch
        {
            (WavSampleEncoding.Integer, 1) => (sample[0] - 128) / 128.0,
            (WavSampleEncoding.Integer, 2) => BinaryPrimitives.ReadInt16LittleEndian(sample) / 32768.0,
            (WavSampleEncoding.Integer, 3) => ((sample[0] | (sample[1] << 8) | (sample[2] << 16)) << 8 >> 8) / 8388608.0,
            (WavSampleEncoding.Integer, 4) => BinaryPrimitives.ReadInt32LittleEndian(sample) / 2147483648.0,
            (WavSampleEncoding.Float, 4) => BinaryPrimitives.ReadSingleLittleEndian(sample),
            (WavSampleEncoding.Float, 8) => BinaryPrimitives.ReadDoubleLittleEndian(sample),
            _ => throw new InvalidOperationException($"No decoder for {sample.Length}-byte {encoding} samples."),
        };
        // NaN or infinite float samples would spread through the resampler's filter: silence them.
        return double.IsFinite(value) ? value : 0;
    }

    private static string FormatName(ushort tag) => tag switch
    {
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG audio",
        0x0055 => "MP3",
        0x00FF or 0x1610 => "AAC",
        0x0161 or 0x0162 or 0x0163 => "Windows Media Audio",
        0xF1AC => "FLAC",
        _ => "a compressed or unknown format",
    };

    private static string Tag(ReadOnlySpan<byte> file, int offset) => Encoding.ASCII.GetString(file.Slice(offset, 4));

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return text.ToString();
    }
}

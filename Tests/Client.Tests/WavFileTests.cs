using System.Buffers.Binary;
using static OrleansStt.Client.Tests.TestWav;

namespace OrleansStt.Client.Tests;

/// <summary>WavFile on real files in a temporary folder: every PCM layout decodes, converts to 16 kHz mono, or is refused by name.</summary>
public sealed class WavFileTests : IDisposable
{
    private const int Speech = 16000;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("orleansstt-wav-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void A_44_1_kHz_stereo_sine_becomes_16_kHz_mono_with_its_duration_frequency_and_amplitude()
    {
        // Left 0.6, right 0.4: their average, 0.5, is what mono must carry.
        var path = Write("stereo.wav", Build(Sine(1000, 44100, 1.5, 0.6, 0.4), 44100, TestSampleFormat.Int16));

        var audio = WavFile.Read(path, Speech);
        var samples = Signal.FromPcm16(audio.Pcm);

        Assert.Equal(Speech, audio.SampleRate);
        Assert.InRange(samples.Length, 24000 - 1, 24000 + 1);
        var middle = samples.AsSpan(1000, 16000); // whole cycles of 1 kHz, clear of both ends
        Assert.InRange(Signal.ZeroCrossings(samples), 3000 - 2, 3000 + 2);
        Assert.InRange(Signal.Amplitude(middle, Speech, 1000), 0.5 * 0.98, 0.5 * 1.02);
        Assert.InRange(Signal.Rms(middle), 0.5 / Math.Sqrt(2) * 0.98, 0.5 / Math.Sqrt(2) * 1.02);
        Assert.True(Signal.Amplitude(middle, Speech, 900) < 0.005);
        Assert.True(Signal.Amplitude(middle, Speech, 1100) < 0.005);
    }

    [Fact]
    public void An_8_kHz_file_is_upsampled_to_16_kHz_with_its_frequency_and_amplitude()
    {
        var path = Write("narrowband.wav", Build(Sine(1000, 8000, 1, 0.5), 8000, TestSampleFormat.Int16));

        var samples = Signal.FromPcm16(WavFile.Read(path, Speech).Pcm);

        Assert.InRange(samples.Length, 16000 - 1, 16000 + 1);
        var middle = samples.AsSpan(1000, 14000);
        Assert.InRange(Signal.ZeroCrossings(samples), 2000 - 2, 2000 + 2);
        Assert.InRange(Signal.Amplitude(middle, Speech, 1000), 0.5 * 0.98, 0.5 * 1.02);
        // No image of the tone above the old Nyquist frequency (8000 - 1000 Hz).
        Assert.True(Signal.Amplitude(middle, Speech, 7000) < 0.005);
    }

    [Fact]
    public void A_10_kHz_tone_at_22_05_kHz_is_filtered_out_rather_than_aliased_to_6_kHz()
    {
        // 10 kHz is above the 8 kHz Nyquist frequency of 16 kHz audio: a resampler without a
        // low-pass filter would fold it to 16 - 10 = 6 kHz at nearly full amplitude.
        var path = Write("high.wav", Build(Sine(10000, 22050, 1, 0.5), 22050, TestSampleFormat.Int16));
        var control = Write("low.wav", Build(Sine(3000, 22050, 1, 0.5), 22050, TestSampleFormat.Int16));

        var samples = Signal.FromPcm16(WavFile.Read(path, Speech).Pcm);
        var passed = Signal.FromPcm16(WavFile.Read(control, Speech).Pcm);

        var inputRms = 0.5 / Math.Sqrt(2);
        var middle = samples.AsSpan(200, samples.Length - 400);
        Assert.True(Signal.Rms(middle) < inputRms / 100, $"RMS {Signal.Rms(middle):F5}: less than 40 dB below the input's {inputRms:F5}");
        Assert.True(Signal.Amplitude(middle, Speech, 6000) < 0.005);
        Assert.InRange(Signal.Rms(passed.AsSpan(200, passed.Length - 400)), inputRms * 0.98, inputRms * 1.02);
    }

    [Theory]
    [InlineData(TestSampleFormat.UInt8, false, 129)]
    [InlineData(TestSampleFormat.Int24, false, 1)]
    [InlineData(TestSampleFormat.Int32, false, 1)]
    [InlineData(TestSampleFormat.Float32, false, 1)]
    [InlineData(TestSampleFormat.Float64, false, 1)]
    [InlineData(TestSampleFormat.Int16, true, 0)]
    [InlineData(TestSampleFormat.Int24, true, 1)]
    [InlineData(TestSampleFormat.Float32, true, 1)]
    public void Every_sample_format_decodes_to_the_samples_of_the_16_bit_file(TestSampleFormat format, bool extensible, int toleranceLsb)
    {
        // Two channels of different sines so the downmix is exercised at every width too.
        var channels = new[] { Sine(440, 16000, 0.25, 0.7)[0], Sine(1300, 16000, 0.25, 0.2)[0] };
        var reference = WavFile.Read(Write("16.wav", Build(channels, 16000, TestSampleFormat.Int16)));

        var audio = WavFile.Read(Write($"{format}-{extensible}.wav", Build(channels, 16000, format, extensible)));

        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(reference.Pcm.Length, audio.Pcm.Length);
        var (expected, actual) = (Pcm16(reference.Pcm), Pcm16(audio.Pcm));
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= toleranceLsb, $"{format}: off by up to {worst} LSB, more than quantization's {toleranceLsb}");
    }

    [Fact]
    public void A_16_kHz_mono_16_bit_file_comes_back_byte_for_byte()
    {
        var file = Build(Sine(500, 16000, 0.5, 0.9), 16000, TestSampleFormat.Int16);

        var audio = WavFile.Read(Write("speech.wav", file), Speech);

        Assert.Equal(file.AsSpan(44).ToArray(), audio.Pcm);
    }

    [Fact]
    public void Six_channels_are_averaged_to_mono()
    {
        var channels = Sine(250, 16000, 0.2, 0.9, 0.6, 0.3, 0.0, -0.3, 0.3);

        var samples = Signal.FromPcm16(WavFile.Read(Write("5.1.wav", Build(channels, 16000, TestSampleFormat.Int16, extensible: true))).Pcm);

        Assert.InRange(Signal.Amplitude(samples, 16000, 250), 0.3 * 0.99, 0.3 * 1.01);
    }

    [Fact]
    public void Chunks_before_the_data_and_the_pad_byte_after_an_odd_sized_one_are_skipped()
    {
        var channels = Sine(440, 16000, 0.1, 0.5);
        var plain = WavFile.Read(Write("plain.wav", Build(channels, 16000, TestSampleFormat.Int16)));

        var audio = WavFile.Read(Write("chunks.wav", Build(
            channels, 16000, TestSampleFormat.Int16, extensible: false,
            ("LIST", "INFOISFT\u0005\0\0\0sox!\0"u8.ToArray()), ("fact", new byte[4]), ("odd ", [1, 2, 3]))));

        Assert.Equal(plain.Pcm, audio.Pcm);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    public void A_data_chunk_a_streaming_recorder_left_unsized_runs_to_the_end_of_the_file(uint size)
    {
        var file = Build(Sine(440, 16000, 0.1, 0.5), 16000, TestSampleFormat.Int16);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(40), size);

        var audio = WavFile.Read(Write("streamed.wav", file));

        Assert.Equal(file.AsSpan(44).ToArray(), audio.Pcm);
    }

    [Fact]
    public void Decoding_keeps_the_files_format_and_take_cuts_at_a_duration()
    {
        var path = Write("long.wav", Build(Sine(440, 48000, 2, 0.5, 0.5), 48000, TestSampleFormat.Float32));

        var wav = WavFile.Decode(path);
        var cut = wav.Take(TimeSpan.FromSeconds(0.5)).Resample(Speech);

        Assert.Equal(new WavFormat(WavSampleEncoding.Float, 32, 2, 48000), wav.Source);
        Assert.Equal(TimeSpan.FromSeconds(2), wav.Duration);
        Assert.Equal(8000, cut.Samples.Length);
        Assert.Equal(wav.Source, cut.Source);
    }

    [Theory]
    [InlineData(WavSampleEncoding.Integer, 24, 2, 44100, "44100 Hz stereo, 24-bit → 16000 Hz mono")]
    [InlineData(WavSampleEncoding.Float, 32, 6, 48000, "48000 Hz 6-channel, 32-bit float → 16000 Hz mono")]
    [InlineData(WavSampleEncoding.Integer, 16, 1, 8000, "8000 Hz mono, 16-bit → 16000 Hz mono")]
    [InlineData(WavSampleEncoding.Integer, 8, 1, 16000, "16000 Hz mono, 8-bit → 16-bit")]
    [InlineData(WavSampleEncoding.Integer, 16, 1, 16000, "16000 Hz mono, 16-bit")]
    public void The_description_says_what_the_conversion_to_16_kHz_mono_changes(
        WavSampleEncoding encoding, int bits, int channels, int sampleRate, string expected)
    {
        Assert.Equal(expected, new WavFormat(encoding, bits, channels, sampleRate).DescribeConversionTo(Speech));
    }

    [Fact]
    public void A_mu_law_file_is_refused_with_a_message_naming_it_and_what_is_accepted()
    {
        var path = Write("phone.wav", Riff(("fmt ", Fmt(0x0007, 1, 8000, 8)), ("data", new byte[800])));

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.StartsWith($"{path}: mu-law (format tag 0x0007) is not PCM; accepted: {WavFile.Accepted}; convert it first", error.Message);
    }

    [Fact]
    public void An_mp3_in_wav_file_is_refused_with_a_message_naming_it()
    {
        var path = Write("mp3.wav", Riff(("fmt ", Fmt(0x0055, 2, 44100, 0)), ("data", new byte[800])));

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.StartsWith($"{path}: MP3 (format tag 0x0055) is not PCM; accepted: {WavFile.Accepted}", error.Message);
    }

    [Fact]
    public void An_extensible_file_with_an_adpcm_sub_format_is_refused_with_a_message_naming_it()
    {
        var path = Write("adpcm.wav", Riff(("fmt ", ExtensibleFmt(0x0011, 1, 8000, 4)), ("data", new byte[800])));

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.StartsWith($"{path}: IMA ADPCM (WAVE_FORMAT_EXTENSIBLE, sub-format 0x0011) is not PCM; accepted: {WavFile.Accepted}", error.Message);
    }

    [Fact]
    public void A_12_bit_integer_file_is_refused_with_a_message_naming_its_width()
    {
        var path = Write("12.wav", Riff(("fmt ", Fmt(0x0001, 1, 16000, 12)), ("data", new byte[800])));

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.StartsWith($"{path}: 12-bit integer PCM (format tag 0x0001); accepted: {WavFile.Accepted}", error.Message);
    }

    [Fact]
    public void A_header_cut_off_inside_the_fmt_chunk_is_refused_as_truncated()
    {
        var whole = Build(Sine(440, 16000, 0.1, 0.5), 16000, TestSampleFormat.Int16);
        var path = Write("cut.wav", whole[..30]);

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.Equal($"{path}: the file ends 10 bytes into its 16-byte fmt chunk; the file is truncated.", error.Message);
    }

    [Fact]
    public void A_file_that_ends_before_its_data_chunk_is_refused_as_truncated()
    {
        var whole = Build(Sine(440, 16000, 0.1, 0.5), 16000, TestSampleFormat.Int16);
        var path = Write("no-data.wav", whole[..38]);

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.Equal($"{path}: no data chunk in 38 bytes; the file is truncated or malformed.", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_riff_wave_is_refused_with_what_it_starts_with()
    {
        var path = Write("song.wav", "ID3\u0004\0\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.StartsWith($"{path}: not a RIFF/WAVE file (starts with \"ID3?\"…\"????\"); accepted: {WavFile.Accepted}", error.Message);
    }

    private string Write(string name, byte[] file)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllBytes(path, file);
        return path;
    }

    private static int[] Pcm16(byte[] pcm) =>
        [.. Enumerable.Range(0, pcm.Length / 2).Select(i => (int)BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i * 2)))];
}

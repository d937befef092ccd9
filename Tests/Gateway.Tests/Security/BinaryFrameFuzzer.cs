using System.Net.WebSockets;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>
/// Family 3: binary (audio) frames of random sizes and content: empty, odd, at and above
/// <c>Stt:Edge:MaxAudioFrameBytes</c>, whole and fragmented, and oversize after <c>close_stream</c>.
/// </summary>
public sealed class BinaryFrameFuzzer(Random random, int maxAudioFrameBytes)
{
    /// <summary>Oversize frames end their session, so each takes one; this many keep the family quick.</summary>
    public const int MaxSolo = 56;

    private int _solo;

    public List<FrameInput> Generate(int count)
    {
        var inputs = new List<FrameInput>();
        foreach (var size in new[] { 0, 1, 2, 3, maxAudioFrameBytes - 1, maxAudioFrameBytes })
        {
            Add(inputs, size, null, "boundary");
            Add(inputs, size, Fragments(size), "boundary, fragmented");
        }

        foreach (var size in new[] { maxAudioFrameBytes + 1, maxAudioFrameBytes + 2, 65_536, 65_537, 300_000 })
        {
            Add(inputs, size, null, "over the limit");
            Add(inputs, size, Fragments(size, maxPiece: maxAudioFrameBytes), "over the limit, in fragments within it");
        }

        for (var i = 0; i < 8; i++)
        {
            // §1.4: "Applies after close_stream too", unless the session ended first.
            var size = maxAudioFrameBytes + 1 + random.Next(50_000);
            inputs.Add(new FrameInput(WebSocketMessageType.Binary, Audio(size), random.Next(2) == 0 ? Fragments(size) : null, "over the limit", FrameAnswer.PayloadTooLarge) { AfterCloseStream = true });
            _solo++;
        }

        while (inputs.Count < count)
        {
            var roll = random.Next(100);
            var size = roll switch
            {
                < 4 => 0,
                < 14 => random.Next(1, 17),
                < 34 => Pick<int>([160, 320, 640, 1280, 1600, 3200, 6400]) + (random.Next(4) == 0 ? 1 : 0),
                < 94 => random.Next(1, maxAudioFrameBytes + 1),
                < 97 => maxAudioFrameBytes - random.Next(0, 3),
                _ => maxAudioFrameBytes + 1 + random.Next(random.Next(2) == 0 ? 100 : 200_000),
            };
            Add(inputs, size, random.Next(4) == 0 ? Fragments(size) : null, size > maxAudioFrameBytes ? "over the limit" : "random size");
        }

        return inputs;
    }

    private void Add(List<FrameInput> inputs, int size, IReadOnlyList<int>? fragments, string shape)
    {
        var expected = size > maxAudioFrameBytes ? FrameAnswer.PayloadTooLarge : FrameAnswer.Ignored;
        if (expected == FrameAnswer.PayloadTooLarge && _solo++ >= MaxSolo)
        {
            return;
        }

        inputs.Add(new FrameInput(WebSocketMessageType.Binary, Audio(size), fragments, shape, expected));
    }

    /// <summary>Mostly silence and quiet noise (few transcripts), some loud noise and tone.</summary>
    private byte[] Audio(int size)
    {
        var audio = new byte[size];
        switch (random.Next(6))
        {
            case 0 or 1:
                break;
            case 2 or 3:
                for (var i = 0; i + 1 < size; i += 2)
                {
                    BitConverter.TryWriteBytes(audio.AsSpan(i), (short)random.Next(-200, 201));
                }

                break;
            case 4:
                random.NextBytes(audio);
                break;
            default:
                for (var i = 0; i + 1 < size; i += 2)
                {
                    BitConverter.TryWriteBytes(audio.AsSpan(i), (short)(8000 * Math.Sin(2 * Math.PI * 500 * (i / 2) / 16_000.0)));
                }

                break;
        }

        return audio;
    }

    private List<int> Fragments(int length, int maxPiece = int.MaxValue)
    {
        var sizes = new List<int>();
        var left = length;
        while (left > maxPiece)
        {
            var size = random.Next(maxPiece / 4, maxPiece + 1);
            sizes.Add(size);
            left -= size;
        }

        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var size = random.Next(4) == 0 ? 0 : random.Next(0, left + 1);
            sizes.Add(size);
            left -= size;
        }

        return sizes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}

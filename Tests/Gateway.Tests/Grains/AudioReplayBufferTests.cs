using OrleansStt.Grains.Sessions;

namespace OrleansStt.Gateway.Tests.Grains;

public sealed class AudioReplayBufferTests
{
    private const int Block = AudioReplayBuffer.BlockSize;

    [Fact]
    public void Audio_spanning_several_blocks_reads_back_exactly_in_block_sized_chunks()
    {
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue);
        var appended = new List<byte>();

        // Sizes that straddle block boundaries, including one append larger than a block.
        foreach (var size in new[] { 1000, 3000, 9000, 1, 7191, 1024, 2500, 2000 })
        {
            var frame = Pattern(appended.Count, size);
            buffer.Append(frame);
            appended.AddRange(frame);
        }

        Assert.Equal(0, buffer.Start);
        Assert.Equal(appended.Count, buffer.End);
        var (bytes, starts) = ReadAll(buffer, buffer.Start);
        Assert.Equal(appended, bytes);
        Assert.Equal([0, Block, 2 * Block, 3 * Block], starts);
    }

    [Fact]
    public void Reading_from_inside_a_block_starts_there()
    {
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue);
        buffer.Append(Pattern(0, 2 * Block));

        Assert.True(buffer.TryGetChunk(100, out var audio, out var audioStart));
        Assert.Equal(100, audioStart);
        Assert.Equal(Pattern(100, Block - 100), audio.ToArray());

        Assert.False(buffer.TryGetChunk(2 * Block, out _, out var end));
        Assert.Equal(2 * Block, end);
    }

    [Fact]
    public void Beyond_capacity_the_oldest_bytes_are_dropped()
    {
        const int capacity = 2 * Block + 500;
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), capacity);
        const int total = 40 * 1024;
        for (var position = 0; position < total; position += 1024)
        {
            buffer.Append(Pattern(position, 1024));
        }

        Assert.Equal(total - capacity, buffer.Start);
        Assert.Equal(total, buffer.End);
        Assert.Equal(Pattern(total - capacity, capacity), ReadAll(buffer, 0).Bytes);
    }

    [Fact]
    public void The_window_bounds_the_capacity_too()
    {
        // 1 s at 8 kHz: 16,000 bytes, under the byte limit.
        var buffer = new AudioReplayBuffer(8000, TimeSpan.FromSeconds(1), int.MaxValue);
        for (var position = 0; position < 50_000; position += 1000)
        {
            buffer.Append(Pattern(position, 1000));
        }

        Assert.Equal(50_000 - 16_000, buffer.Start);
        Assert.Equal(Pattern(50_000 - 16_000, 16_000), ReadAll(buffer, 0).Bytes);
    }

    [Fact]
    public void An_append_larger_than_the_capacity_keeps_only_its_last_bytes()
    {
        const int capacity = 2 * Block + 500;
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), capacity);
        buffer.Append(Pattern(0, 3000));
        buffer.Append(Pattern(3000, capacity + 123));

        Assert.Equal(3000 + 123, buffer.Start);
        Assert.Equal(3000 + capacity + 123, buffer.End);
        var (bytes, starts) = ReadAll(buffer, 0);
        Assert.Equal(Pattern(3000 + 123, capacity), bytes);
        Assert.Equal(3000 + 123, starts[0]);
    }

    [Fact]
    public void Forgetting_moves_start_to_the_byte_position_of_the_time_but_never_past_the_end()
    {
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue);
        buffer.Append(Pattern(0, 3 * Block));

        // 16 kHz pcm_s16le: 32 bytes per ms.
        buffer.ForgetBefore(300);
        Assert.Equal(300 * 32, buffer.Start);
        Assert.Equal(300, buffer.StartMs);
        Assert.Equal(Pattern(300 * 32, 3 * Block - 300 * 32), ReadAll(buffer, 0).Bytes);

        buffer.ForgetBefore(100);
        Assert.Equal(300 * 32, buffer.Start);

        buffer.ForgetBefore(60_000);
        Assert.Equal(3 * Block, buffer.Start);
        Assert.Equal(3 * Block, buffer.End);
        Assert.False(buffer.TryGetChunk(0, out _, out var audioStart));
        Assert.Equal(3 * Block, audioStart);

        buffer.Append(Pattern(3 * Block, 1000));
        Assert.Equal(3 * Block, buffer.Start);
        var (bytes, starts) = ReadAll(buffer, 0);
        Assert.Equal(Pattern(3 * Block, 1000), bytes);
        Assert.Equal([3 * Block], starts);
    }

    [Fact]
    public void Past_the_silos_budget_the_session_that_appends_gives_up_its_own_oldest_audio()
    {
        var budget = new ReplayBudget(limitBytes: 5 * Block);
        var quiet = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue, budget);
        var loud = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue, budget);
        quiet.Append(Pattern(0, 2 * Block + 100));

        const int total = 6 * Block + 100;
        for (var position = 0; position < total; position += 1024)
        {
            loud.Append(Pattern(position, Math.Min(1024, total - position)));
        }

        // The quiet session keeps all it had; the loud one keeps its newest blocks within what is left.
        Assert.Equal(Pattern(0, 2 * Block + 100), ReadAll(quiet, 0).Bytes);
        Assert.Equal(5 * Block, loud.Start);
        Assert.Equal(Pattern(5 * Block, Block + 100), ReadAll(loud, 0).Bytes);
        Assert.Equal(5 * Block, budget.HeldBytes);
        Assert.Equal(5 * Block, budget.ShedBytes);

        // Blocks handed back, by forgetting or clearing, leave the budget.
        loud.Clear();
        quiet.ForgetBefore(60_000);
        Assert.Equal(Block, budget.HeldBytes);
    }

    [Fact]
    public void A_buffer_being_replayed_keeps_what_it_appends_past_the_budget()
    {
        var budget = new ReplayBudget(limitBytes: 2 * Block);
        var replaying = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue, budget);

        replaying.Append(Pattern(0, 4 * Block), mayShed: false);

        Assert.Equal(0, replaying.Start);
        Assert.Equal(Pattern(0, 4 * Block), ReadAll(replaying, 0).Bytes);
        Assert.Equal(0, budget.ShedBytes);

        // Once it may, its next append sheds its oldest blocks until the silo is within the budget.
        replaying.Append(Pattern(4 * Block, 100));
        Assert.Equal(3 * Block, replaying.Start);
        Assert.Equal(Pattern(3 * Block, Block + 100), ReadAll(replaying, 0).Bytes);
        Assert.Equal((3 * Block, 2 * Block), (budget.ShedBytes, budget.HeldBytes));
    }

    [Fact]
    public void A_chunk_read_is_a_copy_unaffected_by_later_appends()
    {
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), 2 * Block);
        buffer.Append(Filled(0x11, Block));
        Assert.True(buffer.TryGetChunk(0, out var chunk, out _));

        // Drops the block the chunk came from; the pool may hand it straight back to be overwritten.
        for (var i = 0; i < 6; i++)
        {
            buffer.Append(Filled(0x22, Block / 2));
        }

        Assert.Equal(2 * Block, buffer.Start);
        Assert.Equal(Filled(0x11, Block), chunk.ToArray());
        Assert.Equal(Filled(0x22, 2 * Block), ReadAll(buffer, 0).Bytes);
    }

    [Fact]
    public void Clearing_empties_the_buffer_and_positions_go_on_from_the_end()
    {
        var buffer = new AudioReplayBuffer(16000, TimeSpan.FromSeconds(10), int.MaxValue);
        buffer.Append(Pattern(0, 2 * Block + 300));

        buffer.Clear();
        Assert.Equal(2 * Block + 300, buffer.Start);
        Assert.Equal(2 * Block + 300, buffer.End);
        Assert.False(buffer.TryGetChunk(0, out _, out var audioStart));
        Assert.Equal(2 * Block + 300, audioStart);

        buffer.Append(Pattern(2 * Block + 300, Block + 10));
        Assert.Equal(2 * Block + 300, buffer.Start);
        Assert.Equal(3 * Block + 310, buffer.End);
        var (bytes, starts) = ReadAll(buffer, 0);
        Assert.Equal(Pattern(2 * Block + 300, Block + 10), bytes);
        Assert.Equal([2 * Block + 300, 3 * Block + 300], starts);
    }

    /// <summary>Reads the way a replay does: each chunk from where the last one ended.</summary>
    private static (byte[] Bytes, List<long> Starts) ReadAll(AudioReplayBuffer buffer, long position)
    {
        var bytes = new List<byte>();
        var starts = new List<long>();
        while (buffer.TryGetChunk(position, out var audio, out var audioStart))
        {
            Assert.InRange(audio.Length, 1, Block);
            starts.Add(audioStart);
            bytes.AddRange(audio.ToArray());
            position = audioStart + audio.Length;
        }

        Assert.Equal(buffer.End, position);
        return (bytes.ToArray(), starts);
    }

    // Each byte depends on its session position, so a byte out of place shows.
    private static byte[] Pattern(int from, int count) =>
        Enumerable.Range(from, count).Select(i => (byte)(i % 251)).ToArray();

    private static byte[] Filled(byte value, int count) => Enumerable.Repeat(value, count).ToArray();
}

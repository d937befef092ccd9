namespace OrleansStt.Gateway.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns <paramref name="expected"/> or the deadline passes; returns the last value.</summary>
    public static async Task<T> Equal<T>(T expected, Func<Task<T>> probe, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await probe();
            if (EqualityComparer<T>.Default.Equals(value, expected) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}

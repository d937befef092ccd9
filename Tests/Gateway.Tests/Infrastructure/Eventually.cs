namespace OrleansStt.Gateway.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="probe"/> until it returns <paramref name="expected"/> or the deadline
    /// passes; returns the last value. A probe that throws (a cluster still noticing a dead silo)
    /// is tried again, and its exception surfaces only at the deadline.
    /// </summary>
    public static async Task<T> Equal<T>(T expected, Func<Task<T>> probe, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                var value = await probe();
                if (EqualityComparer<T>.Default.Equals(value, expected) || DateTime.UtcNow > deadline)
                {
                    return value;
                }
            }
            catch (Exception) when (DateTime.UtcNow <= deadline)
            {
            }

            await Task.Delay(100);
        }
    }
}

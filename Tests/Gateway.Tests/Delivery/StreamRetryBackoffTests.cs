using OrleansStt.Grains.Configuration;
using OrleansStt.Grains.Delivery;

namespace OrleansStt.Gateway.Tests.Delivery;

public sealed class StreamRetryBackoffTests
{
    [Fact]
    public void Waits_double_from_the_first_and_stop_at_the_longest()
    {
        var backoff = new StreamRetryBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        var waits = Enumerable.Range(0, 8).Select(attempt => backoff.Next(attempt).TotalMilliseconds);

        Assert.Equal([100, 200, 400, 800, 1000, 1000, 1000, 1000], waits);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next(int.MaxValue));
    }

    [Fact]
    public void Retry_settings_that_cannot_work_are_reported_key_by_key()
    {
        var options = new SttOptions
        {
            Backends = [new BackendOptions { Id = "gpu-1", Url = new Uri("ws://gpu-1:9000/v1/stream") }],
            Delivery = new DeliveryOptions
            {
                RetryFirst = TimeSpan.FromSeconds(2),
                RetryLongest = TimeSpan.FromSeconds(1),
                PublishTimeout = TimeSpan.Zero,
            },
        };

        var result = new SttOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Stt:Delivery:PublishTimeout must be a positive duration such as 00:00:30 (got 00:00:00).",
                "Stt:Delivery:RetryLongest must be at least Stt:Delivery:RetryFirst (00:00:02) (got 00:00:01).",
            ],
            result.Failures);
    }
}

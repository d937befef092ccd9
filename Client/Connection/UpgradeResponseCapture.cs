using System.Net;

namespace OrleansStt.Client;

/// <summary>
/// ClientWebSocket reports a refused upgrade only as a status code (CollectHttpResponseDetails) and
/// throws the body away; the protocol puts the reason in that body, so read it on the way through.
/// </summary>
internal sealed class UpgradeResponseCapture(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public SttRejectedException? Rejection { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
        {
            var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            var error = RejectionBody.TryParse(body);
            Rejection = new SttRejectedException((int)response.StatusCode, error?.Code, error?.Message, body, RetryAfter(response));
        }

        return response;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // The status code alone still tells the caller why; a body cut short must not hide it.
            return "";
        }
    }
}

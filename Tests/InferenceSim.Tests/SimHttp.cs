using System.Net;
using System.Text;

namespace OrleansStt.InferenceSim.Tests;

/// <summary>Plain HTTP calls to a simulator's <c>/health</c> and <c>/admin</c> endpoints, bounded by <see cref="SimClient.Timeout"/>.</summary>
public sealed class SimHttp(Uri baseUri) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = baseUri, Timeout = SimClient.Timeout };

    public Task<(HttpStatusCode Status, string Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<(HttpStatusCode Status, string Body)> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string? json = null) => SendAsync(HttpMethod.Post, path, json);

    public void Dispose() => http.Dispose();

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

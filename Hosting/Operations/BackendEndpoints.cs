using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansStt.Grains.Interfaces.Backends;

namespace OrleansStt.Hosting.Operations;

/// <summary>
/// The operators' view of the GPU fleet on silos (and the embedded edge, which hosts one):
/// <c>GET /v1/backends</c>, and draining a server with <c>POST /v1/backends/{id}/drain</c> or <c>/undrain</c>.
/// </summary>
public static class BackendEndpoints
{
    /// <summary>Maps the routes; the group lets a public-facing host put them behind its credentials.</summary>
    public static RouteGroupBuilder MapBackendOperations(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/backends");
        group.MapGet("", async (IGrainFactory grains) =>
            TypedResults.Json(await grains.GetGrain<IBackendFleetGrain>(0).GetStatuses(), OperationsJsonContext.Default.IReadOnlyListBackendPoolStatus));
        group.MapPost("/{id}/drain", (string id, IGrainFactory grains) => SetDrainingAsync(grains, id, draining: true));
        group.MapPost("/{id}/undrain", (string id, IGrainFactory grains) => SetDrainingAsync(grains, id, draining: false));
        return group;
    }

    private static async Task<IResult> SetDrainingAsync(IGrainFactory grains, string id, bool draining)
    {
        var statuses = await grains.GetGrain<IBackendFleetGrain>(0).GetStatuses();
        if (statuses.All(s => s.BackendId != id))
        {
            return TypedResults.NotFound();
        }

        var pool = grains.GetGrain<IBackendPoolGrain>(id);
        await pool.SetDraining(draining);
        return TypedResults.Json(await pool.GetState(), OperationsJsonContext.Default.BackendPoolStatus);
    }
}

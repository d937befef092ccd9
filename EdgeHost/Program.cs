using OrleansStt.EdgeHost.Hosting;
using OrleansStt.Hosting.Process;

return await ConsoleHost.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    await builder.AddGatewayAsync();

    var app = builder.Build();
    app.MapGateway();
    await app.RunAsync();
});

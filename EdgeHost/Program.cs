using OrleansStt.EdgeHost.Hosting;

var builder = WebApplication.CreateBuilder(args);
await builder.AddGatewayAsync();

var app = builder.Build();
app.MapGateway();
await app.RunAsync();

/// <summary>Lets tests start this host in-process.</summary>
public partial class Program;

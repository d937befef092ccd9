using Microsoft.Extensions.Options;
using OrleansStt.InferenceSim;

await using var app = SimulatorApplication.Create(args);
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
{
    // The host has already logged which settings are invalid (InvalidOperationException is the
    // binder's answer to a value of the wrong type); exit without a crash dump.
    return 1;
}

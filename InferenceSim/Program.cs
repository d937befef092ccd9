using Microsoft.Extensions.Options;
using OrleansStt.InferenceSim;

await using var app = SimulatorApplication.Create(args);
try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException)
{
    // The host has already logged which settings are invalid; exit without a crash dump.
    return 1;
}

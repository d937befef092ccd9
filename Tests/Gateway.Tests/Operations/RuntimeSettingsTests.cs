using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansStt.Gateway.Tests.Infrastructure;

namespace OrleansStt.Gateway.Tests.Operations;

/// <summary>
/// The runtime settings the gateway's processes are measured with (bench/side-by-side.sh reads them
/// from deploy/Dockerfile) are the ones a user gets, from the container and from <c>dotnet run</c>.
/// </summary>
public sealed partial class RuntimeSettingsTests
{
    [Theory]
    [InlineData("EdgeHost")]
    [InlineData("Silo")]
    public void Dotnet_run_gives_the_gateway_the_containers_runtime_environment(string project)
    {
        var dockerfile = File.ReadAllText(Path.Combine(RenderedManifests.RepoRoot, "deploy", "Dockerfile"));
        var runtimeStage = dockerfile[dockerfile.IndexOf(" AS runtime", StringComparison.Ordinal)..];
        var container = RuntimeEnvironment().Matches(runtimeStage)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        using var launch = JsonDocument.Parse(File.ReadAllText(Path.Combine(RenderedManifests.RepoRoot, project, "Properties", "launchSettings.json")));
        var profiles = launch.RootElement.GetProperty("profiles").EnumerateObject().ToList();

        Assert.NotEmpty(container);
        var profile = Assert.Single(profiles).Value;
        var environment = profile.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.All(container, setting => Assert.Equal(setting.Value, environment.GetValueOrDefault(setting.Key)));
    }

    // The runtime's knobs the image's runtime stage sets (DOTNET_*, other than the CLI's own).
    [GeneratedRegex(@"(?<name>DOTNET_(?!CLI_|NOLOGO)\w+)=(?<value>\S+)")]
    private static partial Regex RuntimeEnvironment();
}

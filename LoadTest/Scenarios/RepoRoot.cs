namespace OrleansStt.LoadTest;

/// <summary>Finds the repository whose Release builds a scenario runs.</summary>
internal static class RepoRoot
{
    private const string Marker = "OrleansStt.sln";

    /// <param name="given">--repo, when given.</param>
    /// <exception cref="InvalidOperationException">No repository found.</exception>
    public static string Find(string? given)
    {
        if (given is not null)
        {
            return File.Exists(Path.Combine(given, Marker))
                ? Path.GetFullPath(given)
                : throw new InvalidOperationException($"--repo {given}: no {Marker} there.");
        }

        // The tool runs from LoadTest/bin/<configuration>/net10.0/: the repository is a few levels up.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No {Marker} above {AppContext.BaseDirectory}; give the repository with --repo.");
    }

    /// <summary>A project's Release entry assembly, which must have been built.</summary>
    public static string ReleaseDll(string repo, string project)
    {
        var dll = Path.Combine(repo, project, "bin", "Release", "net10.0", $"OrleansStt.{project}.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} is missing: dotnet build -c Release {project}");
    }
}

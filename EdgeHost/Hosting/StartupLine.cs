namespace OrleansStt.EdgeHost.Hosting;

/// <summary>One line of the summary an edge prints when it is ready; <paramref name="UnderEachUrl"/> prefixes each listening URL.</summary>
public sealed record StartupLine(string Label, string Text, bool UnderEachUrl = false);

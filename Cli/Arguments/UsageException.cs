namespace OrleansStt.CommandLine;

/// <summary>The command line is wrong; the message says how, and the caller prints usage.</summary>
public sealed class UsageException(string message) : Exception(message);

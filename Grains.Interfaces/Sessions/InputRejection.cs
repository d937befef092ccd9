namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>Client input the edge refused, with the error <c>code</c> the client is told.</summary>
[GenerateSerializer, Immutable, Alias("stt.input-rejection")]
public sealed record InputRejection(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] bool EndsSession);

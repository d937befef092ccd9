namespace OrleansStt.Grains.Interfaces.Protocol;

[GenerateSerializer, Immutable, Alias("stt.notice")]
public sealed record NoticeMessage(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message) : ClientMessage;

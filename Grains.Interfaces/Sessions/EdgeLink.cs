namespace OrleansStt.Grains.Interfaces.Sessions;

/// <summary>
/// The client socket a session currently talks through: the edge whose delivery streams carry its
/// messages, how many delivery streams that edge listens on (so silos need not be configured to
/// match), and <see cref="Id"/>, a number that edge gives each attachment of a socket to a session
/// (open, resume, rebuild after a silo loss). A session answers only its current link: calls from
/// a socket a resume replaced are ignored, so a frame still in flight on it never reaches the GPU
/// server twice, and edges drop output addressed to a link they no longer hold.
/// </summary>
[GenerateSerializer, Immutable, Alias("stt.edge-link")]
public sealed record EdgeLink(
    [property: Id(0)] string EdgeId,
    [property: Id(1)] int DeliveryStreams,
    [property: Id(2)] long Id);

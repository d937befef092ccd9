using OrleansStt.Grains.Delivery;
using OrleansStt.Grains.Interfaces.Delivery;
using OrleansStt.Grains.Interfaces.Protocol;
using OrleansStt.Grains.Interfaces.Sessions;

namespace OrleansStt.Grains.Sessions;

/// <summary>
/// Where a session's messages go: each gets its <c>seq</c> in the log, then goes to the client
/// socket the session is linked to, if any. A message published while no socket is linked waits
/// in the log for a resume; whatever an edge reports missing is sent again from the log.
/// </summary>
internal sealed class ClientOutput(string sessionId, EdgeOutbox outbox, SessionLog log, TimeProvider time)
{
    public SessionLog Log => log;

    /// <summary>The client socket the session talks through; null while the client is away.</summary>
    public EdgeLink? Link { get; private set; }

    public bool IsLinkedTo(long link) => Link?.Id == link;

    public void Publish(ClientMessage message, int? closeStatus = null) => Send(log.Append(message, closeStatus));

    /// <summary>Links the session to <paramref name="link"/>; a socket linked before is closed with 4000 and sent nothing more.</summary>
    public void LinkTo(EdgeLink link)
    {
        if (Link is { } previous && previous.Id != link.Id)
        {
            Post(previous, new SessionOutput(sessionId, previous.Id, Message: null, CloseStatus.Superseded));
        }

        Link = link;
    }

    /// <summary>The same socket goes on under a new link number (its edge took this session for lost): nothing is closed.</summary>
    public void Relink(EdgeLink link) => Link = link;

    public void Unlink() => Link = null;

    /// <summary>Sends every logged message after <paramref name="seq"/> again, in order.</summary>
    public void ResendAfter(long seq)
    {
        foreach (var logged in log.After(seq))
        {
            Send(logged);
        }
    }

    private void Send(LoggedMessage logged)
    {
        if (Link is { } link)
        {
            Post(link, new SessionOutput(sessionId, link.Id, logged.Message, logged.CloseStatus, time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
    }

    private void Post(EdgeLink link, SessionOutput output) => outbox.Post(link.EdgeId, link.DeliveryStreams, output);
}

using System.Net.WebSockets;

namespace OrleansStt.Gateway.Tests.Security;

/// <summary>The answer docs/protocol.md §1.4 gives to one client frame inside an open session.</summary>
public enum FrameAnswer
{
    /// <summary>No message; the session goes on (unknown types, <c>keepalive</c>, <c>finalize</c>, audio).</summary>
    Ignored,

    /// <summary><c>error</c> <c>bad_request</c>, non-fatal; the session goes on.</summary>
    BadRequest,

    /// <summary>The docs allow both (a case they leave open, named where the input is made).</summary>
    IgnoredOrBadRequest,

    /// <summary><c>error</c> <c>payload_too_large</c>, then close 1009; the session ends.</summary>
    PayloadTooLarge,

    /// <summary>Invalid UTF-8 in a text frame: the connection is failed with close 1007 and no message (§1.4).</summary>
    InvalidUtf8,

    /// <summary><c>close_stream</c> itself: ends the session, so never sent as a fuzz input.</summary>
    CloseStream,
}

/// <summary>One client frame of family 2 (text) or 3 (binary), sent whole or in fragments.</summary>
public sealed record FrameInput(WebSocketMessageType Type, byte[] Payload, IReadOnlyList<int>? Fragments, string Shape, FrameAnswer Expected)
{
    /// <summary>Sent after <c>close_stream</c>, where an oversize frame may meet a session that already ended.</summary>
    public bool AfterCloseStream { get; init; }

    /// <summary>
    /// Needs a session of its own: it ends the session by the docs, or is invalid UTF-8, which a
    /// WebSocket stack may refuse whatever the docs say (RFC 6455 §8.1), and must not take a batch with it.
    /// </summary>
    public bool Solo => Expected == FrameAnswer.PayloadTooLarge || AfterCloseStream
                        || (Type == WebSocketMessageType.Text && !System.Text.Unicode.Utf8.IsValid(Payload));

    public override string ToString() =>
        $"{(Type == WebSocketMessageType.Text ? "text" : "binary")} {Payload.Length} B" +
        (Fragments is { Count: > 0 } ? $" in {Fragments.Count + 1} fragments [{string.Join(',', Fragments)},…]" : "") +
        (AfterCloseStream ? " after close_stream" : "") +
        $" ({Shape})" + (Type == WebSocketMessageType.Text ? $": {FuzzReport.Show(Payload, 120)}" : "");
}

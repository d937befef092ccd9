using System.Text;
using System.Text.Json;

namespace OrleansStt.Client;

internal static class ServerMessageParser
{
    public static ServerMessage Parse(ReadOnlySpan<byte> utf8, long arrivalTimestamp)
    {
        var raw = Encoding.UTF8.GetString(utf8);
        WireMessage? wire;
        try
        {
            wire = JsonSerializer.Deserialize(utf8, ClientJsonContext.Default.WireMessage);
        }
        catch (JsonException e)
        {
            throw new SttProtocolException($"The edge sent a text frame that is not a JSON object: {e.Message}", raw, e);
        }

        if (wire?.Type is not { } type)
        {
            throw new SttProtocolException("The edge sent a message without \"type\".", raw);
        }

        var seq = wire.Seq ?? throw new SttProtocolException($"The edge sent a \"{type}\" message without \"seq\".", raw);
        T Required<T>(T? value, string field) where T : class =>
            value ?? throw new SttProtocolException($"The edge sent a \"{type}\" message without \"{field}\".", raw);
        T RequiredValue<T>(T? value, string field) where T : struct =>
            value ?? throw new SttProtocolException($"The edge sent a \"{type}\" message without \"{field}\".", raw);

        ServerMessage message = type switch
        {
            "session" => new SessionMessage(
                Required(wire.SessionId, "session_id"), Required(wire.ResumeToken, "resume_token"), Required(wire.Backend, "backend")),
            "transcript" => new TranscriptMessage(
                RequiredValue(wire.IsFinal, "is_final"), Required(wire.Language, "language"), Required(wire.Text, "text"),
                RequiredValue(wire.StartMs, "start_ms"), RequiredValue(wire.EndMs, "end_ms")),
            "translation" => new TranslationMessage(
                RequiredValue(wire.IsFinal, "is_final"), Required(wire.Language, "language"),
                Required(wire.SourceLanguage, "source_language"), Required(wire.Text, "text"),
                RequiredValue(wire.StartMs, "start_ms"), RequiredValue(wire.EndMs, "end_ms"))
            {
                Simulated = wire.Simulated ?? false,
            },
            // PROTOCOL §1.3 gives resumed no message: its numbers are what a client needs.
            "notice" when wire.Code == NoticeMessage.Resumed => new NoticeMessage(NoticeMessage.Resumed, wire.Message ?? "")
            {
                AudioFrames = RequiredValue(wire.AudioFrames, "audio_frames"),
                AudioMs = RequiredValue(wire.AudioMs, "audio_ms"),
            },
            "notice" => new NoticeMessage(Required(wire.Code, "code"), Required(wire.Message, "message")),
            "error" => new ErrorMessage(Required(wire.Code, "code"), Required(wire.Message, "message")),
            "closed" => new ClosedMessage(Required(wire.Reason, "reason")),
            _ => new UnknownMessage(type),
        };

        return message with { Seq = seq, RawJson = raw, ArrivalTimestamp = arrivalTimestamp };
    }
}

namespace OrleansStt.Client.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void The_resume_request_gives_the_session_and_credentials_but_not_the_session_parameters()
    {
        var options = new SttConnectOptions(new Uri("ws://edge-a:5000/v1/listen"))
        {
            Translate = ["ja", "de"],
            AccessToken = "key 1",
            ExtraQuery = [new("sample_rate", "abc")],
        };

        var uri = options.BuildResumeUri(new Uri("ws://edge-b:5000/v1/listen"), "s1", "t/1", 7);

        Assert.Equal("ws://edge-b:5000/v1/listen?session_id=s1&resume_token=t%2F1&last_seq=7&access_token=key%201", uri.AbsoluteUri);
    }

    [Fact]
    public void Edges_start_with_the_uri()
    {
        var options = new SttConnectOptions(new Uri("ws://a/v1/listen")) { OtherEdges = [new Uri("ws://b/v1/listen")] };

        Assert.Equal([new Uri("ws://a/v1/listen"), new Uri("ws://b/v1/listen")], options.Edges);
    }

    public static TheoryData<SttResumeOptions> InvalidResumeOptions => new()
    {
        new SttResumeOptions { GiveUpAfter = TimeSpan.Zero },
        new SttResumeOptions { InitialBackoff = TimeSpan.Zero },
        new SttResumeOptions { InitialBackoff = TimeSpan.FromSeconds(3), MaxBackoff = TimeSpan.FromSeconds(2) },
        new SttResumeOptions { MaxBufferedAudioBytes = -1 },
    };

    [Theory]
    [MemberData(nameof(InvalidResumeOptions))]
    public void Invalid_resume_options_are_refused_before_connecting(SttResumeOptions resume)
    {
        var options = new SttConnectOptions(new Uri("ws://127.0.0.1:1/v1/listen")) { Resume = resume };

        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void A_relative_edge_is_refused()
    {
        var options = new SttConnectOptions(new Uri("ws://a/v1/listen")) { OtherEdges = [new Uri("/v1/listen", UriKind.Relative)] };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}

using Seqline.Conversations;
using Seqline.Hosting;

namespace Seqline.Tests.Conversations;

/// <summary>Typed content without a cluster: what is accepted, how it is stored, and every refusal with its code.</summary>
public sealed class ContentRulesTests
{
    private const int Max = 4096;
    private const string Png = """{ "url": "https://cdn.example/a.png", "size": 2048, "mediaType": "image/png", "width": 640, "height": 480 }""";

    private static OutgoingMessage Send(string body, string? type = null, string? content = null) => new("ann", "m1", body, ContentType: type, Content: content);

    private static ErrorCode Refusal(OutgoingMessage message, int max = Max) => Assert.Throws<SeqlineException>(() => ContentRules.Normalize(message, max)).Code;

    [Fact]
    public void Plain_text_comes_back_as_the_same_instance_and_text_named_explicitly_is_stored_as_no_type()
    {
        var text = Send("hi");
        Assert.Same(text, ContentRules.Normalize(text, Max));
        var named = ContentRules.Normalize(Send("hi", "text"), Max);
        Assert.Null(named.ContentType);
        Assert.Null(named.Content);
    }

    [Fact]
    public void An_image_is_stored_minified_and_without_a_body_gets_a_derived_fallback()
    {
        var image = ContentRules.Normalize(Send("", "image", Png), Max);
        Assert.Equal("image", image.ContentType);
        Assert.Equal("""{"url":"https://cdn.example/a.png","size":2048,"mediaType":"image/png","width":640,"height":480}""", image.Content);
        Assert.Equal("[image]", image.Body);

        var file = ContentRules.Normalize(Send(" ", "file", """{"url":"http://files.example/r.pdf","size":0,"mediaType":"application/pdf","name":"report.pdf","extra":{"a":1}}"""), Max);
        Assert.Equal("[file: report.pdf]", file.Body);
        Assert.Contains("\"extra\":{\"a\":1}", file.Content); // other members are kept as they are

        Assert.Equal("look", ContentRules.Normalize(Send("look", "image", Png), Max).Body); // a body given is kept
    }

    [Fact]
    public void An_application_type_passes_any_object_through_but_needs_its_fallback_body()
    {
        var poll = ContentRules.Normalize(Send("Poll: lunch?", "x-poll", """{ "options": ["pizza", "sushi"] }"""), Max);
        Assert.Equal(("x-poll", """{"options":["pizza","sushi"]}"""), (poll.ContentType, poll.Content));
        Assert.Equal("x-ping", ContentRules.Normalize(Send("ping", "x-ping"), Max).ContentType);
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("", "x-poll", "{}")));
    }

    [Theory]
    [InlineData("video")]
    [InlineData("Image")]
    [InlineData("x-")]
    [InlineData("x-Poll")]
    [InlineData("x-poll!")]
    [InlineData("")]
    public void Unknown_types_are_refused(string type) => Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", type, "{}")));

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    [InlineData("{\"url\":")]
    public void Content_that_is_not_a_json_object_is_refused(string content) => Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", "x-poll", content)));

    [Theory]
    [InlineData("""{ "size": 1, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "/relative.png", "size": 1, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "ftp://host/a.png", "size": 1, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "javascript:alert(1)", "size": 1, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": 5, "size": 1, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "https://h/a.png", "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": -1, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1.5, "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": "1", "mediaType": "image/png" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1 }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1, "mediaType": "png" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1, "mediaType": "image/png; q=1" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1, "mediaType": "application/pdf" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1, "mediaType": "image/png", "width": -3 }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1, "mediaType": "image/png", "height": "tall" }""")]
    [InlineData("""{ "url": "https://h/a.png", "size": 1, "mediaType": "image/png", "name": 7 }""")]
    public void An_image_reference_that_breaks_a_rule_is_refused(string content) => Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", "image", content)));

    [Fact]
    public void Content_is_required_for_images_and_files_and_refused_for_text()
    {
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", "image")));
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", "file")));
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", content: Png)));
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", "text", Png)));
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("  ")));
    }

    [Fact]
    public void Content_over_the_limit_is_too_large_and_a_name_over_its_length_is_invalid()
    {
        Assert.Equal(ErrorCode.TooLarge, Refusal(Send("b", "image", Png), max: Png.Length - 1));
        Assert.Equal("image", ContentRules.Normalize(Send("b", "image", Png), Png.Length).ContentType);
        var longName = $$"""{ "url": "https://h/a", "size": 1, "mediaType": "text/plain", "name": "{{new string('n', ContentRules.MaxNameLength + 1)}}" }""";
        Assert.Equal(ErrorCode.Invalid, Refusal(Send("b", "file", longName)));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(65_537, true)]
    [InlineData(2, false)]
    [InlineData(65_536, false)]
    public void The_content_limit_is_checked_at_start_up(int maxContentBytes, bool refused)
    {
        var result = new ConversationOptionsValidator().Validate(null, new ConversationOptions { MaxContentBytes = maxContentBytes });
        Assert.Equal(refused, result.Failed);
        if (refused) Assert.Contains("Seqline:Conversations:MaxContentBytes", result.FailureMessage);
    }
}

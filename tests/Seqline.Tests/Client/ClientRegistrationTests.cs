using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Client;

/// <summary><c>AddSeqlineClient</c>: a client from the container, configured in code or from configuration, against a real node.</summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ClientRegistrationTests(SeqlineNodeFixture node)
{
    [Fact]
    public async Task A_client_configured_in_code_is_one_singleton_that_talks_to_the_node_and_goes_with_the_container()
    {
        var token = await node.Server.Token(Ids.User("bot"));
        var services = new ServiceCollection().AddLogging();
        services.AddSeqlineClient(o =>
        {
            o.BaseAddress = node.Server.BaseAddress;
            o.AccessTokenProvider = _ => ValueTask.FromResult(token);
        });
        var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SeqlineClient>();
        Assert.Same(client, provider.GetRequiredService<SeqlineClient>());
        var conversation = await client.CreateConversationAsync([Ids.User("alice")]);
        var receipt = await client.SendAsync(conversation.ConversationId, "from a container");
        Assert.Equal(1, receipt.Seq);

        await provider.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ConnectAsync());
    }

    [Fact]
    public async Task A_client_can_be_bound_to_configuration_and_configured_from_other_services()
    {
        var token = await node.Server.Token(Ids.User("bot"));
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seqline:Client:BaseAddress"] = node.Server.BaseAddress.ToString(),
            ["Seqline:Client:SyncPageSize"] = "50",
        }).Build());
        services.AddSingleton(new StaticToken(token));
        services.AddSeqlineClient()
            .BindConfiguration("Seqline:Client")
            .Configure<StaticToken>((o, tokens) => o.AccessTokenProvider = tokens.Get);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SeqlineClient>();
        var conversation = await client.CreateConversationAsync([Ids.User("alice")], title: "bound");
        Assert.Equal("bound", conversation.Title);
        Assert.Equal(50, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SeqlineClientOptions>>().Value.SyncPageSize);
        // Without a logger factory of its own, the client logs where the container does.
        Assert.Same(provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SeqlineClientOptions>>().Value.LoggerFactory);
    }

    [Fact]
    public async Task A_client_without_an_address_is_refused_when_resolved()
    {
        var services = new ServiceCollection();
        services.AddSeqlineClient(o => o.AccessTokenProvider = _ => ValueTask.FromResult("token"));
        await using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<ArgumentNullException>(() => provider.GetRequiredService<SeqlineClient>());
        Assert.Equal(nameof(SeqlineClientOptions.BaseAddress), refused.ParamName);
    }

    [Fact]
    public async Task A_busy_acknowledgement_pace_shorter_than_the_quiet_one_is_refused_when_resolved()
    {
        var services = new ServiceCollection();
        services.AddSeqlineClient(o =>
        {
            o.BaseAddress = new Uri("http://127.0.0.1:1/");
            o.AccessTokenProvider = _ => ValueTask.FromResult("token");
            o.AcknowledgeDeliveries = TimeSpan.FromSeconds(5);
            o.AcknowledgeDeliveriesWhenBusy = TimeSpan.FromSeconds(4);
        });
        await using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<SeqlineClient>());
        Assert.Equal(nameof(SeqlineClientOptions.AcknowledgeDeliveriesWhenBusy), refused.ParamName);
    }

    private sealed class StaticToken(string token)
    {
        public ValueTask<string> Get(CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }
}

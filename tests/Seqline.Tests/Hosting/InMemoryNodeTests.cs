using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Hosting;

/// <summary><c>AddSeqlineInMemory</c> gives a silo every store it needs, in the instances the caller shares.</summary>
public sealed class InMemoryNodeTests
{
    [Fact]
    public async Task A_silo_on_memory_keeps_its_timelines_and_rows_in_the_given_stores_and_sends()
    {
        var stores = new SeqlineMemoryStores();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey,
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        var ports = LoopbackPorts.Take(2);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(ports[0], ports[1]).AddSeqlineGrains(configuration).AddSeqlineInMemory(stores));
        using var host = builder.Build();

        Assert.Same(stores.Conversations, host.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Conversations));
        Assert.Same(stores.Inboxes, host.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Inboxes));
        Assert.Same(stores.Members, host.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.Members));
        Assert.Same(stores.ConversationIndex, host.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.ConversationIndex));
        Assert.NotNull(host.Services.GetRequiredKeyedService<IGrainStorage>(SeqlineStorage.GrainStateName));

        await host.StartAsync();
        try
        {
            var conversation = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IConversationGrain>("g-memory");
            await conversation.Create(new NewConversation("alice", ["bob"], "memory", ConversationKind.Group));
            var receipt = await conversation.Send(new OutgoingMessage("alice", "m1", "hello"));
            Assert.Equal(1, receipt.Seq);
            Assert.Equal(1, stores.Conversations.EntriesAppended);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}

/// <summary>The grains do not take ASP.NET Core: the silo's dashboard and HTTP live in the Silo and Api projects.</summary>
public sealed class GrainsDependencyTests
{
    [Fact]
    public void The_grains_assembly_references_nothing_of_aspnetcore()
    {
        var grains = typeof(SeqlineSiloBuilderExtensions).Assembly;

        Assert.DoesNotContain(grains.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || a.Name.StartsWith("Orleans.Dashboard", StringComparison.Ordinal));
    }
}

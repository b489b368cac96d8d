using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seqline.Bench.Infrastructure;
using Seqline.Hosting;
using Seqline.Storage.Sqlite;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// Where the large group lives: one node in the bench's process on SQLite (<see cref="NodeTarget"/>),
/// or a cluster of silo processes on Azure tables (<see cref="LargeGroupCluster"/>).
/// </summary>
internal interface ILargeGroupTarget : IAsyncDisposable
{
    /// <summary>What runs the group, in a sentence for the report.</summary>
    string Description { get; }

    /// <summary>Calls grains as an edge node would: the node's own factory, or a cluster client's.</summary>
    IGrainFactory Grains { get; }

    IGroupStore Store { get; }

    /// <summary>How long an inbox waits before it writes its index (<c>Seqline:Sync:CheckpointInterval</c>).</summary>
    TimeSpan CheckpointInterval { get; }

    /// <summary>The processes running the silos, whose CPU and memory the report shows.</summary>
    IReadOnlyList<int> SiloPids { get; }
}

/// <summary>One node in the bench's process, on SQLite with the product's defaults.</summary>
internal sealed class NodeTarget : ILargeGroupTarget
{
    private readonly InProcessNode _node;

    private NodeTarget(InProcessNode node)
    {
        _node = node;
        Grains = node.Services.GetRequiredService<IGrainFactory>();
        Store = new StoreMeter(node.Services.GetRequiredService<SqliteDatabase>());
        CheckpointInterval = node.Services.GetRequiredService<IOptions<SyncOptions>>().Value.CheckpointInterval;
    }

    public string Description =>
        "one node in the bench's process, on SQLite (WAL, synchronous=FULL) in a temp folder; the devices are grain observers registered through the node's own grain factory, " +
        "and the creator's sends are grain calls from inside the node";

    public IGrainFactory Grains { get; }
    public IGroupStore Store { get; }
    public TimeSpan CheckpointInterval { get; }
    public IReadOnlyList<int> SiloPids => [Environment.ProcessId];

    public static async Task<NodeTarget> StartAsync(string workDirectory, IReadOnlyDictionary<string, string> settings) =>
        new((InProcessNode)await Nodes.StartSqliteAsync(NodeMode.InProcess, Path.Combine(workDirectory, "node"), settings));

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}

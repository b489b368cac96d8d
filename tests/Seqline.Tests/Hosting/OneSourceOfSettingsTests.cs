using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Seqline.Api.Auth;
using Seqline.Hosting;
using Seqline.Samples.Announcer;
using Seqline.Silo;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// Each setting is bound once and read through its options by the silo, the edge-only node and
/// other .NET services alike: what a host is built with and what it runs with cannot disagree, and
/// a wrong value stops every kind of host with the same one line.
/// </summary>
public sealed class OneSourceOfSettingsTests
{
    [Fact]
    public void The_things_a_deployment_names_have_distinct_default_names()
    {
        // One name for several things makes logs, tables and dashboards ambiguous, and a rename of one
        // silently renames the others.
        string[] names =
        [
            SeqlineStorage.GrainStateName, new FanoutOptions().StreamProvider, new AzureQueuesOptions().QueuePrefix,
            RetentionOptions.Clock, ClusterSettings.DefaultClusterId, ClusterSettings.DefaultServiceId,
            new AzureTablesOptions().TablePrefix, AuthOptions.DefaultIssuer, PostgresSiloBuilderExtensions.DataSourceKey,
            SeqlineSiloBuilderExtensions.AzureTablesKey,
        ];
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void An_edge_only_node_joins_the_cluster_the_cluster_settings_name()
    {
        using var app = SeqlineNode.Build(UnstartedNode.Args(new()
        {
            ["Seqline:Role"] = "Edge",
            ["Seqline:Cluster:ClusterId"] = "blue",
            ["Seqline:Cluster:ServiceId"] = "chat",
            ["Seqline:Cluster:GatewayPort"] = "31999",
        }));

        var ids = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("blue", "chat"), (ids.ClusterId, ids.ServiceId));
        var gateway = Assert.Single(app.Services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways);
        Assert.Equal(31999, gateway.Port);
        Assert.Same(app.Services.GetRequiredService<IOptions<ClusterSettings>>().Value, app.Services.GetRequiredService<IOptions<ClusterSettings>>().Value);
    }

    [Theory]
    [InlineData("Seqline:Cluster:GatewayPort", "0", "Seqline:Cluster:GatewayPort must be a port number (1-65535); it is 0.")]
    [InlineData("Seqline:Storage:Provider", "Postgres", "Seqline:Storage:Postgres:ConnectionString is required when Seqline:Storage:Provider is Postgres.")]
    public void An_edge_only_node_is_refused_a_setting_the_silo_would_refuse(string key, string value, string expected)
    {
        var refused = Assert.ThrowsAny<Exception>(() => SeqlineNode.Build(UnstartedNode.Args(new()
        {
            ["Seqline:Role"] = "Edge",
            [key] = value,
        })));

        Assert.Equal(expected, StartupFailure.Explain(refused));
    }

    [Fact]
    public void Another_service_reads_the_cluster_settings_the_silo_reads()
    {
        using var host = AnnouncerHost.Build(["--Seqline:Cluster:GatewayPort=32111", "--Seqline:Cluster:ClusterId=green"]);

        var ids = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("green", ClusterSettings.DefaultServiceId), (ids.ClusterId, ids.ServiceId));
        Assert.Equal(32111, Assert.Single(host.Services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways).Port);
    }

    [Fact]
    public void Another_service_is_refused_a_wrong_cluster_setting_as_it_starts()
    {
        using var host = AnnouncerHost.Build(["--Seqline:Cluster:ClusterId= "]);

        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ClusterSettings>>().Value);
        Assert.Equal("Seqline:Cluster:ClusterId must not be empty.", refused.Message);
    }

    [Fact]
    public void The_request_size_limits_follow_the_body_limit_the_grains_read()
    {
        using var app = SeqlineNode.Build(UnstartedNode.Args(new() { ["Seqline:Limits:MaxBodyBytes"] = "1000" }));

        var limits = app.Services.GetRequiredService<IOptions<SeqlineLimits>>().Value;
        Assert.Equal(1000, limits.MaxBodyBytes);
        Assert.Equal(8000, app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
        Assert.Equal(8000, app.Services.GetRequiredService<IOptions<HubOptions>>().Value.MaximumReceiveMessageSize);
    }

    [Fact]
    public void A_silo_and_its_edge_bind_a_shared_setting_once()
    {
        using var app = SeqlineNode.Build(UnstartedNode.Args(new()));

        var services = app.Services;
        Assert.Single(services.GetServices<IValidateOptions<SeqlineLimits>>());
        Assert.Single(services.GetServices<IConfigureOptions<SeqlineLimits>>());
    }

    [Fact]
    public void A_builder_time_read_fails_with_the_message_start_would_give()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seqline:Cluster:SiloPort"] = "70000",
        }).Build();

        var refused = Assert.Throws<OptionsValidationException>(() =>
        {
            configuration.ReadValidated(ClusterSettings.Section, new ClusterSettingsValidator());
        });
        var atStart = new ClusterSettingsValidator().Validate(null, new ClusterSettings { SiloPort = 70000 });
        Assert.Equal(atStart.FailureMessage, refused.Message);
    }
}

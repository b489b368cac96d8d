using System.Net;
using Microsoft.Extensions.Options;

namespace Seqline.Hosting;

/// <summary>
/// How silos find each other, and how Orleans clients find the silos (configuration section
/// <c>Seqline:Cluster</c>): the one type the silo, the edge-only node and other .NET services
/// (samples/Announcer) read, checked by <see cref="ClusterSettingsValidator"/>.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Seqline:Cluster";

    /// <summary>Orleans' cluster id when none is configured: one deployment of the service.</summary>
    public const string DefaultClusterId = "seqline-cluster";

    /// <summary>Orleans' service id when none is configured: the service, whose data outlives deployments.</summary>
    public const string DefaultServiceId = "seqline-service";

    public string ClusterId { get; set; } = DefaultClusterId;
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>Port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (a separate API tier, other services) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos reach this one at, in a cluster; the host's own address when empty.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// With an advertised address, whether the silo listens on every address of the host (as in a
    /// container behind an address of its own) or only on the advertised one.
    /// </summary>
    public bool ListenOnAnyAddress { get; set; } = true;

    /// <summary>
    /// Orleans' Kubernetes hosting (silo name, address, cluster and service ids from the pod), for a
    /// node on Azure Tables or PostgreSQL: <c>Auto</c> uses it when the node runs in a pod.
    /// </summary>
    public KubernetesHosting Kubernetes { get; set; } = KubernetesHosting.Auto;

    /// <summary>Whether the node uses Kubernetes hosting, given its environment variables.</summary>
    public bool UsesKubernetesHosting(Func<string, string?> environment) => Kubernetes switch
    {
        KubernetesHosting.On => true,
        KubernetesHosting.Off => false,
        // Kubernetes gives every container of a pod the API server's address.
        _ => !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")),
    };

    /// <summary>Whether this process uses Kubernetes hosting.</summary>
    public bool InKubernetes() => UsesKubernetesHosting(Environment.GetEnvironmentVariable);

    /// <summary>The parsed <see cref="AdvertisedIPAddress"/>; checked by <see cref="ClusterSettingsValidator"/>.</summary>
    public IPAddress? AdvertisedAddress() => IPAddress.TryParse(AdvertisedIPAddress, out var address) ? address : null;
}

/// <summary>Start-up checks of <c>Seqline:Cluster</c>, for silos, edge nodes and other clients alike.</summary>
public sealed class ClusterSettingsValidator : IValidateOptions<ClusterSettings>
{
    private const string S = ClusterSettings.Section;

    public ValidateOptionsResult Validate(string? name, ClusterSettings o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(o.ClusterId)) result.AddError($"{S}:ClusterId must not be empty.");
        if (string.IsNullOrWhiteSpace(o.ServiceId)) result.AddError($"{S}:ServiceId must not be empty.");
        if (o.SiloPort is < 1 or > 65535) result.AddError($"{S}:SiloPort must be a port number (1-65535); it is {o.SiloPort}.");
        if (o.GatewayPort is < 1 or > 65535) result.AddError($"{S}:GatewayPort must be a port number (1-65535); it is {o.GatewayPort}.");
        if (!string.IsNullOrEmpty(o.AdvertisedIPAddress) && !IPAddress.TryParse(o.AdvertisedIPAddress, out _))
            result.AddError($"{S}:AdvertisedIPAddress must be an IP address; it is '{o.AdvertisedIPAddress}'.");
        return result.Build();
    }
}

public enum KubernetesHosting
{
    Auto,
    On,
    Off,
}

using System.Net;

namespace Seqline.Hosting;

/// <summary>How silos find each other (configuration section <c>Seqline:Cluster</c>).</summary>
public sealed class ClusterSettings
{
    public const string Section = "Seqline:Cluster";

    public string ClusterId { get; set; } = "seqline";
    public string ServiceId { get; set; } = "seqline";

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

    internal bool InKubernetes => UsesKubernetesHosting(Environment.GetEnvironmentVariable);

    // Checked at start (SeqlineOptionsValidation); read before that, a bad value must not throw here.
    internal IPAddress? AdvertisedAddress => IPAddress.TryParse(AdvertisedIPAddress, out var address) ? address : null;
}

public enum KubernetesHosting
{
    Auto,
    On,
    Off,
}

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

    // Checked at start (SeqlineOptionsValidation); read before that, a bad value must not throw here.
    internal IPAddress? AdvertisedAddress => IPAddress.TryParse(AdvertisedIPAddress, out var address) ? address : null;
}

namespace Seqline.Diagnostics;

/// <summary>
/// The Orleans Dashboard (configuration section <c>Seqline:Dashboard</c>): off unless enabled, and
/// then served by the edge under <see cref="Path"/> to authenticated callers with the operator role.
/// Every silo of the cluster and every edge node that serves it must enable it.
/// </summary>
public sealed class OperatorDashboardOptions
{
    public const string Section = "Seqline:Dashboard";

    /// <summary>Whether silos collect dashboard data and edge nodes serve the dashboard.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the edge serves it.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>The value the caller's token must carry in <see cref="RoleClaim"/>.</summary>
    public string Role { get; set; } = "seqline-operator";

    /// <summary>
    /// The claim that holds roles: <c>role</c> by default; <c>roles</c> for Microsoft Entra ID app roles.
    /// An array claim counts if any of its values is <see cref="Role"/>.
    /// </summary>
    public string RoleClaim { get; set; } = "role";
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Seqline.Testing;

/// <summary>Where a started web host listens, for hosts bound to <c>http://127.0.0.1:0</c> (a port the OS picks).</summary>
public static class ServerAddress
{
    /// <summary>The first address the started <paramref name="app"/> listens on, ending in a slash.</summary>
    public static Uri Of(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
}

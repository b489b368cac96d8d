using System.Net;
using System.Net.Sockets;

namespace Seqline.Testing;

/// <summary>Free ports on 127.0.0.1, all held at once while they are chosen so that they differ.</summary>
public static class LoopbackPorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int One() => Take(1)[0];
}

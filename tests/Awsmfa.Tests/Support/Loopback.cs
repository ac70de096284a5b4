using System.Net;
using System.Net.Sockets;

namespace Awsmfa.Tests.Support;

/// <summary>The stand-in services' one way to listen: HttpListener on a free loopback port.</summary>
internal static class Loopback
{
    /// <summary>Starts <paramref name="listener"/> on a free port of 127.0.0.1 (it cannot bind port 0: a few tries); its base URL, without a trailing slash.</summary>
    public static string Start(HttpListener listener)
    {
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return $"http://127.0.0.1:{port}";
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
    }
}

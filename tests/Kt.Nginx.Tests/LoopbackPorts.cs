using System.Net;
using System.Net.Sockets;

namespace Kt.Tests;

/// <summary>
/// Loopback ports for servers that bind them later (nginx, a Kestrel told its port), taken below
/// the kernel's ephemeral range. A port from bind(0) comes from that range, the one every
/// outgoing connection takes its local port from: between the pick and nginx's bind, a client
/// socket of a test running beside it can take the port ("Address already in use"). Below the
/// range only explicit binds compete; each port is handed out once per process, and checked free.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 10000;
    private static readonly HashSet<int> s_given = [];
    private static readonly int s_ephemeralLow = EphemeralRangeStart();

    public static int Free()
    {
        int low = s_ephemeralLow;
        if (low - First < 1000)
            return Ephemeral();
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = Random.Shared.Next(First, low);
            lock (s_given)
            {
                if (s_given.Contains(port))
                    continue;
            }
            if (!CanBind(port))
                continue;
            lock (s_given)
            {
                if (s_given.Add(port))
                    return port;
            }
        }
        return Ephemeral();
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int Ephemeral()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    // The first port of the range outgoing connections take theirs from (Linux's default 32768).
    private static int EphemeralRangeStart()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(parts[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}

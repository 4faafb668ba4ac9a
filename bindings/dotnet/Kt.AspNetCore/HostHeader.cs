namespace Kt.AspNetCore;

/// <summary>Splits a Host header (or an authority) into the address and the port, without allocating.</summary>
internal static class HostHeader
{
    /// <summary>
    /// The address (an IPv6 address without its brackets) and the port, or -1 when the header names
    /// none or names one that is not a number from 0 to 65535. False for an empty header.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<char> host, out ReadOnlySpan<char> address, out int port)
    {
        port = -1;
        address = default;
        if (host.IsEmpty)
            return false;
        ReadOnlySpan<char> rest;
        if (host[0] == '[')
        {
            int close = host.IndexOf(']');
            if (close < 0)
            {
                address = host;
                return true;
            }
            address = host[1..close];
            rest = host[(close + 1)..];
        }
        else
        {
            int colon = host.LastIndexOf(':');
            address = colon < 0 ? host : host[..colon];
            rest = colon < 0 ? default : host[colon..];
        }
        if (rest.Length > 1 && rest[0] == ':' && int.TryParse(rest[1..], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int parsed) && parsed <= 65535)
            port = parsed;
        return true;
    }

    /// <summary>The port a scheme implies when the authority names none; -1 for other schemes.</summary>
    public static int DefaultPort(string? scheme) => scheme switch
    {
        "http" or "ws" => 80,
        "https" or "wss" => 443,
        _ => -1,
    };
}

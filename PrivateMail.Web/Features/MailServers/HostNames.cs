using System.Net;
using System.Net.Sockets;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Features.MailServers;

/// <summary>What an administrator may type as a mail server's host: a host name or an IP address.</summary>
public static class HostNames
{
    /// <summary>
    /// The host in the form used to connect (IP addresses as parsed, names in lower-case ASCII), or null when it is
    /// neither a valid host name nor an IP address.
    /// </summary>
    public static string? Normalise(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var value = host.Trim();
        if (value.Length > 2 && value[0] == '[' && value[^1] == ']')
        {
            value = value[1..^1];
        }

        if (IPAddress.TryParse(value, out var address))
        {
            // IPAddress also accepts "10.1" or "1.2.3" (old inet_aton shorthands): only the dotted quad is meant here.
            return address.AddressFamily == AddressFamily.InterNetworkV6 || value.Split('.').Length == 4 ? address.ToString() : null;
        }

        // NormaliseDomain also accepts "@domain" and "*@domain" (exception lists): not a host.
        if (value.IndexOfAny(['@', '*', ':', '/']) >= 0)
        {
            return null;
        }

        // Single-label names (localhost, a container or intranet name) are valid hosts, though not domains.
        return AddressRules.NormaliseDomain(value) ?? (IsSingleLabel(value) ? value.ToLowerInvariant() : null);
    }

    public static bool IsValid(string? host) => Normalise(host) is not null;

    private static bool IsSingleLabel(string value) =>
        value.Length is > 0 and <= 63
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && !value.StartsWith('-') && !value.EndsWith('-')
        && !value.All(char.IsAsciiDigit);
}

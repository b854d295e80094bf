using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;

namespace PrivateMail.Web.Features.Security;

/// <summary>
/// <c>PrivateMail:ForwardedHeaders</c>: behind a reverse proxy that terminates TLS, trust its X-Forwarded-For and
/// X-Forwarded-Proto so the app sees the client's address (sign-in limits) and https (secure cookies, HSTS).
/// Off by default: a client talking to the app directly could otherwise claim any address or scheme.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "PrivateMail:ForwardedHeaders";

    public bool Enabled { get; set; }

    /// <summary>Addresses of the proxies whose headers are believed; empty means loopback only (a proxy on the same host).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in CIDR form, e.g. <c>172.18.0.0/16</c> for a Docker network.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// <c>PrivateMail:DataProtection</c>: a certificate (PKCS#12 file with its private key) that encrypts the Data
/// Protection keys at rest, so a copy of the data folder alone does not decrypt mailbox passwords and tokens.
/// </summary>
public sealed class KeyProtectionSettings
{
    public const string SectionName = "PrivateMail:DataProtection";

    /// <summary>Path to a .pfx/.p12 file; relative paths are under the content root. Keep it outside the data folder.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}

internal static class TransportSecurity
{
    /// <summary>True when the app is published at an https address: cookies are then never sent without TLS.</summary>
    public static bool ServedOverHttps(string? publicBaseUrl) =>
        Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    public static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, ForwardedHeadersSettings settings)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // One proxy in front: take the last hop only, never a chain the client wrote itself.
        options.ForwardLimit = 1;
        foreach (var proxy in settings.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in settings.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    /// <summary>Encrypts the key ring with the configured certificate; returns false when keys stay unencrypted.</summary>
    public static bool ProtectKeys(IDataProtectionBuilder dataProtection, KeyProtectionSettings settings, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            return false;
        }

        var path = Path.IsPathRooted(settings.CertificatePath) ? settings.CertificatePath : Path.Combine(contentRoot, settings.CertificatePath);
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"The key protection certificate {path} has no private key.");
        }

        dataProtection.ProtectKeysWithCertificate(certificate);
        // Reading keys back otherwise looks the certificate up in the user's certificate store, where it is not.
        dataProtection.UnprotectKeysWithAnyCertificate(certificate);
        return true;
    }
}

/// <summary>Whether the Data Protection keys are encrypted at rest; the app warns at start when they are not.</summary>
public sealed record KeyProtectionStatus(bool Protected, string KeyStore)
{
    public void WarnWhenUnprotected(ILogger logger)
    {
        if (!Protected)
        {
            logger.LogWarning(
                "Data Protection keys in {KeyStore} are not encrypted at rest: anyone with a copy of them can decrypt "
                + "every mailbox password and OAuth token. Set PrivateMail:DataProtection:CertificatePath (and CertificatePassword) "
                + "to a certificate kept outside the data folder and the database.", KeyStore);
        }
    }
}

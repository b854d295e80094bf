using System.Globalization;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Mail;

/// <summary>What a failed connection means, in the user's language.</summary>
public static class ConnectionMessages
{
    public static string Describe(ConnectionResult result, ImapEndpoint endpoint)
    {
        var culture = CultureInfo.CurrentCulture;
        return result.Failure switch
        {
            null => MailServerStrings.ConnectionOk,
            ConnectionFailure.HostNotFound => string.Format(culture, Strings.ConnectionFailedHostNotFound, endpoint.Host),
            ConnectionFailure.ConnectionRefused => string.Format(culture, Strings.ConnectionFailedRefused, endpoint.Host, endpoint.Port),
            ConnectionFailure.Timeout => string.Format(culture, Strings.ConnectionFailedTimeout, endpoint.Host),
            ConnectionFailure.Tls => result.CertificateSubject is null
                ? Strings.ConnectionFailedTls
                : $"{Strings.ConnectionFailedTls} {string.Format(culture, Strings.ConnectionFailedCertificate, result.CertificateSubject, result.CertificateProblem ?? "?")}",
            ConnectionFailure.AuthenticationFailed => Strings.ConnectionFailedAuthentication,
            ConnectionFailure.Protocol => Strings.ConnectionFailedProtocol,
            ConnectionFailure.CredentialsUnavailable => result.Detail ?? Strings.ConnectionFailedAuthentication,
            _ => string.Format(culture, Strings.ConnectionFailedNetwork, result.Detail),
        };
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Mail;

/// <summary>
/// Connects to IMAP servers with MailKit: connection tests, folder trees, and (for the scanner) open clients.
/// Certificates are verified unless the server's settings say otherwise; every step is bounded by a timeout.
/// </summary>
public sealed class ImapConnector(IOptions<ImapOptions> options, ILogger<ImapConnector> logger)
{
    /// <summary>Connects, optionally logs in, and reports the capabilities or the precise failure.</summary>
    public async Task<ConnectionResult> TestAsync(ImapEndpoint endpoint, ImapCredentials? credentials, CancellationToken cancellationToken = default)
    {
        var session = await OpenAsync(endpoint, credentials, cancellationToken);
        if (session.Client is not { } client)
        {
            return session.Result;
        }

        using (client)
        {
            var capabilities = client.Capabilities.ToString()
                .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(c => c != "None")
                .ToList();
            await DisconnectQuietlyAsync(client);
            return session.Result with { Capabilities = capabilities };
        }
    }

    /// <summary>Logs in and lists every folder of the account, with special-use roles.</summary>
    public async Task<FolderListResult> ListFoldersAsync(ImapEndpoint endpoint, ImapCredentials credentials, CancellationToken cancellationToken = default)
    {
        var session = await OpenAsync(endpoint, credentials, cancellationToken);
        if (session.Client is not { } client)
        {
            return new FolderListResult(session.Result, []);
        }

        using (client)
        {
            try
            {
                using var timeout = CreateTimeout(cancellationToken);
                var folders = new List<MailFolder>();
                foreach (var ns in client.PersonalNamespaces)
                {
                    var all = await client.GetFoldersAsync(ns, StatusItems.None, subscribedOnly: false, timeout.Token);
                    folders.AddRange(all.Select(ToMailFolder));
                }

                if (!folders.Any(f => f.Role == FolderRole.Inbox))
                {
                    folders.Insert(0, ToMailFolder(client.Inbox));
                }

                await DisconnectQuietlyAsync(client);
                return new FolderListResult(session.Result, folders
                    .DistinctBy(f => f.FullName)
                    .OrderBy(f => f.Role != FolderRole.Inbox)
                    .ThenBy(f => f.FullName, StringComparer.OrdinalIgnoreCase)
                    .ToList());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new FolderListResult(Classify(ex, endpoint, null), []);
            }
        }
    }

    /// <summary>
    /// Opens a connected (and, with credentials, authenticated) client. The caller owns and disposes it.
    /// On failure the client is null and the result says why.
    /// </summary>
    public async Task<(ImapClient? Client, ConnectionResult Result)> OpenAsync(
        ImapEndpoint endpoint, ImapCredentials? credentials, CancellationToken cancellationToken = default)
    {
        var client = new ImapClient();
        var result = await ConnectAsync(client, endpoint, credentials, cancellationToken);
        return result.Succeeded ? (client, result) : (null, result);
    }

    /// <summary>
    /// Connects and (with credentials) authenticates any MailKit client — IMAP here, SMTP for sending — with the same
    /// timeout, certificate check and failure classification. On failure the client is disposed and the result says why.
    /// </summary>
    internal async Task<ConnectionResult> ConnectAsync(MailService client, ImapEndpoint endpoint, ImapCredentials? credentials, CancellationToken cancellationToken)
    {
        if (credentials?.Unavailable is { } reason)
        {
            client.Dispose();
            return new ConnectionResult { Failure = ConnectionFailure.CredentialsUnavailable, Detail = reason };
        }

        var certificate = new CertificateCheck(endpoint.ValidateCertificate);
        client.Timeout = (int)options.Value.Timeout.TotalMilliseconds;
        client.ServerCertificateValidationCallback = certificate.Validate;
        try
        {
            using var timeout = CreateTimeout(cancellationToken);
            await client.ConnectAsync(endpoint.Host, endpoint.Port, ToSocketOptions(endpoint.Security), timeout.Token);
            if (credentials is { IsOAuth: true })
            {
                await client.AuthenticateAsync(OAuthMechanism(client, credentials), timeout.Token);
            }
            else if (credentials is not null)
            {
                // Only mechanisms that do not need a second round trip to fail: a wrong password costs one delay.
                client.AuthenticationMechanisms.Remove("NTLM");
                await client.AuthenticateAsync(credentials.Login, credentials.Password, timeout.Token);
            }

            return new ConnectionResult
            {
                Authenticated = client.IsAuthenticated,
                CertificateSubject = certificate.Subject,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            var result = Classify(ex, endpoint, certificate);
            logger.LogInformation("{Protocol} connection to {Host}:{Port} ({Security}) failed: {Failure} {Detail}",
                client is ImapClient ? "IMAP" : "SMTP", endpoint.Host, endpoint.Port, endpoint.Security, result.Failure, result.Detail);
            return result;
        }
    }

    /// <summary>
    /// XOAUTH2 where offered (Gmail, Outlook, Dovecot) — and when the server lists neither, as the widely understood
    /// one — else the standard OAUTHBEARER (RFC 7628).
    /// </summary>
    private static SaslMechanism OAuthMechanism(MailService client, ImapCredentials credentials) =>
        client.AuthenticationMechanisms.Contains("XOAUTH2") || !client.AuthenticationMechanisms.Contains("OAUTHBEARER")
            ? new SaslMechanismOAuth2(credentials.Login, credentials.Password)
            : new SaslMechanismOAuthBearer(credentials.Login, credentials.Password);

    internal CancellationTokenSource CreateTimeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(options.Value.Timeout);
        return source;
    }

    private static SecureSocketOptions ToSocketOptions(MailSecurity security) => security switch
    {
        MailSecurity.SslTls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    /// <summary>What an exception from connecting, TLS, AUTH or a later command means (also for SMTP, and mid-session).</summary>
    internal static ConnectionResult Classify(Exception ex, ImapEndpoint endpoint, CertificateCheck? certificate = null)
    {
        var socket = ex as SocketException ?? ex.InnerException as SocketException;
        var failure = ex switch
        {
            // The handshake never got as far as a certificate: nothing answered in time, or the port does not
            // speak TLS (SSL/TLS chosen for a plain port). Neither is a certificate problem.
            SslHandshakeException when certificate?.Subject is null => IsTimeout(ex.InnerException) ? ConnectionFailure.Timeout : ConnectionFailure.Protocol,
            AuthenticationException => ConnectionFailure.AuthenticationFailed,
            SslHandshakeException => ConnectionFailure.Tls,
            OperationCanceledException or TimeoutException => ConnectionFailure.Timeout,
            _ when socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => ConnectionFailure.HostNotFound,
            _ when socket?.SocketErrorCode is SocketError.ConnectionRefused => ConnectionFailure.ConnectionRefused,
            _ when socket?.SocketErrorCode is SocketError.TimedOut => ConnectionFailure.Timeout,
            ImapProtocolException or ImapCommandException or ProtocolException or MailKit.Net.Smtp.SmtpCommandException => ConnectionFailure.Protocol,
            _ => ConnectionFailure.Network,
        };
        var handshake = ex as SslHandshakeException;
        return new ConnectionResult
        {
            Failure = failure,
            Detail = failure == ConnectionFailure.Timeout ? $"No answer from {endpoint.Host}:{endpoint.Port} in time." : ex.Message,
            CertificateSubject = certificate?.Subject ?? handshake?.ServerCertificate?.Subject,
            CertificateProblem = certificate?.Problem,
        };
    }

    private static bool IsTimeout(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is OperationCanceledException or TimeoutException or SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                return true;
            }
        }

        return false;
    }

    internal static async Task DisconnectQuietlyAsync(MailService client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception)
        {
            // The work is done; a server that does not say goodbye changes nothing.
        }
    }

    internal static MailFolder ToMailFolder(IMailFolder folder)
    {
        var depth = folder.DirectorySeparator == '\0' ? 0 : folder.FullName.Count(c => c == folder.DirectorySeparator);
        // With LIST-EXTENDED a parent that exists only through its children comes back as \NonExistent, which
        // implies \Noselect (RFC 5258) — Dovecot does this for e.g. "A" when only "A.B" was created.
        var canSelect = (folder.Attributes & (FolderAttributes.NoSelect | FolderAttributes.NonExistent)) == 0;
        return new MailFolder(folder.FullName, folder.Name, depth, RoleOf(folder), canSelect);
    }

    private static FolderRole RoleOf(IMailFolder folder)
    {
        var a = folder.Attributes;
        return a switch
        {
            _ when a.HasFlag(FolderAttributes.Inbox) || string.Equals(folder.FullName, "INBOX", StringComparison.OrdinalIgnoreCase) => FolderRole.Inbox,
            _ when a.HasFlag(FolderAttributes.Sent) => FolderRole.Sent,
            _ when a.HasFlag(FolderAttributes.Drafts) => FolderRole.Drafts,
            _ when a.HasFlag(FolderAttributes.Trash) => FolderRole.Trash,
            _ when a.HasFlag(FolderAttributes.Junk) => FolderRole.Junk,
            _ when a.HasFlag(FolderAttributes.Archive) => FolderRole.Archive,
            _ when a.HasFlag(FolderAttributes.All) => FolderRole.All,
            _ when a.HasFlag(FolderAttributes.Flagged) => FolderRole.Flagged,
            _ => FolderRole.None,
        };
    }

    /// <summary>Verifies the server certificate (unless switched off) and remembers why it was refused.</summary>
    internal sealed class CertificateCheck(bool validate)
    {
        public string? Subject { get; private set; }
        public string? Problem { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            Subject = certificate?.Subject;
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            var problems = new List<string>();
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                problems.Add("no certificate");
            }

            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                problems.Add("name mismatch");
            }

            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            {
                problems.AddRange(chain?.ChainStatus.Select(s => s.Status.ToString()) ?? ["chain error"]);
            }

            Problem = string.Join(", ", problems.Distinct());
            return !validate;
        }
    }
}

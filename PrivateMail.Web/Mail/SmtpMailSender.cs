using MailKit;
using MailKit.Net.Smtp;

namespace PrivateMail.Web.Mail;

/// <summary>The outcome of sending: the connection's (same failures as IMAP), or the server's refusal of the message.</summary>
public sealed record SendResult(ConnectionResult Connection, string? Refusal = null)
{
    public bool Succeeded => Connection.Succeeded && Refusal is null;
}

/// <summary>Sending over SMTP (the port My mail uses; MailKit behind it).</summary>
public interface IMailSender
{
    /// <summary>Connects, negotiates TLS and (with credentials) authenticates; sends nothing.</summary>
    Task<ConnectionResult> TestAsync(ImapEndpoint endpoint, ImapCredentials? credentials, CancellationToken cancellationToken);

    Task<SendResult> SendAsync(ImapEndpoint endpoint, ImapCredentials credentials, ComposedMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// MailKit's <see cref="SmtpClient"/> connected exactly like IMAP (<see cref="ImapConnector.ConnectAsync"/>): the
/// server's security mode, certificate validation unless the server's settings switch it off, the same timeout, AUTH
/// with login and password or XOAUTH2/OAUTHBEARER, and the same classified failures.
/// </summary>
public sealed class SmtpMailSender(ImapConnector connector, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<ConnectionResult> TestAsync(ImapEndpoint endpoint, ImapCredentials? credentials, CancellationToken cancellationToken)
    {
        var client = new SmtpClient();
        var result = await connector.ConnectAsync(client, endpoint, credentials, cancellationToken);
        if (!result.Succeeded)
        {
            return result;
        }

        using (client)
        {
            var capabilities = client.Capabilities.ToString()
                .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(c => c != "None")
                .ToList();
            await ImapConnector.DisconnectQuietlyAsync(client);
            return result with { Capabilities = capabilities };
        }
    }

    public async Task<SendResult> SendAsync(ImapEndpoint endpoint, ImapCredentials credentials, ComposedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var client = new SmtpClient();
        var result = await connector.ConnectAsync(client, endpoint, credentials, cancellationToken);
        if (!result.Succeeded)
        {
            return new SendResult(result);
        }

        using (client)
        {
            try
            {
                // No overall bound: 25 MB may take a while on a slow link; the client's Timeout still ends a stalled
                // read or write. MailKit leaves the Bcc header out of what it transmits; the envelope names every recipient.
                await client.SendAsync(message.Mime, cancellationToken);
            }
            catch (SmtpCommandException ex)
            {
                logger.LogInformation("SMTP server {Host}:{Port} refused message {MessageId}: {Status} {Reply}",
                    endpoint.Host, endpoint.Port, message.MessageId, ex.StatusCode, ex.Message);
                await ImapConnector.DisconnectQuietlyAsync(client);
                var who = ex.Mailbox is null ? "" : $" ({ex.Mailbox.Address})";
                return new SendResult(result, $"{(int)ex.StatusCode} {ex.Message}{who}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failed = ImapConnector.Classify(ex, endpoint);
                logger.LogInformation("Sending through {Host}:{Port} failed: {Failure} {Detail}", endpoint.Host, endpoint.Port, failed.Failure, failed.Detail);
                return new SendResult(failed);
            }

            await ImapConnector.DisconnectQuietlyAsync(client);
            return new SendResult(result);
        }
    }
}

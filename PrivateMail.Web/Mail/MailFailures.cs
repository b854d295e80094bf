using MailKit;
using MailKit.Net.Imap;

namespace PrivateMail.Web.Mail;

/// <summary>What an exception thrown during an IMAP operation (after logging in) means, for callers that do not know MailKit.</summary>
public static class MailFailures
{
    /// <summary>The folder or message is gone (deleted, expunged, renamed) — not a server problem.</summary>
    public static bool IsNotFound(Exception ex) =>
        ex is FolderNotFoundException or MessageNotFoundException
        || (ex is ImapCommandException { Response: ImapCommandResponse.No } command
            && (command.ResponseText.Contains("exist", StringComparison.OrdinalIgnoreCase) || command.ResponseText.Contains("NONEXISTENT", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The connection broke or the server refused a command: classified like a failed connect.</summary>
    public static bool IsMailError(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ServiceNotConnectedException or ServiceNotAuthenticatedException
            or ProtocolException or CommandException or TimeoutException or FolderNotOpenException;

    public static ConnectionResult Classify(Exception ex, ImapEndpoint endpoint) => ImapConnector.Classify(ex, endpoint);
}

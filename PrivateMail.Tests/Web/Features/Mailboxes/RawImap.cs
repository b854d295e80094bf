using System.Net.Sockets;
using System.Text;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

/// <summary>One IMAP command sent as another client would, for what MailKit deliberately refuses to send
/// (e.g. CREATE of "A.B" while "A" does not exist, which leaves "A" as a non-selectable parent).</summary>
internal static class RawImap
{
    public static async Task RunAsync(DovecotFixture dovecot, DovecotUser user, string command)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(dovecot.Host, dovecot.ImapPort);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await reader.ReadLineAsync();
        foreach (var (tag, line) in new[] { ("a1", $"LOGIN {user.Login} {user.Password}"), ("a2", command), ("a3", "LOGOUT") })
        {
            await writer.WriteLineAsync($"{tag} {line}");
            string? answer;
            do
            {
                answer = await reader.ReadLineAsync() ?? throw new IOException("Dovecot closed the connection.");
            }
            while (!answer.StartsWith(tag + " ", StringComparison.Ordinal));

            Assert.StartsWith($"{tag} OK", answer);
        }
    }
}

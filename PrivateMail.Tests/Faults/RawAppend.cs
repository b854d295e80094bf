using System.Net.Sockets;
using System.Text;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// Delivers messages byte for byte with IMAP APPEND over a raw socket: MailKit would re-serialise (and so repair) a
/// MimeMessage. Messages with NUL bytes go as BINARY literals (<c>~{n+}</c>, RFC 3516), which plain literals forbid.
/// </summary>
internal static class RawAppend
{
    public static async Task DeliverAsync(DovecotFixture dovecot, DovecotUser user, string folder, IEnumerable<byte[]> messages)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(dovecot.Host, dovecot.ImapPort);
        var stream = tcp.GetStream();
        var tag = 0;
        await ReadUntilAsync(stream, "* OK");
        await CommandAsync(stream, ++tag, Encoding.ASCII.GetBytes($"LOGIN {user.Login} {user.Password}"));
        await CommandAsync(stream, ++tag, Encoding.ASCII.GetBytes($"CREATE {folder}"));
        foreach (var raw in messages)
        {
            var binary = raw.Contains((byte)0);
            var head = Encoding.ASCII.GetBytes($"APPEND {folder} {(binary ? "~" : "")}{{{raw.Length}+}}\r\n");
            await CommandAsync(stream, ++tag, [.. head, .. raw]);
        }

        await CommandAsync(stream, ++tag, "LOGOUT"u8.ToArray(), expectBye: true);
    }

    private static async Task CommandAsync(NetworkStream stream, int tag, byte[] command, bool expectBye = false)
    {
        var prefix = $"t{tag} ";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(prefix));
        await stream.WriteAsync(command);
        await stream.WriteAsync("\r\n"u8.ToArray());
        var answer = await ReadUntilAsync(stream, prefix);
        // CREATE of an existing folder answers NO [ALREADYEXISTS]; anything else must be OK.
        Assert.True(answer.StartsWith(prefix + "OK", StringComparison.Ordinal) || answer.Contains("ALREADYEXISTS", StringComparison.Ordinal) || expectBye,
            $"Dovecot answered: {answer}");
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string prefix)
    {
        var line = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                throw new IOException("Dovecot closed the connection.");
            }

            if (one[0] != '\n')
            {
                line.Add(one[0]);
                continue;
            }

            var text = Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            line.Clear();
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}

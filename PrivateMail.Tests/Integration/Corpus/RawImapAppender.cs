using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Integration.Corpus;

/// <summary>
/// Delivers exact bytes with IMAP APPEND literals over one connection. MailKit's append takes a MimeMessage, and
/// re-serialising through MimeKit would repair what the corpus breaks on purpose (a missing final boundary, a boundary
/// that never occurs, raw 8-bit headers), so the bytes go to Dovecot untouched.
/// </summary>
internal sealed partial class RawImapAppender : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private int _tag;

    private RawImapAppender(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.Latin1);
    }

    public static async Task<RawImapAppender> OpenAsync(DovecotFixture dovecot, DovecotUser user, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(dovecot.Host, dovecot.ImapPort, cancellationToken);
        var appender = new RawImapAppender(tcp);
        await appender._reader.ReadLineAsync(cancellationToken);
        await appender.CommandAsync($"LOGIN {user.Login} {user.Password}", cancellationToken);
        return appender;
    }

    public Task CreateFolderAsync(string folder, CancellationToken cancellationToken) => CommandAsync($"CREATE \"{folder}\"", cancellationToken);

    /// <summary>Appends the bytes as they are (LITERAL+, no round trip for the continuation) and returns the UID.</summary>
    public async Task<uint> AppendAsync(string folder, byte[] message, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        var head = Encoding.ASCII.GetBytes($"{tag} APPEND \"{folder}\" {{{message.Length}+}}\r\n");
        await _stream.WriteAsync(head, cancellationToken);
        await _stream.WriteAsync(message, cancellationToken);
        await _stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        var answer = await ReadTaggedAsync(tag, cancellationToken);
        var uid = AppendUid().Match(answer);
        return uid.Success ? uint.Parse(uid.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("No APPENDUID: " + answer);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CommandAsync("LOGOUT", CancellationToken.None);
        }
        catch (IOException)
        {
            // The server may close first; nothing is lost.
        }

        _reader.Dispose();
        _tcp.Dispose();
    }

    private async Task<string> CommandAsync(string command, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} {command}\r\n"), cancellationToken);
        return await ReadTaggedAsync(tag, cancellationToken);
    }

    private async Task<string> ReadTaggedAsync(string tag, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Dovecot closed the connection.");
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return line.StartsWith($"{tag} OK", StringComparison.Ordinal)
                    ? line
                    : throw new InvalidOperationException("IMAP refused: " + line);
            }
        }
    }

    private string NextTag() => "c" + (++_tag).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\[APPENDUID \d+ (\d+)\]")]
    private static partial Regex AppendUid();
}

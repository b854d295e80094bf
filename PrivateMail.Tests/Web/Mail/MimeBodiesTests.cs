using System.Text;
using MimeKit;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.Integration.Corpus;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Mail;

/// <summary>
/// <see cref="MimeBodies"/> decodes UTF-8 and ASCII bodies itself, in one pass: it must give exactly MimeKit's
/// <see cref="MimeMessage.TextBody"/> and <see cref="MimeMessage.HtmlBody"/> (dedupe keys, previews and ticket
/// descriptions depend on every character), and leave MimeKit whatever it cannot do the same way.
/// </summary>
public sealed class MimeBodiesTests
{
    private static MimeMessage Load(byte[] raw) => MimeMessage.Load(new MemoryStream(raw));

    private static byte[] Message(string contentType, string? transferEncoding, byte[] body)
    {
        var head = $"From: a@b.example\r\nTo: c@d.example\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: {contentType}\r\n"
            + (transferEncoding is null ? "" : $"Content-Transfer-Encoding: {transferEncoding}\r\n") + "\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    private static void AssertSameAsMimeKit(byte[] raw, string because)
    {
        using var message = Load(raw);
        var expected = (message.TextBody, message.HtmlBody);
        using var again = Load(raw);
        var bodies = MimeBodies.Of(again);
        Assert.True(expected == (bodies.Text, bodies.Html), $"{because}: MimeKit gave ({Show(expected.TextBody)}, {Show(expected.HtmlBody)}), MimeBodies ({Show(bodies.Text)}, {Show(bodies.Html)})");
    }

    private static string Show(string? value) => value is null ? "null" : "\"" + value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    [Fact]
    public void Every_corpus_and_hostile_message_gives_MimeKit_s_bodies()
    {
        var messages = CorpusMessages.Load().Select(m => (m.File, m.Bytes))
            .Concat(HostileMail.Build("bodies").Select(m => (m.Name, m.Raw)))
            .ToList();
        var compared = 0;
        foreach (var (name, raw) in messages)
        {
            try
            {
                Load(raw).Dispose();
            }
            catch (FormatException)
            {
                continue; // Not a message to MimeKit either: the scanner quarantines it.
            }

            AssertSameAsMimeKit(raw, name);
            compared++;
        }

        Assert.True(compared > 60, $"only {compared} of {messages.Count} messages compared");
    }

    public static TheoryData<string, string?, string> Cases => new()
    {
        // Line ends: CR LF → LF; a CR before CR LF stays; a lone CR inside stays; a CR at the very end goes.
        { "text/plain; charset=utf-8", null, "one\r\ntwo\r\r\nthree\rfour\r" },
        { "text/plain; charset=UTF-8", "8bit", "Zażółć gęślą jaźń\r\n\r\n" },
        { "text/plain; charset=utf-8", "quoted-printable", "Za=C5=BC=C3=B3=C5=82=C4=87 g=C4=99=\r\nsl=C4=85\r\nend=0D=0A" },
        { "text/plain; charset=utf-8", "base64", Convert.ToBase64String(Encoding.UTF8.GetBytes("Żółw\r\nline two\r\n")).Insert(8, "\r\n") + "\r\n" },
        { "text/plain; charset=utf-8", null, "\uFEFFwith a byte order mark\r\n" },
        { "text/plain", null, "no charset, UTF-8: żółw\r\n" },
        { "text/plain", null, "\uFEFFno charset but a byte order mark\r\n" },
        { "text/html", null, "\uFEFF<p>HTML, no charset, a byte order mark</p>" },
        { "text/plain; charset=us-ascii", "7bit", "plain ASCII\r\n" },
        { "text/plain; charset=iso-8859-2", "quoted-printable", "ASCII only in Latin-2=\r\n\r\n" },
        { "text/plain; charset=iso-8859-2", "quoted-printable", "Za=BF=F3=B3=E6\r\n" },
        { "text/plain; charset=windows-1250", "quoted-printable", "=9Cl=B9ski\r\n" },
        { "text/plain; charset=utf-8", "quoted-printable", "not UTF-8: =C5=\r\n=FF\r\n" },
        { "text/plain; charset=utf-16", "base64", Convert.ToBase64String(Encoding.Unicode.GetBytes("UTF-16 text")) },
        { "text/plain; charset=utf-8; format=flowed", null, "a flowed \r\nparagraph\r\n> quoted \r\n> more\r\n" },
        { "text/plain; charset=utf-8; format=flowed; delsp=yes", null, "split wo\r\nrd\r\n" },
        { "text/html; charset=utf-8", null, "<p>Zażółć</p>\r\n" },
        { "text/html", null, "<html><head><meta charset=\"windows-1250\"></head><body>\u0161</body></html>" },
        { "text/plain; charset=utf-8", "x-unknown-encoding", "left as it is\r\n" },
        { "text/plain; charset=utf-8", null, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_single_part_gives_MimeKit_s_text(string contentType, string? transferEncoding, string body)
    {
        // Bodies that say another charset are written in it, as their senders do.
        var charset = contentType.Contains("iso-8859-2", StringComparison.Ordinal) || contentType.Contains("windows-1250", StringComparison.Ordinal)
            ? Encoding.Latin1 : Encoding.UTF8;
        AssertSameAsMimeKit(Message(contentType, transferEncoding, charset.GetBytes(body)), contentType + " / " + (transferEncoding ?? "none"));
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "quoted-printable", "Za=C5=BC=C3=B3=C5=82=C4=87\r\nline\r\n")]
    [InlineData("text/plain; charset=us-ascii", null, "ascii\r\n")]
    [InlineData("text/plain; charset=windows-1250", "8bit", "ascii in 1250\r\n")]
    public void UTF_8_and_ASCII_bodies_are_decoded_without_MimeKit_s_filters(string contentType, string? transferEncoding, string body)
    {
        using var message = Load(Message(contentType, transferEncoding, Encoding.UTF8.GetBytes(body)));
        var part = Assert.IsType<TextPart>(message.Body);

        Assert.Equal(part.Text, MimeBodies.Utf8Text(part));
    }

    [Fact]
    public void Raw_8bit_bytes_that_are_not_UTF_8_are_left_to_MimeKit()
    {
        var raw = Message("text/plain; charset=utf-8", "8bit", [.. "caf"u8, 0xE9, .. "\r\n"u8]);
        using var message = Load(raw);

        Assert.Null(MimeBodies.Utf8Text(Assert.IsType<TextPart>(message.Body)));
        AssertSameAsMimeKit(raw, "Latin-1 bytes labelled UTF-8");
    }

    [Fact]
    public void Multiparts_pick_the_parts_MimeKit_picks()
    {
        const string raw = """
            From: a@b.example
            To: c@d.example
            Subject: s
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8

            plain version
            --inner
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <p>html =C5=BC version</p>
            --inner--
            --outer
            Content-Type: text/plain; charset=utf-8
            Content-Disposition: attachment; filename="notes.txt"

            an attachment, not the body
            --outer--
            """;
        var bytes = Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"));
        AssertSameAsMimeKit(bytes, "nested alternative");

        var bodies = MimeBodies.Of(Load(bytes));
        Assert.Equal("plain version", bodies.Text);
        Assert.Equal("<p>html ż version</p>", bodies.Html);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a\r\nb", "a\nb")]
    [InlineData("\r\n\r\n", "\n\n")]
    [InlineData("\r", "")]
    [InlineData("a\r", "a")]
    [InlineData("\rb", "\rb")]
    [InlineData("a\r\r\nb\r\rc", "a\r\nb\r\rc")]
    public void CR_LF_becomes_LF_as_MimeKit_s_filter_makes_it(string input, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input);

        var length = MimeBodies.CrLfToLf(bytes);

        Assert.Equal(expected, Encoding.ASCII.GetString(bytes, 0, length));
    }
}

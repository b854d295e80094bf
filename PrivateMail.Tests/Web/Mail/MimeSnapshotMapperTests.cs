using System.Text;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Mail;

public sealed class MimeSnapshotMapperTests
{
    static MimeSnapshotMapperTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static MessageSnapshot Map(string raw) =>
        MimeSnapshotMapper.ToSnapshot(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")))));

    private const string Plain = """
        From: "Kowalski, Jan" <Jan.Kowalski@Customer.example>
        To: owner@crm.example, "Zofia" <zofia@bücher.example>
        Cc: Team: a@team.example, b@team.example;
        Subject: Hello
        Date: Tue, 24 Nov 2026 10:15:00 +0100
        Message-ID: <ABC.123@Customer.example>
        In-Reply-To: <first@customer.example>
        References: <root@customer.example> <first@customer.example>
        Content-Type: text/plain; charset=utf-8

        Body line
        """;

    [Fact]
    public void Addresses_are_parsed_normalised_and_groups_flattened()
    {
        var snapshot = Map(Plain);

        Assert.Equal("jan.kowalski@customer.example", snapshot.From!.Normalised);
        Assert.Equal("Kowalski, Jan", snapshot.From.DisplayName);
        Assert.Equal(["owner@crm.example", "zofia@xn--bcher-kva.example"], snapshot.To.Select(a => a.Normalised));
        Assert.Equal(["a@team.example", "b@team.example"], snapshot.Cc.Select(a => a.Normalised));
    }

    [Fact]
    public void Headers_the_rules_need_are_kept_with_the_time_zone()
    {
        var snapshot = Map(Plain);

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.FromHours(1)), snapshot.Date);
        Assert.Equal(TimeSpan.FromHours(1), snapshot.Date!.Value.Offset);
        Assert.Equal("abc.123@customer.example", snapshot.MessageId);
        Assert.Equal("first@customer.example", snapshot.InReplyTo);
        Assert.Equal(["root@customer.example", "first@customer.example"], snapshot.References);
        Assert.Equal("Body line", snapshot.TextBody.Trim());
        Assert.False(snapshot.IsAutoSubmitted);
        Assert.False(snapshot.IsBulk);
    }

    [Theory]
    [InlineData("=?ISO-8859-2?Q?Za=BF=F3=B3=E6_g=EA=B6l=B1?=", "Zażółć gęślą")]
    [InlineData("=?windows-1250?B?WmG/87PmIGfqnGy5?=", "Zażółć gęślą")]
    [InlineData("=?UTF-8?B?W1Q0Ml0gWmHFvMOzxYLEhw==?=", "[T42] Zażółć")]
    [InlineData("Re: [T42] plain ascii", "Re: [T42] plain ascii")]
    public void Encoded_word_subjects_in_polish_charsets_decode(string header, string expected) =>
        Assert.Equal(expected, Map($"From: a@b.example\nSubject: {header}\n\nx").Subject);

    [Fact]
    public void A_windows_1250_body_decodes()
    {
        var body = Encoding.GetEncoding(1250).GetBytes("Zażółć gęślą jaźń");
        var raw = "From: a@b.example\nContent-Type: text/plain; charset=windows-1250\nContent-Transfer-Encoding: base64\n\n" + Convert.ToBase64String(body);

        Assert.Equal("Zażółć gęślą jaźń", Map(raw).TextBody.Trim());
    }

    [Fact]
    public void Missing_date_and_unusable_message_id_become_null()
    {
        var snapshot = Map("From: a@b.example\nMessage-ID: <>\nSubject: s\n\nx");

        Assert.Null(snapshot.Date);
        Assert.Null(snapshot.MessageId);
        Assert.StartsWith("sha:", MessageIdentity.DedupKey(snapshot));
    }

    [Theory]
    [InlineData("Auto-Submitted: auto-replied", true, false)]
    [InlineData("Auto-Submitted: no", false, false)]
    [InlineData("X-Autoreply: yes", true, false)]
    [InlineData("Precedence: auto_reply", true, false)]
    [InlineData("Precedence: bulk", false, true)]
    [InlineData("List-Id: <news.customer.example>", false, true)]
    [InlineData("List-Unsubscribe: <mailto:off@customer.example>", false, true)]
    public void Auto_replies_and_bulk_mail_are_recognised(string header, bool auto, bool bulk)
    {
        var snapshot = Map($"From: a@b.example\n{header}\nSubject: s\n\nx");

        Assert.Equal(auto, snapshot.IsAutoSubmitted);
        Assert.Equal(bulk, snapshot.IsBulk);
    }

    [Fact]
    public void A_delivery_report_counts_as_automatic()
    {
        const string raw = """
            From: MAILER-DAEMON@mx.example
            Subject: Undelivered Mail
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            Delivery failed.
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example
            --b--
            """;

        Assert.True(Map(raw).IsAutoSubmitted);
    }

    [Fact]
    public void Html_only_mail_gets_a_readable_text_body_without_scripts()
    {
        var snapshot = Map("From: a@b.example\nContent-Type: text/html\n\n<html><head><style>p{}</style></head><body><p>First</p><p>Second &amp; more</p><script>alert(1)</script></body></html>");

        Assert.Equal("First\nSecond & more", snapshot.TextBody);
    }

    [Fact]
    public void Attachments_and_inline_images_are_listed()
    {
        const string raw = """
            From: a@b.example
            Subject: files
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/related; boundary="inner"

            --inner
            Content-Type: text/html

            <p><img src="cid:logo@x"></p>
            --inner
            Content-Type: image/png
            Content-ID: <logo@x>
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --inner--
            --outer
            Content-Type: application/pdf; name="oferta.pdf"
            Content-Disposition: attachment; filename="oferta.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --outer--
            """;

        var attachments = Map(raw).Attachments;

        Assert.Equal(2, attachments.Count);
        Assert.Contains(attachments, a => a is { ContentType: "image/png", IsInline: true, ContentId: "logo@x" });
        Assert.Contains(attachments, a => a is { FileName: "oferta.pdf", ContentType: "application/pdf", IsInline: false });
    }
}

using System.Text;
using MimeKit;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Mail;

/// <summary>What the message corpus (Integration/Corpus) found wrong in the MIME mapping, pinned one case at a time.</summary>
public sealed class MimeMappingEdgeCaseTests
{
    private static MimeMessage Load(byte[] raw) => MimeMessage.Load(new MemoryStream(raw));

    private static MimeMessage Load(string raw) => Load(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")));

    [Fact]
    public void The_web_assembly_registers_the_legacy_code_pages()
    {
        // Forces the module initializer of PrivateMail.Web, then asks what MimeKit needs.
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(MimeSnapshotMapper).Module.ModuleHandle);
        Assert.Equal("Zażółć", Encoding.GetEncoding("windows-1250").GetString([0x5A, 0x61, 0xBF, 0xF3, 0xB3, 0xE6]));
        Assert.Equal("Zażółć", Encoding.GetEncoding("iso-8859-2").GetString([0x5A, 0x61, 0xBF, 0xF3, 0xB3, 0xE6]));
    }

    [Theory]
    [InlineData("windows-1250")]
    [InlineData("iso-8859-2")]
    public void Raw_8bit_headers_are_read_in_the_charset_the_body_declares(string charset)
    {
        var encoding = Encoding.GetEncoding(charset);
        var raw = encoding.GetBytes(
            $"From: Stanisław Wojciechowski <s.w@interia.example>\r\nTo: \"Żaneta, Łukasiewicz\" <z@l.example>\r\nSubject: Pilne: źle naliczona opłata\r\n" +
            $"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\nopłata za łącze\r\n");

        var snapshot = MimeSnapshotMapper.ToSnapshot(Load(raw));

        Assert.Equal("Pilne: źle naliczona opłata", snapshot.Subject);
        Assert.Equal("Stanisław Wojciechowski", snapshot.From!.DisplayName);
        Assert.Equal("Żaneta, Łukasiewicz", Assert.Single(snapshot.To).DisplayName);
        Assert.Equal("opłata za łącze", snapshot.TextBody.Trim());
    }

    [Fact]
    public void Raw_8bit_utf8_headers_stay_utf8_whatever_the_body_declares()
    {
        var raw = Encoding.UTF8.GetBytes("From: Paweł <p@x.example>\r\nSubject: Zażółć\r\nContent-Type: text/plain; charset=iso-8859-2\r\n\r\nx\r\n");

        var snapshot = MimeSnapshotMapper.ToSnapshot(Load(raw));

        Assert.Equal(("Zażółć", "Paweł"), (snapshot.Subject, snapshot.From!.DisplayName));
    }

    [Fact]
    public void Two_broken_message_ids_that_mimekit_repairs_alike_stay_apart()
    {
        const string template = "From: kasa@sklepik.example\nMessage-ID: zamowienie 2026/03/15 @ sklepik kasa {0}\nSubject: s\n\nx";
        var third = Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, 3));
        var fourth = Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, 4));

        // MimeKit cuts both down to the same id; storing by it would merge two orders into one e-mail.
        Assert.Equal(third.MessageId, fourth.MessageId);
        Assert.Null(MimeSnapshotMapper.ToSnapshot(third).MessageId);
        Assert.Null(MimeSnapshotMapper.ToSnapshot(fourth).MessageId);
        Assert.Equal("ok@x.example", MimeSnapshotMapper.ToSnapshot(Load("From: a@b.example\nMessage-ID:\n <OK@x.example>\n\nx")).MessageId);
    }

    [Fact]
    public void A_multipart_whose_boundary_never_occurs_keeps_its_text()
    {
        var message = Load("From: a@b.example\nContent-Type: multipart/alternative; boundary=\"nowhere\"\n\nImię: Wiesław\nTreść: wycena\n");

        Assert.Equal("Imię: Wiesław\nTreść: wycena", MimeSnapshotMapper.ToSnapshot(message).TextBody.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Calendar_invites_reports_and_attached_messages_become_files_with_sensible_names()
    {
        const string raw = """
            From: a@b.example
            Subject: several
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            Body
            --b
            Content-Type: text/calendar; method=REQUEST

            BEGIN:VCALENDAR
            END:VCALENDAR
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example

            Final-Recipient: rfc822; x@y.example
            Action: failed
            Status: 5.1.1
            --b
            Content-Type: text/rfc822-headers

            Subject: original

            --b
            Content-Type: message/rfc822

            From: bank@x.example
            Subject: Potwierdzenie płatności

            Paid.
            --b--
            """;
        var message = Load(raw);

        var snapshot = MimeSnapshotMapper.ToSnapshot(message);
        var email = MimeEmailMapper.ToNewEmail(message, snapshot, "owner", DateTimeOffset.UnixEpoch);

        string[] expected = ["invite.ics", "delivery-status.txt", "rfc822-headers.txt", "Potwierdzenie płatności.eml"];
        Assert.Equal(expected, snapshot.Attachments.Select(a => a.FileName));
        Assert.Equal(expected, email.Attachments.Select(a => a.FileName));
        Assert.Equal("Body", email.Text!.Trim());
        using var attached = new StreamReader(email.Attachments[^1].Content);
        Assert.Contains("Subject: Potwierdzenie", attached.ReadToEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Date: Tue, 3 Mar 2026 08:00:00 +0000\n", "2026-03-03T08:00:00.0000000+00:00")]
    [InlineData("", "2026-03-02T13:30:45.0000000+01:00")]
    public void Mail_without_a_date_is_dated_by_the_receiving_server(string date, string expected)
    {
        var message = Load(
            "Received: from a by mx.crm.example with ESMTP id 1\n\tfor <p@crm.example>; Mon, 2 Mar 2026 13:30:45 +0100 (CET)\n" +
            "Received: from b by a with SMTP id 2; Mon, 2 Mar 2026 13:30:40 +0100\n" +
            $"From: a@b.example\n{date}Subject: s\n\nx");

        var email = MimeEmailMapper.ToNewEmail(message, MimeSnapshotMapper.ToSnapshot(message), "owner", DateTimeOffset.UnixEpoch);

        Assert.Equal(expected, email.Date.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Mail_without_date_or_received_header_is_dated_when_read()
    {
        var message = Load("From: a@b.example\nSubject: s\n\nx");

        var email = MimeEmailMapper.ToNewEmail(message, MimeSnapshotMapper.ToSnapshot(message), "owner", DateTimeOffset.UnixEpoch);

        Assert.Equal(DateTimeOffset.UnixEpoch, email.Date);
    }
}

using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Web.Features.Records.Emails;

/// <summary>
/// The dedupe key and the stored bytes <see cref="EmailStore.PrepareAsync"/> makes. The keys are pinned: e-mails stored
/// earlier keep theirs in the database, and a folder read again must find them — a key that changes duplicates mail.
/// </summary>
public sealed class EmailKeyTests
{
    private static readonly EmailStore Store = new(
        null!, null!, TimeProvider.System,
        Options.Create(new EmailStorageOptions { MaxTextBodyChars = 40, MaxHtmlChars = 60, PreviewChars = 20 }),
        NullLogger<EmailStore>.Instance);

    private static NewEmail Email(string? text, string? html, string? messageId = "<key-1@firma.example>", params NewAttachment[] attachments) => new()
    {
        OwnerId = "owner",
        Subject = "Zażółć",
        From = EmailAddress.Parse("anna@firma.example"),
        To = [EmailAddress.Parse("bob@crm.example")!],
        Date = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(1)),
        MessageId = messageId,
        Text = text,
        Html = html,
        MailboxId = 1,
        Attachments = attachments,
    };

    public static TheoryData<string, string?, string?, string> Keys => new()
    {
        { "plain", "Dzień dobry,\nproszę o fakturę.\n", null, "" },
        { "CR LF and trailing white space", "Dzień dobry,\r\nproszę o fakturę.\r\n \t\r\n", null, "" },
        { "lone CR kept", "one\rtwo\n", null, "" },
        { "emoji and Polish", "Faktura 🧾 zażółć gęślą jaźń  ", "<p>Faktura 🧾</p>\n", "" },
        { "text over the cap (cut when stored, whole in the key)", new string('x', 39) + "ż tail that is cut\r\n", null, "" },
        { "HTML only", null, "<p>Tylko HTML</p>\r\n", "" },
        { "HTML over the cap (kept as an attachment)", "short", "<p>" + new string('h', 80) + "</p>", "" },
        { "no Message-ID", "Bez identyfikatora\n", null, "no-id" },
        { "empty", "", null, "" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Keys_stay_what_they_were_and_the_stored_bytes_hold_the_stored_bodies(string name, string? text, string? html, string flags)
    {
        var email = Email(text, html, flags == "no-id" ? null : "<key-1@firma.example>");

        var prepared = await Store.PrepareAsync(email, TestContext.Current.CancellationToken);

        Assert.Equal(Pinned[name], prepared.Key);
        Assert.Equal(prepared.TextBody, CompressedText.Decode(prepared.StoredTextBody));
        Assert.Equal(prepared.HtmlBody, prepared.StoredHtmlBody is null ? null : CompressedText.Decode(prepared.StoredHtmlBody));
        var changed = prepared with { TextBody = prepared.TextBody + " changed", HtmlBody = "<p>other</p>" };
        Assert.Equal(prepared.TextBody + " changed", CompressedText.Decode(changed.StoredTextBody));
        Assert.Equal("<p>other</p>", CompressedText.Decode(changed.StoredHtmlBody!));
    }

    // Computed by the key's code before bodies and keys shared one UTF-8 encoding (commit 992f828).
    private static readonly Dictionary<string, string> Pinned = new()
    {
        { "CR LF and trailing white space", "mid:key-1@firma.example#61742b977a838308baaf1ee0" },
        { "HTML only", "mid:key-1@firma.example#bb237be61805aec013ce5576" },
        { "HTML over the cap (kept as an attachment)", "mid:key-1@firma.example#afd1789d68ab36492d1b62ef" },
        { "emoji and Polish", "mid:key-1@firma.example#ff7cab0917d09d55432cd8ea" },
        { "empty", "mid:key-1@firma.example#6e340b9cffb37a989ca544e6" },
        { "lone CR kept", "mid:key-1@firma.example#5b76fc494a68cc349196ae9c" },
        { "no Message-ID", "sha:88c0981dee3fce3979007022e8704128b9cfb7b1f7e280e78d2741c3e8d04ec5" },
        { "plain", "mid:key-1@firma.example#61742b977a838308baaf1ee0" },
        { "text over the cap (cut when stored, whole in the key)", "mid:key-1@firma.example#d47fd4527291c2fdb3f035b1" },
    };
}

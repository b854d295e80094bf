using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Web.Features.Records.Emails;

/// <summary>The e-mail page: headers, a sandboxed body with remote images held back until asked, attachments, links.</summary>
public sealed class EmailDetailPageTests : RecordsTestContext
{
    private const string Html = """
        <p>Dzień dobry,</p>
        <img src="https://tracker.example/open.gif?id=42" alt="">
        <img src="cid:logo@firma.example" alt="Logo">
        <a href="javascript:alert(1)" onclick="steal()">Kliknij</a>
        <script>alert('x')</script>
        """;

    private async Task<int> StoreHtmlMailAsync() => await Make.EmailAsync(Olga, "Faktura 03/2026", html: Html, text: "Dzień dobry",
        date: new DateTimeOffset(2026, 3, 4, 10, 15, 0, TimeSpan.FromHours(1)),
        attachments:
        [
            new NewAttachment("logo.png", "image/png", new MemoryStream([1, 2, 3]), "<logo@firma.example>", IsInline: true),
            new NewAttachment("faktura.pdf", "application/pdf", new MemoryStream([4, 5, 6, 7])),
        ]);

    private IRenderedComponent<WithDialogs> RenderEmail(int id)
    {
        var page = Render<WithDialogs>(p => p.AddChildContent<EmailDetailPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#email-headers");
        return page;
    }

    [Fact]
    public async Task The_body_is_sanitised_in_a_sandboxed_frame_and_remote_images_wait_for_show_images()
    {
        var page = RenderEmail(await StoreHtmlMailAsync());

        var frame = page.Find("#email-html");
        Assert.Equal("allow-same-origin allow-popups allow-popups-to-escape-sandbox", frame.GetAttribute("sandbox"));
        var document = frame.GetAttribute("srcdoc")!;
        Assert.Contains("<p>Dzień dobry,</p>", document);
        Assert.DoesNotContain("tracker.example", document);
        Assert.DoesNotContain("<script", document);
        Assert.DoesNotContain("alert", document);
        Assert.DoesNotContain("onclick", document);
        Assert.Contains("1 remote image(s) blocked", page.Find("#email-images-blocked").TextContent);

        page.Find("#email-show-images").Click();

        page.WaitForAssertion(() => Assert.Contains("src=\"https://tracker.example/open.gif?id=42\"", page.Find("#email-html").GetAttribute("srcdoc")));
        Assert.Empty(page.FindAll("#email-show-images"));
        Assert.DoesNotContain("<script", page.Find("#email-html").GetAttribute("srcdoc"));
    }

    [Fact]
    public async Task The_inline_image_points_at_its_attachment_download()
    {
        var id = await StoreHtmlMailAsync();
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var logo = await db.EmailAttachments.SingleAsync(a => a.FileName == "logo.png");

        var page = RenderEmail(id);

        Assert.Contains($"src=\"/attachments/{logo.Id}\"", page.Find("#email-html").GetAttribute("srcdoc"));
        Assert.DoesNotContain("cid:", page.Find("#email-html").GetAttribute("srcdoc"));
    }

    [Fact]
    public async Task Headers_show_the_senders_own_time_and_attachments_download_through_the_endpoint()
    {
        var id = await StoreHtmlMailAsync();
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var pdf = await db.EmailAttachments.SingleAsync(a => a.FileName == "faktura.pdf");

        var page = RenderEmail(id);

        Assert.Equal("Faktura 03/2026", page.Find("#record-title").TextContent);
        Assert.Equal("Jan Kowalski <jan@firma.example>", page.Find("#email-from").TextContent);
        Assert.StartsWith("2026-03-04 10:15 (UTC+01:00)", page.Find("#email-date").TextContent.Trim());
        var download = page.Find($"[data-attachment-id='{pdf.Id}']");
        Assert.Contains("faktura.pdf", download.TextContent);
        Assert.Contains("4 B", download.TextContent);
        Assert.Equal($"/attachments/{pdf.Id}?download=true", download.QuerySelector("a")?.GetAttribute("href") ?? download.GetAttribute("href"));
    }

    [Fact]
    public async Task The_plain_text_view_shows_the_text_body()
    {
        var page = RenderEmail(await StoreHtmlMailAsync());

        page.FindAll("#email-body-mode button").Single(b => b.TextContent.Trim() == "Plain text").Click();

        page.WaitForAssertion(() => Assert.Equal("Dzień dobry", page.Find("#email-text").TextContent));
        Assert.Empty(page.FindAll("#email-html"));
    }

    [Fact]
    public async Task Mail_without_html_shows_its_text_and_no_frame()
    {
        var id = await Make.EmailAsync(Olga, "Plain", text: "Line one\nLine two");

        var page = RenderEmail(id);

        Assert.Equal("Line one\nLine two", page.Find("#email-text").TextContent);
        Assert.Empty(page.FindAll("#email-html"));
    }

    [Fact]
    public async Task Linked_records_are_listed_and_can_be_unlinked()
    {
        var id = await StoreHtmlMailAsync();
        var contact = await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@firma.example");
        var ticket = await Make.TicketAsync(Olga, "Faktura");
        await Make.LinkAsync(id, RecordKind.Contact, contact);
        await Make.LinkAsync(id, RecordKind.Ticket, ticket.Id);

        var page = RenderEmail(id);

        Assert.Equal($"contacts/{contact}", page.Find($"[data-link='Contact:{contact}'] a").GetAttribute("href"));
        Assert.Equal("T1 Faktura", page.Find($"[data-link='Ticket:{ticket.Id}'] a").TextContent);

        page.Find($"[data-link='Ticket:{ticket.Id}'] button").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll($"[data-link='Ticket:{ticket.Id}']")));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal([RecordKind.Contact], await db.EmailLinks.Where(l => l.EmailId == id).Select(l => l.RecordKind).ToListAsync());
    }

    [Fact]
    public async Task Deleting_an_e_mail_removes_its_attachment_files()
    {
        var id = await StoreHtmlMailAsync();
        var files = Services.GetRequiredService<AttachmentStore>();
        string[] hashes;
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            hashes = await db.EmailAttachments.Select(a => a.ContentHash).ToArrayAsync();
        }

        var page = RenderEmail(id);
        page.Find("#email-delete").Click();
        page.WaitForAssertion(() => page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click());

        page.WaitForAssertion(() => Assert.All(hashes, h => Assert.False(files.Exists(h))));
        await using var check = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await check.Emails.AnyAsync());
        Assert.False(await check.EmailAttachments.AnyAsync());
    }

    [Fact]
    public async Task Someone_elses_unlinked_e_mail_is_not_found()
    {
        var ben = await CreateUserAsync("ben");
        var id = await Make.EmailAsync(ben, "Ben's private mail");

        var page = Render<WithDialogs>(p => p.AddChildContent<EmailDetailPage>(c => c.Add(x => x.Id, id)));

        page.WaitForElement("#record-not-found");
        Assert.DoesNotContain("Ben's private mail", page.Markup);
    }
}

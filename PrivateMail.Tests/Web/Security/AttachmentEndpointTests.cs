using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Web.Security;

/// <summary>Attachment downloads over real HTTP: checked against the visibility rule on every request, served safely.</summary>
public sealed class AttachmentEndpointTests(AttachmentEndpointTests.MailApp app) : IClassFixture<AttachmentEndpointTests.MailApp>
{
    private const string Password = "Test-password-1";

    [Fact]
    public async Task The_mailbox_owner_downloads_the_file_with_its_type_and_a_safe_name()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("olga", Password);

        using var response = await client.GetAsync(EmailEndpoints.AttachmentUrl(app.PdfId, download: true), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("faktura 03_2026.pdf", disposition.FileNameStar);
        Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("%PDF-1.4 test", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_inline_image_is_served_inline_but_html_only_ever_as_a_download()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("olga", Password);

        using var image = await client.GetAsync(EmailEndpoints.AttachmentUrl(app.ImageId), TestContext.Current.CancellationToken);
        using var html = await client.GetAsync(EmailEndpoints.AttachmentUrl(app.HtmlId), TestContext.Current.CancellationToken);

        Assert.Equal("inline", image.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", html.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sandbox", string.Join("", html.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task A_user_who_cannot_see_the_e_mail_gets_not_found_and_no_content()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("ben", Password);

        using var response = await client.GetAsync(EmailEndpoints.AttachmentUrl(app.PdfId), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("%PDF", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_attachment_that_does_not_exist_is_not_found_either()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("olga", Password);

        using var response = await client.GetAsync(EmailEndpoints.AttachmentUrl(987654), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        using var client = app.Factory.CreateHttpClient();

        using var response = await client.GetAsync(EmailEndpoints.AttachmentUrl(app.PdfId), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task While_the_e_mails_module_is_off_even_the_owner_is_refused()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("olga", Password);
        var modules = app.Factory.Services.GetRequiredService<ModuleService>();
        await modules.SetEnabledAsync(CrmModule.Emails, false, "test");
        try
        {
            using var response = await client.GetAsync(EmailEndpoints.AttachmentUrl(app.ImageId), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        finally
        {
            await modules.SetEnabledAsync(CrmModule.Emails, true, "test");
        }
    }

    /// <summary>One app for the class: olga's mailbox holds a mail with three attachments; ben is another user.</summary>
    public sealed class MailApp : IAsyncLifetime
    {
        public PrivateMailAppFactory Factory { get; } = new();

        public int PdfId { get; private set; }

        public int ImageId { get; private set; }

        public int HtmlId { get; private set; }

        public async ValueTask InitializeAsync()
        {
            await Factory.CreateUserAsync("root", Password, administrator: true);
            var olga = await Factory.CreateUserAsync("olga", Password, administrator: false);
            await Factory.CreateUserAsync("ben", Password, administrator: false);
            var make = new RecordFactory(Factory.Services);
            var mailbox = await make.MailboxAsync(olga.Id);
            var emailId = await make.EmailAsync(olga.Id, "Invoice", mailboxId: mailbox, attachments:
            [
                new NewAttachment("faktura\r\n\"03/2026\".pdf", "application/pdf", new MemoryStream("%PDF-1.4 test"u8.ToArray())),
                new NewAttachment("logo.png", "image/png", new MemoryStream([137, 80, 78, 71]), "logo@x", IsInline: true),
                new NewAttachment("page.html", "text/html", new MemoryStream("<script>alert(1)</script>"u8.ToArray())),
            ]);
            await make.LinkAsync(emailId, RecordKind.User, olga.Id);
            await using var scope = Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PrivateMail.Web.Data.AppDbContext>>();
            await using var context = await db.CreateDbContextAsync();
            var ids = context.EmailAttachments.Where(a => a.EmailId == emailId).OrderBy(a => a.Id).Select(a => a.Id).ToList();
            (PdfId, ImageId, HtmlId) = (ids[0], ids[1], ids[2]);
        }

        public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
    }
}

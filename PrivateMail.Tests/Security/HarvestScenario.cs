using System.Net;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Security;

/// <summary>
/// The running app (real HTTP, real sign-in) with two plain users: Anna, whose private mailbox is scanned from a real
/// Dovecot folder by the real scanner, and Bartek, a new colleague who tries to read her mail through the CRM.
/// </summary>
internal sealed class HarvestScenario : IAsyncDisposable
{
    public const string Password = "Test-password-1";
    public const string Victim = "anna";
    public const string Attacker = "bartek";

    private readonly DovecotFixture _dovecot;
    private readonly string _folder = "Harvest-" + Guid.NewGuid().ToString("N")[..8];

    private HarvestScenario(DovecotFixture dovecot) => _dovecot = dovecot;

    public PrivateMailAppFactory App { get; } = new();

    public string VictimId { get; private set; } = "";

    public string AttackerId { get; private set; } = "";

    public int MailboxId { get; private set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HarvestScenario> StartAsync(DovecotFixture dovecot)
    {
        var scenario = new HarvestScenario(dovecot);
        try
        {
            await scenario.InitialiseAsync();
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    private async Task InitialiseAsync()
    {
        VictimId = (await App.CreateUserAsync(Victim, Password, administrator: false)).Id;
        AttackerId = (await App.CreateUserAsync(Attacker, Password, administrator: false)).Id;
        await App.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");
        await using var db = await DbAsync();
        var server = new MailServer { Name = "Company IMAP", ImapHost = _dovecot.Host, ImapPort = _dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
        db.MailServers.Add(server);
        await db.SaveChangesAsync(Ct);
        var mailbox = new Mailbox
        {
            OwnerId = VictimId, Name = "Anna's mail", MailServerId = server.Id, Login = _dovecot.Bob.Login,
            PasswordProtected = App.Services.GetRequiredService<SecretProtector>().Protect(_dovecot.Bob.Password),
            Folders = [_folder],
            Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
            // A new mailbox searches every field.
            SearchFields = [.. SearchFields.All.Select(f => f.Key)],
        };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync(Ct);
        MailboxId = mailbox.Id;
    }

    public Task<AppDbContext> DbAsync() => App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    public Task<UserScope> AsAsync(string userName) => UserScope.StartAsync(App.Services, userName);

    /// <summary>Delivers a message with a PDF attachment to Anna's folder; the subject and the attachment carry <paramref name="marker"/>.</summary>
    public async Task DeliverAsync(string from, string marker, string to = "anna@example.test")
    {
        var message = new MimeMessage { Subject = $"Contract {marker}", MessageId = $"{marker}@mail.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        var body = new BodyBuilder { TextBody = $"Confidential terms {marker}." };
        body.Attachments.Add($"contract-{marker}.pdf", Encoding.UTF8.GetBytes($"%PDF-1.4 {marker}"), new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        await _dovecot.AppendAsync(_dovecot.Bob, _folder, message, Ct);
    }

    public async Task<ScanProgress> ScanAsync()
    {
        var run = await App.Services.GetRequiredService<ScanCoordinator>().RunAsync(MailboxId, null, Ct) ?? throw new InvalidOperationException("The scan did not run.");
        Assert.Equal(ScanRunStatus.Done, run.Status);
        return run;
    }

    /// <summary>The stored e-mail with this marker and its first attachment.</summary>
    public async Task<(int EmailId, int AttachmentId)> StoredAsync(string marker)
    {
        await using var db = await DbAsync();
        var email = await db.Emails.AsNoTracking().SingleAsync(e => e.MessageId == $"{marker}@mail.example", Ct);
        var attachment = await db.EmailAttachments.AsNoTracking().Where(a => a.EmailId == email.Id).Select(a => a.Id).FirstAsync(Ct);
        return (email.Id, attachment);
    }

    /// <summary>
    /// Everything the attacker can reach about the e-mail: the services behind the pages, the e-mail page and the
    /// attachment URL over HTTP, the attacker's own records' pages (<paramref name="ownPages"/>, where harvested mail
    /// would be listed) and every page of the app without a parameter (the route sweep). None may show the marker.
    /// </summary>
    public async Task AssertAttackerSeesNothingAsync(IReadOnlyList<string> markers, params string[] ownPages)
    {
        var stored = new List<(int EmailId, int AttachmentId)>();
        foreach (var marker in markers)
        {
            stored.Add(await StoredAsync(marker));
        }

        await using (var attacker = await AsAsync(Attacker))
        {
            var emails = attacker.Get<EmailService>();
            var access = attacker.Get<RecordAccess>();
            var viewer = await access.GetViewerAsync();
            var list = await emails.ListAsync(new GridRequest(PageSize: 100), cancellationToken: Ct);
            Assert.Equal(0, list.Total);
            foreach (var (emailId, _) in stored)
            {
                Assert.Null(await emails.GetAsync(emailId, Ct));
                Assert.False(await access.CanSeeEmailAsync(viewer, emailId, Ct));
            }
        }

        var pages = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => !r.Contains('{', StringComparison.Ordinal) && !r.StartsWith("Account/", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Contains("emails", pages);
        using var http = await App.CreateSignedInClientAsync(Attacker, Password);
        foreach (var url in pages.Concat(stored.Select(s => $"emails/{s.EmailId}")).Concat(["my-settings/mailbox"]).Concat(ownPages))
        {
            using var response = await http.GetAsync(url, Ct);
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.All(markers, marker => Assert.DoesNotContain(marker, html, StringComparison.Ordinal));
        }

        foreach (var (_, attachmentId) in stored)
        {
            using var download = await http.GetAsync(EmailEndpoints.AttachmentUrl(attachmentId).TrimStart('/'), Ct);
            Assert.NotEqual(HttpStatusCode.OK, download.StatusCode);
            var body = await download.Content.ReadAsStringAsync(Ct);
            Assert.All(markers, marker => Assert.DoesNotContain(marker, body, StringComparison.Ordinal));
        }
    }

    /// <summary>The control: Anna herself reads the e-mail and downloads its attachment over HTTP.</summary>
    public async Task AssertVictimSeesItAsync(string marker)
    {
        var (emailId, attachmentId) = await StoredAsync(marker);
        using var http = await App.CreateSignedInClientAsync(Victim, Password);
        using var page = await http.GetAsync($"emails/{emailId}", Ct);
        Assert.Contains(marker, await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var download = await http.GetAsync(EmailEndpoints.AttachmentUrl(attachmentId).TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains(marker, await download.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

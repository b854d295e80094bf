using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.MyMail;

namespace PrivateMail.Tests.Integration.MyMail;

/// <summary>
/// The running app (real SQLite file) with My mail enabled, users alice (administrator) and bob, and alice's mailbox on
/// the shared Postfix + Dovecot: IMAP on the plain port, SMTP on the STARTTLS port, certificates not validated unless a
/// test says so (the fixture's certificate is self-signed). Everything goes through the app's own services as alice.
/// </summary>
public sealed class MyMailHarness : IAsyncDisposable
{
    public const string Password = "Test-password-1";

    private MyMailHarness(PostfixFixture postfix, PrivateMailAppFactory app) => (Postfix, App) = (postfix, app);

    public PostfixFixture Postfix { get; }

    public PrivateMailAppFactory App { get; }

    public string AliceId { get; private set; } = "";

    public string BobId { get; private set; } = "";

    public int ServerId { get; private set; }

    public int MailboxId { get; private set; }

    public static async Task<MyMailHarness> StartAsync(PostfixFixture postfix, string mailboxPassword = "alicepw", bool mailbox = true)
    {
        var harness = new MyMailHarness(postfix, new PrivateMailAppFactory());
        try
        {
            harness.AliceId = (await harness.App.CreateUserAsync("alice", Password, administrator: true)).Id;
            harness.BobId = (await harness.App.CreateUserAsync("bob", Password, administrator: false)).Id;
            await harness.App.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");
            await using var alice = await harness.AsAsync("alice");
            var saved = await alice.Get<MailServerService>().SaveAsync(new MailServerModel
            {
                Name = "Loopback",
                ImapHost = postfix.Dovecot.Host,
                ImapPort = postfix.Dovecot.ImapPort,
                ImapSecurity = MailSecurity.None,
                ValidateCertificate = false,
                SmtpHost = postfix.Host,
                SmtpPort = postfix.SmtpPort,
                SmtpSecurity = MailSecurity.StartTls,
            }, TestContext.Current.CancellationToken);
            Assert.True(saved.Succeeded, string.Join("; ", saved.FieldErrors.Values) + saved.Error);
            harness.ServerId = saved.Id!.Value;
            if (mailbox)
            {
                var mailboxes = alice.Get<MailboxService>();
                var model = await mailboxes.CreateDefaultAsync(TestContext.Current.CancellationToken);
                model.MailServerId = harness.ServerId;
                model.Login = "alice";
                model.SenderAddress = "alice@example.test";
                model.Password = mailboxPassword;
                model.Folders = ["INBOX", "Sent"];
                var result = await mailboxes.SaveAsync(model, TestContext.Current.CancellationToken);
                Assert.True(result.Succeeded, string.Join("; ", result.FieldErrors.Values));
                await using var db = await harness.DbAsync();
                harness.MailboxId = await db.Mailboxes.Where(m => m.OwnerId == harness.AliceId).Select(m => m.Id).SingleAsync(TestContext.Current.CancellationToken);
            }

            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    internal Task<UserScope> AsAsync(string userName) => UserScope.StartAsync(App.Services, userName);

    public async Task<AppDbContext> DbAsync() =>
        await App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);

    /// <summary>Changes the mail server row directly (SMTP port, security, certificate check) for one test.</summary>
    public async Task UpdateServerAsync(Action<MailServer> change)
    {
        await using var db = await DbAsync();
        var server = await db.MailServers.SingleAsync(s => s.Id == ServerId);
        change(server);
        await db.SaveChangesAsync();
    }

    public Task<ImapClient> ImapAsync(DovecotUser user) => Postfix.Dovecot.ConnectAsync(user, SecureSocketOptions.None, TestContext.Current.CancellationToken);

    /// <summary>Messages of <paramref name="folder"/> whose Message-ID is <paramref name="messageId"/> (without brackets).</summary>
    public async Task<IList<UniqueId>> FindAsync(DovecotUser user, string folder, string messageId)
    {
        using var client = await ImapAsync(user);
        var target = await client.GetFolderAsync(folder);
        await target.OpenAsync(FolderAccess.ReadOnly);
        return await target.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
    }

    /// <summary>Waits (bounded) until Postfix has delivered the message into the user's INBOX, and returns it.</summary>
    public async Task<MimeMessage> WaitForDeliveryAsync(DovecotUser user, string subjectMarker)
    {
        using var client = await ImapAsync(user);
        var uid = await PostfixFixtureTests.WaitForAsync(client, subjectMarker, TestContext.Current.CancellationToken);
        return await client.Inbox.GetMessageAsync(uid);
    }

    public static MimeMessage Message(string from, string to, string subject, string text = "Hello", string? messageId = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = messageId ?? $"{Guid.NewGuid():N}@customer.test";
        message.Date = DateTimeOffset.UtcNow;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration;

/// <summary>Push: new mail is stored without Scan now or the schedule, and the watch follows the server and the settings.</summary>
[Collection(DovecotCollection.Name)]
public sealed class MailboxWatcherTests(DovecotFixture dovecot) : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly string _folder = "Push-" + Guid.NewGuid().ToString("N")[..8];
    private AppServices? _app;

    private IServiceProvider Services => _app!.Services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _app = await AppServices.StartAsync(_database, configure: s => s.Configure<ScannerOptions>(o =>
        {
            o.Push = true;
            o.WatchReconcileInterval = TimeSpan.FromMilliseconds(200);
        }));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    private Task<AppDbContext> Db() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@push.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress("Anna", "anna@somewhere.example"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.test"));
        message.Body = new TextPart("plain") { Text = "Pushed" };
        return message;
    }

    /// <summary>Completes when an e-mail with this subject has been committed (the scanner's notification, no polling).</summary>
    private Task StoredAsync(string subject)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinator = Services.GetRequiredService<ScanCoordinator>();
        IDisposable? subscription = null;
        void Check(ScanProgress _)
        {
            using var db = Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
            if (db.Emails.Any(e => e.Subject == subject))
            {
                subscription?.Dispose();
                done.TrySetResult();
            }
        }

        subscription = coordinator.SubscribeAll(Check);
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task New_mail_is_stored_on_its_own_the_watch_survives_a_server_restart_and_ends_when_the_mailbox_is_deactivated()
    {
        await Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test", Ct);
        int mailboxId;
        await using (var db = await Db())
        {
            var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@crm.example", SecurityStamp = "x" };
            db.Users.Add(user);
            var server = new MailServer { Name = "Dovecot", ImapHost = dovecot.Host, ImapPort = dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
            db.MailServers.Add(server);
            await db.SaveChangesAsync(Ct);
            var mailbox = new Mailbox
            {
                OwnerId = user.Id, Name = "Bob", MailServerId = server.Id, Login = dovecot.Bob.Login,
                PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect(dovecot.Bob.Password),
                Folders = [_folder], Actions = ScannerActions.CreateEmail, SearchFields = [.. SearchFields.DefaultKeys],
                ImportSince = new DateOnly(2020, 1, 1),
            };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync(Ct);
            mailboxId = mailbox.Id;
        }

        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Already there"), Ct);
        var watcher = Services.GetRequiredService<MailboxWatcher>();
        var first = StoredAsync("Already there");
        await watcher.StartAsync(Ct);
        try
        {
            await first;
            Assert.Equal([mailboxId], watcher.Watched);

            var pushed = StoredAsync("Pushed while idle");
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Pushed while idle"), Ct);
            await pushed;

            // The server goes away and comes back: the watch reconnects on its own (backoff), and push works again.
            await dovecot.RestartAsync(Ct);
            var afterRestart = StoredAsync("After the restart");
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("After the restart"), Ct);
            await afterRestart;

            await using (var db = await Db())
            {
                await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(m => m.SetProperty(x => x.Status, MailboxStatus.Inactive), Ct);
            }

            await watcher.ReconcileAsync(Ct);
            Assert.Empty(watcher.Watched);
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }

        await using var check = await Db();
        Assert.Equal(3, await check.Emails.CountAsync(Ct));
        Assert.All(await check.ScanRuns.ToListAsync(Ct), r => Assert.Null(r.StartedById));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// The whole app (the web host's wiring) on PostgreSQL scanning a real Dovecot mailbox; and a second app instance with
/// its own data folder on the same database — another node — decrypting the mailbox password the first one encrypted,
/// because the Data Protection keys are in the database.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class PostgreSqlAppScanTests(DovecotFixture dovecot)
{
    private static PrivateMailAppFactory Node(string connectionString)
    {
        var app = new PrivateMailAppFactory();
        app.Settings[DatabaseProviders.ProviderKey] = "PostgreSql";
        app.Settings["ConnectionStrings:PrivateMail"] = connectionString;
        return app;
    }

    [Fact]
    public async Task The_app_on_postgresql_scans_a_mailbox_once_and_a_second_node_decrypts_its_password_and_scans_on()
    {
        var folder = "pg-app-" + Guid.NewGuid().ToString("N")[..8];
        var first = FaultScanHarness.Messages(folder, 5);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, first);
        var connectionString = PostgreSqlServer.Shared.CreateEmptyDatabase();
        try
        {
            await using var nodeA = Node(connectionString);
            var owner = await nodeA.CreateUserAsync("olga", "Secret123!", administrator: false);
            int mailboxId;
            await using (var db = await Db(nodeA).CreateDbContextAsync())
            {
                var server = new MailServer { Name = "Dovecot", ImapHost = dovecot.Host, ImapPort = dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
                db.MailServers.Add(server);
                await db.SaveChangesAsync();
                var mailbox = new Mailbox
                {
                    OwnerId = owner.Id, Name = "Bob", MailServerId = server.Id, Login = dovecot.Bob.Login,
                    PasswordProtected = nodeA.Services.GetRequiredService<SecretProtector>().Protect(dovecot.Bob.Password),
                    Folders = [folder],
                    Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
                    SearchFields = [.. SearchFields.DefaultKeys],
                };
                db.Mailboxes.Add(mailbox);
                await db.SaveChangesAsync();
                mailboxId = mailbox.Id;
            }

            var scanA = await Scan(nodeA, mailboxId);
            var again = await Scan(nodeA, mailboxId);

            Assert.Equal((ScanRunStatus.Done, 5, 5), (scanA.Status, scanA.Stored, scanA.TicketsCreated));
            Assert.Equal(0, again.Stored);

            // Node B: its own process-like host and data folder, the same database. Its key ring is the one in the database.
            await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, FaultScanHarness.Messages(folder + "-b", 2));
            await using var nodeB = Node(connectionString);
            var scanB = await Scan(nodeB, mailboxId);

            Assert.Equal((ScanRunStatus.Done, 2, null), (scanB.Status, scanB.Stored, scanB.FirstError));
            await using var check = await Db(nodeB).CreateDbContextAsync();
            Assert.Equal(7, await check.Emails.CountAsync());
            Assert.Equal(7, await check.Emails.Select(e => e.MessageId).Distinct().CountAsync());
            Assert.Equal(7, await check.Tickets.Select(t => t.Number).Distinct().CountAsync());
            Assert.Equal(MailboxStatus.Active, (await check.Mailboxes.SingleAsync(m => m.Id == mailboxId)).Status);
        }
        finally
        {
            PostgreSqlServer.Shared.DropDatabase(connectionString);
        }
    }

    private static IDbContextFactory<AppDbContext> Db(PrivateMailAppFactory app)
    {
        _ = app.BaseAddress;
        return app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
    }

    private static async Task<ScanProgress> Scan(PrivateMailAppFactory app, int mailboxId)
    {
        _ = app.BaseAddress;
        return await app.Services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("The scan did not run.");
    }
}

using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, Low): deleting an e-mail removes its attachment file when no other e-mail uses it — but a scan
/// that is storing another mail with the same attachment finds the file already there, reuses it and commits its row a
/// moment later. Deleting must never remove a file such a scan is about to reference: the reference check and the file
/// removal happen under the database's write lock, which every attachment save holds too.
/// </summary>
public sealed class DeletingAMailWhileAScanSharesItsAttachmentTests : PrivateMailTestContext, IAsyncLifetime
{
    private static readonly byte[] Shared = Encoding.ASCII.GetBytes("%PDF-1.4 the same contract in two mails");
    private readonly ReferenceCheckHook _hook = new();
    private string _owner = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync(s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(_hook)));
        _owner = await CreateUserAsync("olga");
        SignIn("olga", _owner);
        await Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.Emails, true, "test", Ct);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private static NewEmail Mail(string owner, string messageId) => new()
    {
        OwnerId = owner,
        Subject = "Contract " + messageId,
        From = EmailAddress.Parse("jan@customer.example"),
        Date = DateTimeOffset.UtcNow,
        MessageId = messageId,
        Attachments = [new NewAttachment("contract.pdf", "application/pdf", new MemoryStream(Shared))],
    };

    /// <summary>A second writer, as a scan in another process would be, that gives up after a second when the database is locked.</summary>
    private async Task<AppDbContext> ScanContextAsync()
    {
        var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        ((SqliteConnection)db.Database.GetDbConnection()).DefaultTimeout = 1;
        return db;
    }

    [Fact]
    public async Task A_scan_sharing_the_file_exactly_between_the_reference_check_and_the_file_removal_keeps_its_file()
    {
        var store = Services.GetRequiredService<EmailStore>();
        var deleted = await store.StoreAsync(Mail(_owner, "first@customer.example"), Ct);
        var refusedWhileDeleting = false;
        _hook.AtReferenceCheck = async () =>
        {
            // The deletion has removed its rows and is asking which files are still used: a scan stores the same file now.
            await using var scan = await ScanContextAsync();
            try
            {
                await store.StoreAsync(scan, Mail(_owner, "second@customer.example"), CancellationToken.None);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 5)
            {
                // SQLITE_BUSY: the deletion holds the write lock, so the scan waits its turn (and retries, as a scan batch would).
                refusedWhileDeleting = true;
            }
        };

        Assert.True(await Services.GetRequiredService<EmailService>().DeleteAsync(deleted.Id, Ct));
        Assert.True(_hook.Fired);
        if (refusedWhileDeleting)
        {
            await using var scan = await ScanContextAsync();
            await store.StoreAsync(scan, Mail(_owner, "second@customer.example"), Ct);
        }

        await AssertEveryAttachmentHasItsFileAsync(expected: 1);
    }

    [Fact]
    public async Task Deletes_and_scans_racing_on_the_same_content_never_leave_an_attachment_without_its_file()
    {
        var store = Services.GetRequiredService<EmailStore>();
        var emails = Services.GetRequiredService<EmailService>();
        var previous = await store.StoreAsync(Mail(_owner, "round-0@customer.example"), Ct);
        for (var round = 1; round <= 20; round++)
        {
            var id = round;
            var scan = Task.Run(async () => await store.StoreAsync(Mail(_owner, $"round-{id}@customer.example"), Ct), Ct);
            var delete = Task.Run(async () => await emails.DeleteAsync(previous.Id, Ct), Ct);
            await Task.WhenAll(scan, delete);
            Assert.True(await delete);
            previous = await scan;
        }

        await AssertEveryAttachmentHasItsFileAsync(expected: 1);
    }

    [Fact]
    public async Task Deleting_the_last_mail_with_an_attachment_still_removes_its_file()
    {
        var store = Services.GetRequiredService<EmailStore>();
        var only = await store.StoreAsync(Mail(_owner, "only@customer.example"), Ct);
        var files = Services.GetRequiredService<AttachmentStore>();
        string hash;
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            hash = await db.EmailAttachments.Where(a => a.EmailId == only.Id).Select(a => a.ContentHash).SingleAsync(Ct);
        }

        Assert.True(await Services.GetRequiredService<EmailService>().DeleteAsync(only.Id, Ct));

        Assert.False(files.Exists(hash));
        Assert.Empty(Directory.GetFiles(Path.Combine(DataDirectory, "attachments"), "*", SearchOption.AllDirectories));
    }

    private async Task AssertEveryAttachmentHasItsFileAsync(int expected)
    {
        var files = Services.GetRequiredService<AttachmentStore>();
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var hashes = await db.EmailAttachments.Select(a => a.ContentHash).ToListAsync(Ct);
        Assert.Equal(expected, hashes.Count);
        Assert.All(hashes, h => Assert.True(files.Exists(h), $"The attachment {h} has no file."));
        Assert.All(hashes, h => Assert.Equal(Shared, File.ReadAllBytes(files.PathFor(h))));
    }

    /// <summary>Runs <see cref="AtReferenceCheck"/> once, right after a deletion of e-mails asked which attachment files are still used.</summary>
    private sealed class ReferenceCheckHook : DbCommandInterceptor
    {
        private int _emailsDeleted;

        public Func<Task>? AtReferenceCheck { get; set; }

        public bool Fired { get; private set; }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("DELETE FROM \"Emails\"", StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref _emailsDeleted, 1);
            }

            return ValueTask.FromResult(result);
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (AtReferenceCheck is { } hook && command.CommandText.Contains("FROM \"EmailAttachments\"", StringComparison.Ordinal)
                && Interlocked.Exchange(ref _emailsDeleted, 0) == 1)
            {
                AtReferenceCheck = null;
                Fired = true;
                await hook();
            }

            return result;
        }
    }
}

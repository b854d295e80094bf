using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>Failed messages are the owner's: only the owner lists them; only the owner or an administrator reprocesses one.</summary>
public sealed class FailedMessageServiceTests : MailServerTestContext
{
    /// <summary>Scans and reprocessing need My mail enabled (it ships disabled).</summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<PrivateMail.Web.Features.Modules.ModuleService>().SetEnabledAsync(PrivateMail.Domain.Modules.CrmModule.MyMail, true, "admin");
    }

    private FailedMessageService Failed => Services.GetRequiredService<FailedMessageService>();

    private async Task<(string JanId, int FailedId)> JansFailedMessageAsync()
    {
        await AddMailboxAsync(await SaveServerAsync(NewServer()), "jan");
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var mailbox = await db.Mailboxes.Include(m => m.Owner).SingleAsync(m => m.Owner!.UserName == "jan");
        var failed = new FailedMessage
        {
            MailboxId = mailbox.Id, Folder = "INBOX", UidValidity = 7, Uid = 42, Error = "The message is larger than 4096 bytes (20000).",
            RawPath = null, Size = 20_000, FailedAt = DateTimeOffset.UtcNow,
        };
        db.FailedMessages.Add(failed);
        await db.SaveChangesAsync();
        return (mailbox.OwnerId, failed.Id);
    }

    [Fact]
    public async Task The_owner_sees_their_failed_message_and_another_user_neither_sees_nor_reprocesses_it()
    {
        var (janId, failedId) = await JansFailedMessageAsync();
        SignIn("jan", janId);
        var row = Assert.Single(await Failed.OwnUnresolvedAsync());
        Assert.Equal(("INBOX", 42L, 20_000L), (row.Folder, row.Uid, row.Size));

        var olaId = await CreateUserAsync("ola");
        SignIn("ola", olaId);

        Assert.Empty(await Failed.OwnUnresolvedAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Failed.ReprocessAsync(failedId));
    }

    [Fact]
    public async Task The_owner_and_an_administrator_may_reprocess_and_a_missing_file_keeps_it_failed_with_the_reason()
    {
        var (janId, failedId) = await JansFailedMessageAsync();
        var missing = new ReprocessResult(ReprocessStatus.Failed, "The saved message is missing.");
        SignIn("jan", janId);
        Assert.Equal(missing, await Failed.ReprocessAsync(failedId));

        SignIn("admin", AdminId, administrator: true);
        Assert.Equal(missing, await Failed.ReprocessAsync(failedId));

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.FailedMessages.SingleAsync();
        Assert.Null(stored.ResolvedAt);
        Assert.Equal("The saved message is missing.", ScanNotes.Display(stored.Error));
    }

    [Fact]
    public async Task Only_an_administrator_lists_every_mailboxs_failed_messages_with_mailbox_and_owner()
    {
        var (janId, failedId) = await JansFailedMessageAsync();
        SignIn("jan", janId);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Failed.AllUnresolvedAsync());

        SignIn("admin", AdminId, administrator: true);
        var row = Assert.Single(await Failed.AllUnresolvedAsync());
        Assert.Equal((failedId, "Jan Tester"), (row.Id, row.OwnerName));
        Assert.False(string.IsNullOrEmpty(row.MailboxName));
    }

    [Fact]
    public async Task Reprocessing_while_the_mailbox_is_being_scanned_does_nothing_and_says_so()
    {
        var (janId, failedId) = await JansFailedMessageAsync();
        SignIn("jan", janId);
        int mailboxId;
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            mailboxId = await db.FailedMessages.Where(f => f.Id == failedId).Select(f => f.MailboxId).SingleAsync();
        }

        // Hold the mailbox's scan gate as a running scan does.
        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource<int>();
        var gate = Services.GetRequiredService<ScanCoordinator>().TryExclusiveAsync(mailboxId, async _ =>
        {
            holding.SetResult();
            return await release.Task;
        }, CancellationToken.None);
        await holding.Task;

        Assert.Equal(new ReprocessResult(ReprocessStatus.Busy), await Failed.ReprocessAsync(failedId));
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal("The message is larger than 4096 bytes (20000).", (await db.FailedMessages.SingleAsync()).Error);
        }

        release.SetResult(0);
        Assert.True((await gate).Ran);
        Assert.Equal(ReprocessStatus.Failed, (await Failed.ReprocessAsync(failedId)).Status);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>Failed messages are the owner's: only the owner lists them; only the owner or an administrator reprocesses one.</summary>
public sealed class FailedMessageServiceTests : MailServerTestContext
{
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
        SignIn("jan", janId);
        Assert.Equal("The saved message is missing.", await Failed.ReprocessAsync(failedId));

        SignIn("admin", AdminId, administrator: true);
        Assert.Equal("The saved message is missing.", await Failed.ReprocessAsync(failedId));

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.FailedMessages.SingleAsync();
        Assert.Null(stored.ResolvedAt);
        Assert.Equal("The saved message is missing.", stored.Error);
    }
}

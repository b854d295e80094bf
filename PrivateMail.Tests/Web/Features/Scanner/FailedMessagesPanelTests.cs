using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>The owner sees the mailbox's failed messages on the Mailbox tab and reprocesses one into a stored e-mail.</summary>
public sealed class FailedMessagesPanelTests : MailboxTestContext
{
    [Fact]
    public async Task A_failed_message_is_listed_and_reprocess_stores_it_and_removes_it_from_the_list()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.Actions = ScannerActions.CreateEmail;
        await SaveOrFailAsync(model);
        var mailbox = (await LoadMailboxAsync(JanId))!;
        var message = new MimeMessage([new MailboxAddress("Anna", "anna@somewhere.example")], [new MailboxAddress("Jan", "jan@example.test")], "Saved for later", new TextPart("plain") { Text = "x" })
        {
            MessageId = "later@somewhere.example",
        };
        var relative = Path.Combine("failed", mailbox.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "1-5-test.eml");
        Directory.CreateDirectory(Path.Combine(DataDirectory, "failed", mailbox.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await message.WriteToAsync(Path.Combine(DataDirectory, relative));
        await using (var db = await CreateDbAsync())
        {
            db.FailedMessages.Add(new FailedMessage
            {
                MailboxId = mailbox.Id, Folder = "INBOX", UidValidity = 1, Uid = 5, Error = "The message could not be processed: database busy",
                RawPath = relative, Size = new FileInfo(Path.Combine(DataDirectory, relative)).Length, FailedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var page = RenderMailboxTab();
        page.WaitForAssertion(() => Assert.Contains("database busy", page.Find("#failed-messages tbody tr").TextContent));
        var id = page.Find("#failed-messages tbody tr").GetAttribute("data-failed");

        await page.Find($"#failed-reprocess-{id}").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#failed-messages")));
        await using var check = await CreateDbAsync();
        Assert.Equal("Saved for later", (await check.Emails.SingleAsync()).Subject);
        Assert.NotNull((await check.FailedMessages.SingleAsync()).ResolvedAt);
    }
}

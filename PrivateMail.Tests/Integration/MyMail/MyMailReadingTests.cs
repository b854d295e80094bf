using System.Net;
using System.Security.Cryptography;
using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration.MyMail;

/// <summary>Reading alice's real Dovecot mailbox through the app's own reader service (and the download endpoint over HTTP).</summary>
[Collection(PostfixCollection.Name)]
public sealed class MyMailReadingTests(PostfixFixture postfix) : IAsyncLifetime
{
    private MyMailHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await MyMailHarness.StartAsync(postfix);

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh folder of alice's with <paramref name="count"/> messages "Message 01".. from senders a.., oldest first.</summary>
    private async Task<string> FolderWithAsync(int count, Func<int, MimeMessage>? make = null)
    {
        var folder = "Test-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 1; i <= count; i++)
        {
            var message = make?.Invoke(i) ?? MyMailHarness.Message($"{(char)('a' + (count - i) % 26)}@customer.test", "alice@example.test", $"Message {i:00}");
            await postfix.Dovecot.AppendAsync(postfix.Dovecot.Alice, folder, message, Ct, arrived: DateTimeOffset.UtcNow.AddMinutes(i - count));
        }

        return folder;
    }

    /// <summary>A fresh folder holding one message from bob to alice with the builder's body.</summary>
    private Task<string> FolderWithBodyAsync(string subject, BodyBuilder body) => FolderWithAsync(1, _ =>
    {
        var message = MyMailHarness.Message("bob@example.test", "alice@example.test", subject);
        message.Body = body.ToMessageBody();
        return message;
    });

    /// <summary>The folder's only message as alice's list shows it, and opened.</summary>
    private async Task<(PrivateMail.Web.Mail.Envelope Row, MessageView View)> OpenOnlyAsync(string folder)
    {
        await using var alice = await _h.AsAsync("alice");
        var reader = alice.Get<IMyMailReader>();
        var row = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 1), Ct)).Value!.Messages.Single();
        return (row, (await reader.OpenAsync(folder, row.Uid, Ct)).Value!);
    }

    [Fact]
    public async Task Folders_come_with_counts_special_use_first()
    {
        var folder = await FolderWithAsync(3);
        await using var alice = await _h.AsAsync("alice");
        var result = await alice.Get<IMyMailReader>().GetFoldersAsync(Ct);
        Assert.True(result.Succeeded, result.Message);
        var folders = result.Value!;
        Assert.Equal([FolderRole.Inbox, FolderRole.Drafts, FolderRole.Sent, FolderRole.Junk, FolderRole.Trash], folders.Take(5).Select(f => f.Role));
        var test = Assert.Single(folders, f => f.FullName == folder);
        Assert.Equal((3, 3), (test.Total, test.Unread));
    }

    [Fact]
    public async Task Pages_are_newest_first_sortable_and_searchable()
    {
        var folder = await FolderWithAsync(25, i => MyMailHarness.Message($"{(char)('a' + 25 - i)}@customer.test", "alice@example.test",
            $"Message {i:00}", i == 7 ? "the needle is here" : "hay"));
        await using var alice = await _h.AsAsync("alice");
        var reader = alice.Get<IMyMailReader>();

        var first = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 10), Ct)).Value!;
        Assert.Equal(25, first.Total);
        Assert.Equal(Enumerable.Range(16, 10).Reverse().Select(i => $"Message {i:00}"), first.Messages.Select(m => m.Subject));
        var last = (await reader.GetMessagesAsync(new MessageQuery(folder, 2, 10), Ct)).Value!;
        Assert.Equal(["Message 05", "Message 04", "Message 03", "Message 02", "Message 01"], last.Messages.Select(m => m.Subject));
        Assert.All(last.Messages, m => Assert.False(m.Seen));

        var oldest = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 3, EnvelopeOrder.DateAscending), Ct)).Value!;
        Assert.Equal(["Message 01", "Message 02", "Message 03"], oldest.Messages.Select(m => m.Subject));
        var bySender = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 3, EnvelopeOrder.SenderAscending), Ct)).Value!;
        Assert.Equal(["a@customer.test", "b@customer.test", "c@customer.test"], bySender.Messages.Select(m => m.FromAddress));
        var bySubject = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 2, EnvelopeOrder.SubjectDescending), Ct)).Value!;
        Assert.Equal(["Message 25", "Message 24"], bySubject.Messages.Select(m => m.Subject));

        var found = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 10, Search: "needle"), Ct)).Value!;
        Assert.Equal(1, found.Total);
        Assert.Equal("Message 07", Assert.Single(found.Messages).Subject);
        var bySenderSearch = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 10, Search: "y@customer"), Ct)).Value!;
        Assert.Equal("Message 01", Assert.Single(bySenderSearch.Messages).Subject);
    }

    [Fact]
    public async Task Opening_marks_seen_flags_change_move_and_delete_go_to_trash_then_for_good()
    {
        var folder = await FolderWithAsync(3);
        await using var alice = await _h.AsAsync("alice");
        var reader = alice.Get<IMyMailReader>();
        var page = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 10), Ct)).Value!;
        var uids = page.Messages.Select(m => m.Uid).ToList();

        var opened = (await reader.OpenAsync(folder, uids[0], Ct)).Value!;
        Assert.True(opened.Seen);
        Assert.True(Assert.Single((await reader.GetMessagesAsync(new MessageQuery(folder, 0, 1), Ct)).Value!.Messages).Seen);

        Assert.True((await reader.SetFlagsAsync(folder, [uids[0]], FlagChange.MarkUnread, Ct)).Succeeded);
        Assert.True((await reader.SetFlagsAsync(folder, [uids[1]], FlagChange.Flag, Ct)).Succeeded);
        var flags = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 10), Ct)).Value!.Messages.ToDictionary(m => m.Uid);
        Assert.False(flags[uids[0]].Seen);
        Assert.True(flags[uids[1]].Flagged);
        Assert.False(flags[uids[2]].Flagged);

        var target = await FolderWithAsync(0);
        using (var client = await _h.ImapAsync(postfix.Dovecot.Alice))
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(target, true, Ct);
        }

        Assert.True((await reader.MoveAsync(folder, [uids[2]], target, Ct)).Succeeded);
        Assert.Equal(1, (await reader.GetMessagesAsync(new MessageQuery(target, 0, 10), Ct)).Value!.Total);

        Assert.False(await reader.DeletesPermanentlyAsync(folder, Ct));
        Assert.True(await reader.DeletesPermanentlyAsync("Trash", Ct));
        Assert.True((await reader.DeleteAsync(folder, [uids[1]], Ct)).Succeeded);
        var trash = (await reader.GetMessagesAsync(new MessageQuery("Trash", 0, 200), Ct)).Value!;
        var moved = trash.Messages.Where(m => m.Subject == page.Messages[1].Subject && m.Flagged).ToList();
        Assert.NotEmpty(moved);
        Assert.Equal(1, (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 10), Ct)).Value!.Total);

        var inTrash = moved[^1].Uid;
        Assert.True((await reader.DeleteAsync("Trash", [inTrash], Ct)).Succeeded);
        Assert.DoesNotContain((await reader.GetMessagesAsync(new MessageQuery("Trash", 0, 200), Ct)).Value!.Messages, m => m.Uid == inTrash);

        var gone = await reader.OpenAsync("Trash", inTrash, Ct);
        Assert.Equal(MyMailProblem.NotFound, gone.Problem);
    }

    [Fact]
    public async Task An_attachment_streams_exactly_over_several_chunks_and_only_to_its_owner()
    {
        var content = RandomNumberGenerator.GetBytes(ImapMailSession.ChunkSize * 3 + 12345);
        var builder = new BodyBuilder { TextBody = "See attached", HtmlBody = "<p>See <b>attached</b><script>alert(1)</script></p>" };
        builder.Attachments.Add("report.bin", content, new ContentType("application", "octet-stream"));
        var (row, view) = await OpenOnlyAsync(await FolderWithBodyAsync("With attachment", builder));
        Assert.True(row.HasAttachments);

        Assert.Equal("See attached", view.Text.Trim());
        Assert.Contains("<b>attached</b>", view.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("script", view.Html, StringComparison.OrdinalIgnoreCase);
        var attachment = Assert.Single(view.Attachments);
        Assert.Equal("report.bin", attachment.FileName);

        using var aliceHttp = await _h.App.CreateSignedInClientAsync("alice", MyMailHarness.Password);
        using var response = await aliceHttp.GetAsync(attachment.DownloadUrl.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("report.bin", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync(Ct));

        // Bob has no mailbox: the same address names nothing of his, and alice's mail is never reached.
        using var bobHttp = await _h.App.CreateSignedInClientAsync("bob", MyMailHarness.Password);
        using var other = await bobHttp.GetAsync(attachment.DownloadUrl.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.NotEqual(content.Length, (await other.Content.ReadAsByteArrayAsync(Ct)).Length);
    }

    [Fact]
    public async Task An_inline_image_of_an_html_mail_is_offered_by_its_content_id_and_streams_as_an_image()
    {
        var png = RandomNumberGenerator.GetBytes(700);
        var builder = new BodyBuilder { TextBody = "Our logo", HtmlBody = "<p>Our logo</p><img src=\"cid:logo@customer.test\">" };
        builder.LinkedResources.Add("logo.png", png, new ContentType("image", "png")).ContentId = "logo@customer.test";
        var (_, view) = await OpenOnlyAsync(await FolderWithBodyAsync("With logo", builder));

        // multipart/related: the image is no attachment, but the HTML can name it.
        Assert.Empty(view.Attachments);
        var inline = Assert.Single(view.InlineParts);
        Assert.Equal(("logo@customer.test", "image/png"), (inline.ContentId, inline.ContentType));
        Assert.Contains("cid:logo@customer.test", view.Html, StringComparison.Ordinal);

        using var aliceHttp = await _h.App.CreateSignedInClientAsync("alice", MyMailHarness.Password);
        using var response = await aliceHttp.GetAsync(inline.DownloadUrl.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Link_to_record_stores_once_through_the_scanners_store_and_shows_the_link()
    {
        var folder = await FolderWithAsync(1, _ => MyMailHarness.Message("Customer <customer@shop.test>", "alice@example.test", "Order question"));
        var contact = await new RecordFactory(_h.App.Services).ContactAsync(_h.AliceId, "Carl", "Customer", "customer@shop.test");
        var key = contact.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var alice = await _h.AsAsync("alice");
        var reader = alice.Get<IMyMailReader>();
        var uid = (await reader.GetMessagesAsync(new MessageQuery(folder, 0, 1), Ct)).Value!.Messages.Single().Uid;
        Assert.Null((await reader.OpenAsync(folder, uid, Ct)).Value!.StoredEmailId);

        var linked = await reader.LinkToRecordAsync(folder, uid, RecordKind.Contact, key, Ct);
        Assert.True(linked.Succeeded, linked.Message);
        var again = await reader.LinkToRecordAsync(folder, uid, RecordKind.Contact, key, Ct);
        Assert.Equal(linked.Value, again.Value);

        var view = (await reader.OpenAsync(folder, uid, Ct)).Value!;
        Assert.Equal(linked.Value, view.StoredEmailId);
        var link = Assert.Single(view.Links);
        Assert.Equal((RecordKind.Contact, key, "Carl Customer"), (link.Kind, link.Id, link.DisplayName));
        await using var db = await _h.DbAsync();
        Assert.Equal(1, await db.Emails.CountAsync(e => e.MailboxId == _h.MailboxId && e.Subject == "Order question", Ct));
    }
}

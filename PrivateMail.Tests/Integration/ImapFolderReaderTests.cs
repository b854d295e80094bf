using MailKit;
using MailKit.Security;
using MimeKit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

[Collection(DovecotCollection.Name)]
public sealed class ImapFolderReaderTests(DovecotFixture dovecot)
{
    private static MimeMessage Message(string id, string subject, DateTimeOffset? date = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = id, Date = date ?? DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress("Client", "client@customer.example"));
        message.To.Add(new MailboxAddress("Owner", "owner@crm.example"));
        message.Body = new TextPart("plain") { Text = $"Body of {subject}" };
        return message;
    }

    [Fact]
    public async Task New_mail_comes_in_uid_order_in_batches_without_touching_flags()
    {
        var ct = TestContext.Current.CancellationToken;
        var folderName = "Reader-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 1; i <= 25; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, folderName, Message($"r{i}-{folderName}@customer.example", $"Message {i}"));
        }

        using var client = await dovecot.ConnectAsync(dovecot.Bob, SecureSocketOptions.None, ct);
        var (folder, state) = await ImapFolderReader.OpenAsync(client, folderName, ct);
        Assert.Equal(25, state.Count);
        Assert.NotEqual(0u, state.UidValidity);

        var all = await ImapFolderReader.FindNewAsync(folder, 0, null, ct);
        Assert.Equal(25, all.Count);
        var afterTen = await ImapFolderReader.FindNewAsync(folder, all[9].Id, null, ct);
        Assert.Equal(all.Skip(10), afterTen);
        Assert.Empty(await ImapFolderReader.FindNewAsync(folder, all[^1].Id, null, ct));

        var subjects = new List<string>();
        foreach (var batch in afterTen.Chunk(6))
        {
            await ImapFolderReader.FetchAsync(folder, batch, async (uid, stream, token) =>
            {
                var message = await MimeMessage.LoadAsync(stream, token);
                subjects.Add(message.Subject ?? "");
            }, ct);
        }

        Assert.Equal(Enumerable.Range(11, 15).Select(i => $"Message {i}"), subjects);
        var flags = await folder.FetchAsync(all.ToList(), MessageSummaryItems.Flags, ct);
        Assert.All(flags, f => Assert.False(f.Flags!.Value.HasFlag(MessageFlags.Seen)));
    }

    [Fact]
    public async Task A_first_scan_with_a_start_date_skips_older_mail()
    {
        var ct = TestContext.Current.CancellationToken;
        var folderName = "Since-" + Guid.NewGuid().ToString("N")[..8];
        using (var setup = await dovecot.ConnectAsync(dovecot.Bob, SecureSocketOptions.None, ct))
        {
            var root = await setup.GetFolderAsync(setup.PersonalNamespaces[0].Path, ct);
            var created = await root.CreateAsync(folderName, true, ct) ?? throw new InvalidOperationException("Folder not created.");
            await created.OpenAsync(FolderAccess.ReadWrite, ct);
            // The internal date (delivery time) decides, not the Date header.
            await created.AppendAsync(new AppendRequest(Message($"old-{folderName}@x", "Old")) { InternalDate = DateTimeOffset.UtcNow.AddDays(-90) }, ct);
            await created.AppendAsync(new AppendRequest(Message($"new-{folderName}@x", "New")) { InternalDate = DateTimeOffset.UtcNow.AddDays(-2) }, ct);
        }

        using var client = await dovecot.ConnectAsync(dovecot.Bob, SecureSocketOptions.None, ct);
        var (folder, _) = await ImapFolderReader.OpenAsync(client, folderName, ct);

        var recent = await ImapFolderReader.FindNewAsync(folder, 0, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-30)), ct);
        var everything = await ImapFolderReader.FindNewAsync(folder, 0, null, ct);

        Assert.Single(recent);
        Assert.Equal(2, everything.Count);
    }
}

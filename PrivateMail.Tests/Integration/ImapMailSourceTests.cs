using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>The contract of the MailKit mail source, against a real Dovecot: what the in-memory source imitates.</summary>
[Collection(DovecotCollection.Name)]
public sealed class ImapMailSourceTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IMailSource Source() => new ImapMailSource(new ImapConnector(Options.Create(new ImapOptions()), NullLogger<ImapConnector>.Instance));

    private ImapEndpoint Endpoint => new(dovecot.Host, dovecot.ImapPort, MailSecurity.None, false);

    private static MimeMessage Message(string subject, string body = "Hello")
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@source.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(new MailboxAddress("Client", "client@customer.example"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.test"));
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    [Fact]
    public async Task Lists_new_mail_with_sizes_fetches_bodies_in_one_request_and_headers_alone()
    {
        var folder = "Source-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 1; i <= 5; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, folder, Message($"Message {i}", new string('x', i * 1000)), Ct);
        }

        var (session, result) = await Source().OpenAsync(Endpoint, new ImapCredentials(dovecot.Bob.Login, dovecot.Bob.Password), Ct);
        Assert.True(result.Succeeded, result.Detail);
        await using (session)
        {
            var state = await session!.OpenFolderAsync(folder, Ct);
            Assert.Equal(5, state.Count);
            var all = await session.ListNewAsync(0, null, Ct);
            Assert.Equal(5, all.Count);
            Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Uid < p.Second.Uid));
            Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Size < p.Second.Size));
            Assert.All(all, i => Assert.NotNull(i.Arrived));
            var after = await session.ListNewAsync(all[2].Uid, null, Ct);
            Assert.Equal(all.Skip(3).Select(i => i.Uid), after.Select(i => i.Uid));
            Assert.Empty(await session.ListNewAsync(all[^1].Uid, null, Ct));
            // The two halves the scanner asks separately: the UIDs by a search, then sizes a chunk at a time, in the
            // order asked; a UID the server does not have comes back with size 0 and no date.
            Assert.Equal(all.Select(i => i.Uid), await session.ListNewUidsAsync(0, null, Ct));
            Assert.Equal(all.Skip(3).Select(i => i.Uid), await session.ListNewUidsAsync(all[2].Uid, null, Ct));
            var missing = all[^1].Uid + 100;
            var described = await session.DescribeAsync([all[3].Uid, missing, all[1].Uid], Ct);
            Assert.Equal([all[3], new MailItem(missing, 0, null), all[1]], described);

            var fetched = new List<FetchedMail>();
            await session.FetchAsync(all.Select(i => i.Uid).ToList(), (mail, _) =>
            {
                fetched.Add(mail);
                return ValueTask.CompletedTask;
            }, Ct);
            Assert.Equal(all.Select(i => i.Uid), fetched.Select(f => f.Uid));
            Assert.All(fetched, f => Assert.Null(f.Refused));
            Assert.Equal(all.Select(i => i.Size), fetched.Select(f => (long)f.Raw!.Length));

            var headers = await session.FetchHeadersAsync(all[4].Uid, Ct);
            var text = System.Text.Encoding.ASCII.GetString(headers!);
            Assert.Contains("Subject: Message 5", text, StringComparison.Ordinal);
            Assert.DoesNotContain("xxxx", text, StringComparison.Ordinal);
        }

        // The folder was only examined: reading never marks mail as seen.
        using var client = await dovecot.ConnectAsync(dovecot.Bob, MailKit.Security.SecureSocketOptions.None, Ct);
        var opened = await client.GetFolderAsync(folder, Ct);
        await opened.OpenAsync(MailKit.FolderAccess.ReadOnly, Ct);
        var flags = await opened.FetchAsync(await opened.SearchAsync(MailKit.Search.SearchQuery.All, Ct), new MailKit.FetchRequest(MailKit.MessageSummaryItems.Flags), Ct);
        Assert.Equal(5, flags.Count);
        Assert.All(flags, f => Assert.False(f.Flags!.Value.HasFlag(MailKit.MessageFlags.Seen)));
    }

    [Fact]
    public async Task A_first_scan_with_a_start_date_skips_mail_delivered_before_it()
    {
        var folder = "Since-" + Guid.NewGuid().ToString("N")[..8];
        using (var setup = await dovecot.ConnectAsync(dovecot.Bob, MailKit.Security.SecureSocketOptions.None, Ct))
        {
            var root = await setup.GetFolderAsync(setup.PersonalNamespaces[0].Path, Ct);
            var created = await root.CreateAsync(folder, true, Ct) ?? throw new InvalidOperationException("Folder not created.");
            await created.OpenAsync(MailKit.FolderAccess.ReadWrite, Ct);
            // The internal date (delivery time) decides, not the Date header.
            await created.AppendAsync(new MailKit.AppendRequest(Message("Old")) { InternalDate = DateTimeOffset.UtcNow.AddDays(-90) }, Ct);
            await created.AppendAsync(new MailKit.AppendRequest(Message("New")) { InternalDate = DateTimeOffset.UtcNow.AddDays(-2) }, Ct);
        }

        var (session, _) = await Source().OpenAsync(Endpoint, new ImapCredentials(dovecot.Bob.Login, dovecot.Bob.Password), Ct);
        await using (session)
        {
            await session!.OpenFolderAsync(folder, Ct);

            var recent = await session.ListNewAsync(0, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-30)), Ct);
            var everything = await session.ListNewAsync(0, null, Ct);

            Assert.Single(recent);
            Assert.Equal(2, everything.Count);
        }
    }

    [Fact]
    public async Task A_missing_folder_is_reported_as_such_and_a_failed_login_returns_no_session()
    {
        var (session, _) = await Source().OpenAsync(Endpoint, new ImapCredentials(dovecot.Bob.Login, dovecot.Bob.Password), Ct);
        await using (session)
        {
            var missing = await Assert.ThrowsAsync<MailFolderException>(() => session!.OpenFolderAsync("Nope-" + Guid.NewGuid().ToString("N")[..8], Ct));
            Assert.True(missing.Missing);
        }

        var (none, failed) = await Source().OpenAsync(Endpoint, new ImapCredentials(dovecot.Bob.Login, "wrong"), Ct);
        Assert.Null(none);
        Assert.Equal(ConnectionFailure.AuthenticationFailed, failed.Failure);
    }

    [Fact]
    public async Task Idle_returns_when_mail_arrives_and_times_out_quietly_when_none_does()
    {
        var folder = "Idle-" + Guid.NewGuid().ToString("N")[..8];
        await dovecot.AppendAsync(dovecot.Bob, folder, Message("Before"), Ct);
        var (session, _) = await Source().OpenAsync(Endpoint, new ImapCredentials(dovecot.Bob.Login, dovecot.Bob.Password), Ct);
        await using (session)
        {
            Assert.True(session!.CanWait);
            await session.OpenFolderAsync(folder, Ct);
            Assert.False(await session.WaitForNewMailAsync(TimeSpan.FromMilliseconds(300), Ct));

            var waiting = session.WaitForNewMailAsync(TimeSpan.FromMinutes(1), Ct);
            await dovecot.AppendAsync(dovecot.Bob, folder, Message("Pushed"), Ct);
            Assert.True(await waiting);
            Assert.Equal(2, (await session.ListNewAsync(0, null, Ct)).Count);
        }
    }
}

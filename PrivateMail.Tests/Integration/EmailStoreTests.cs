using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Integration;

/// <summary>Storing e-mails on a real database (each provider) and real attachment files: idempotent, time zones kept, files shared by content.</summary>
public abstract class EmailStoreTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly TestDatabase _database = new(provider);
    private AppServices? _app;
    private string _owner = "";

    private IServiceProvider Services => _app!.Services;

    private EmailStore Store => Services.GetRequiredService<EmailStore>();

    public async ValueTask InitializeAsync()
    {
        _app = await AppServices.StartAsync(_database);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@example.test", ProvenEmail = "olga@example.test", SecurityStamp = "x" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        _owner = user.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _app!.DisposeAsync();
        _database.Dispose();
    }

    private NewEmail Message(string? messageId = "<Abc-1@Firma.example>", int? mailboxId = null, params NewAttachment[] attachments) => new()
    {
        OwnerId = _owner,
        Subject = "Faktura 03/2026",
        From = EmailAddress.Parse("\"Kowalski, Jan\" <Jan@Bücher.example>"),
        To = [EmailAddress.Parse("olga@example.test")!],
        Cc = [EmailAddress.Parse("Anna <anna@firma.example>")!],
        Date = new DateTimeOffset(2026, 3, 4, 10, 15, 0, TimeSpan.FromHours(1)),
        MessageId = messageId,
        InReplyTo = "<prev@firma.example>",
        References = ["<root@firma.example>", "<prev@firma.example>"],
        MailboxId = mailboxId,
        Folder = "INBOX",
        Uid = 42,
        UidValidity = 7,
        Html = "<p>Dzień dobry</p><script>x()</script>",
        Attachments = attachments,
    };

    [Fact]
    public async Task The_same_message_is_stored_once_per_mailbox_and_again_for_another_mailbox()
    {
        var make = new RecordFactory(Services);
        var mine = await make.MailboxAsync(_owner);

        var first = await Store.StoreAsync(Message(mailboxId: mine));
        // Same Message-ID in another case and without brackets: the same message.
        var again = await Store.StoreAsync(Message("abc-1@firma.EXAMPLE", mailboxId: mine));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Id, again.Id);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Emails.CountAsync());
    }

    [Fact]
    public async Task Mail_stored_under_the_old_message_id_only_key_is_not_stored_again()
    {
        var first = await Store.StoreAsync(Message());
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            // As the previous version keyed it: the Message-ID alone.
            await db.Emails.Where(e => e.Id == first.Id).ExecuteUpdateAsync(e => e.SetProperty(x => x.DedupeKey, "mid:abc-1@firma.example"));
        }

        var again = await Store.StoreAsync(Message());

        Assert.Equal((first.Id, false, (int?)null), (again.Id, again.Created, again.ReusedMessageIdOf));
    }

    [Fact]
    public async Task Mail_without_a_message_id_is_recognised_by_its_content()
    {
        var first = await Store.StoreAsync(Message(messageId: null));
        var again = await Store.StoreAsync(Message(messageId: "   "));
        var different = await Store.StoreAsync(Message(messageId: null) with { Subject = "Another subject" });

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, different.Id);
    }

    [Fact]
    public async Task Headers_bodies_and_the_senders_time_zone_are_kept()
    {
        var stored = await Store.StoreAsync(Message());

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var email = await db.Emails.SingleAsync(e => e.Id == stored.Id);
        Assert.Equal("\"Kowalski, Jan\" <Jan@Bücher.example>", email.From);
        Assert.Equal("jan@xn--bcher-kva.example", email.FromNormalised);
        Assert.Equal("Anna <anna@firma.example>", email.Cc);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 9, 15, 0, TimeSpan.Zero), email.Date);
        Assert.Equal(TimeSpan.FromHours(1), email.OriginalDate.Offset);
        Assert.Equal(10, email.OriginalDate.Hour);
        // Stored in the lookup form the scanner matches threads with (RFC 5322 ids compare case-insensitively here).
        Assert.Equal("abc-1@firma.example", email.MessageId);
        Assert.StartsWith("mid:abc-1@firma.example#", email.DedupeKey, StringComparison.Ordinal);
        Assert.Equal("prev@firma.example", email.InReplyTo);
        Assert.Equal("root@firma.example prev@firma.example", email.References);
        Assert.Equal((42L, 7L, "INBOX"), (email.Uid!.Value, email.UidValidity!.Value, email.Folder));
        // Stored as received; sanitised when read (EmailService, StoredHtmlReadPathTests).
        Assert.Equal("<p>Dzień dobry</p><script>x()</script>", email.HtmlBody);
        // No text part: the text is derived from the HTML, for previews and ticket descriptions.
        Assert.Equal("Dzień dobry", email.TextBody);
    }

    [Fact]
    public async Task Attachments_are_files_named_by_content_and_shared_between_mails()
    {
        var pdf = Encoding.UTF8.GetBytes("%PDF-1.4 invoice");
        var first = await Store.StoreAsync(Message("a@x", attachments: [new NewAttachment("../../etc/faktura \"03\".pdf", "Application/PDF", new MemoryStream(pdf))]));
        var second = await Store.StoreAsync(Message("b@x", attachments:
        [
            new NewAttachment("copy.pdf", "application/pdf", new MemoryStream(pdf)),
            new NewAttachment("logo.png", "image/png", new MemoryStream([1, 2, 3]), "<logo@firma.example>", IsInline: true),
        ]));

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var attachments = await db.EmailAttachments.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(3, attachments.Count);
        Assert.Equal("etc_faktura 03.pdf", attachments[0].FileName);
        Assert.Equal("application/pdf", attachments[0].ContentType);
        Assert.Equal(pdf.Length, attachments[0].Size);
        Assert.Equal(attachments[0].ContentHash, attachments[1].ContentHash);
        Assert.Equal(("logo@firma.example", true), (attachments[2].ContentId, attachments[2].IsInline));
        var files = Services.GetRequiredService<AttachmentStore>();
        Assert.Equal(pdf, await File.ReadAllBytesAsync(files.PathFor(attachments[0].ContentHash)));
        Assert.StartsWith(Path.Combine(_database.Directory, "attachments"), files.PathFor(attachments[0].ContentHash));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_database.Directory, "attachments"), "*", SearchOption.AllDirectories).Length);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Linking_twice_to_the_same_record_keeps_one_link()
    {
        var stored = await Store.StoreAsync(Message());

        await Store.LinkAsync(stored.Id, [(RecordKind.Contact, "5"), (RecordKind.Ticket, "9")]);
        await Store.LinkAsync(stored.Id, [(RecordKind.Contact, "5"), (RecordKind.User, _owner)]);

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var links = await db.EmailLinks.Where(l => l.EmailId == stored.Id).Select(l => l.RecordKind + ":" + l.RecordId).ToListAsync();
        Assert.Equal(new[] { "Contact:5", "Ticket:9", "User:" + _owner }.Order(), links.Order());
    }

    [Fact]
    public async Task Many_links_at_once_are_all_written_in_statements_of_a_few_rows_each()
    {
        var stored = await Store.StoreAsync(Message());
        var records = Enumerable.Range(1, 9).Select(i => (RecordKind.Contact, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        // Nine links (two full statements and one of a single row), one of them twice, two there already.
        await Store.LinkAsync(stored.Id, [(RecordKind.Contact, "2"), (RecordKind.Contact, "7")]);
        await Store.LinkAsync(stored.Id, [.. records, (RecordKind.Contact, "3")]);

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var links = await db.EmailLinks.Where(l => l.EmailId == stored.Id).Select(l => l.RecordKind + ":" + l.RecordId).ToListAsync();
        Assert.Equal(records.Select(r => "Contact:" + r.Item2).Order(), links.Order());
    }

    private string Incoming => Path.Combine(_database.Directory, "attachments", "incoming");

    private string[] StagedFiles() => Directory.Exists(Incoming) ? Directory.GetFiles(Incoming) : [];

    private async Task<StoredEmail> StorePreparedAsync(PreparedEmail prepared)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await Store.StoreAsync(db, prepared);
    }

    private static NewAttachment Attachment(byte[] content, string name = "offer.pdf") => new(name, "application/pdf", new MemoryStream(content));

    [Fact]
    public async Task A_scan_writes_attachment_contents_ahead_and_storing_only_renames_them_into_place()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4 written ahead");
        var files = Services.GetRequiredService<AttachmentStore>();
        using var staging = Store.StageAttachments();

        // Two attachments of the same content in one mail: one file written ahead.
        var prepared = await Store.PrepareAsync(Message("<ahead@firma.example>", attachments: [Attachment(pdf), Attachment(pdf, "copy.pdf")]), TestContext.Current.CancellationToken, staging);

        var staged = Assert.Single(StagedFiles());
        Assert.Equal(pdf, await File.ReadAllBytesAsync(staged, TestContext.Current.CancellationToken));
        var hash = Assert.Single(prepared.Staged).Key;
        Assert.False(files.Exists(hash));

        var stored = await StorePreparedAsync(prepared);

        Assert.True(stored.Created);
        Assert.False(File.Exists(staged), "The staged file was not renamed into place.");
        Assert.Equal(pdf, await File.ReadAllBytesAsync(files.PathFor(hash), TestContext.Current.CancellationToken));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal([hash, hash], await db.EmailAttachments.Where(a => a.EmailId == stored.Id).Select(a => a.ContentHash).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Contents_written_ahead_for_mail_that_is_not_stored_are_deleted_when_the_scan_ends()
    {
        var files = Services.GetRequiredService<AttachmentStore>();
        var original = await Store.StoreAsync(Message("<twice@firma.example>", attachments: [Attachment([7, 7, 7])]));
        var unique = Encoding.ASCII.GetBytes("only in the skipped mail");
        string skippedHash;
        using (var staging = Store.StageAttachments())
        {
            // A message the scan then skips (never stored), and a copy of a stored one whose content file exists already.
            var skipped = await Store.PrepareAsync(Message("<skipped@firma.example>", attachments: [Attachment(unique)]), TestContext.Current.CancellationToken, staging);
            var copy = await Store.PrepareAsync(Message("<twice@firma.example>", attachments: [Attachment([7, 7, 7])]), TestContext.Current.CancellationToken, staging);
            skippedHash = Assert.Single(skipped.Staged).Key;
            Assert.Empty(copy.Staged);
            Assert.Single(StagedFiles());
            Assert.Equal(original.Id, (await StorePreparedAsync(copy)).Id);
        }

        Assert.Empty(StagedFiles());
        Assert.False(files.Exists(skippedHash));
    }

    [Fact]
    public async Task Content_written_ahead_but_gone_or_deleted_from_the_store_since_is_written_when_the_mail_is_stored()
    {
        var files = Services.GetRequiredService<AttachmentStore>();
        var shared = Encoding.ASCII.GetBytes("a logo every mail has");
        var unique = Encoding.ASCII.GetBytes("a contract");
        await Store.StoreAsync(Message("<first@firma.example>", attachments: [Attachment(shared, "logo.png")]));
        using var staging = Store.StageAttachments();
        var prepared = await Store.PrepareAsync(Message("<second@firma.example>", attachments: [Attachment(shared, "logo.png"), Attachment(unique)]), TestContext.Current.CancellationToken, staging);
        var (uniqueHash, staged) = Assert.Single(prepared.Staged);

        // Between the prepare and the store: the staged file vanished, and the logo's file was deleted (as deleting the
        // last mail using it withdraws it).
        File.Delete(staged);
        var sharedHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(shared));
        AttachmentStore.Discard(files.Withdraw(sharedHash) ?? throw new InvalidOperationException("The logo had no file."));

        var stored = await StorePreparedAsync(prepared);

        Assert.True(stored.Created);
        Assert.Equal(unique, await File.ReadAllBytesAsync(files.PathFor(uniqueHash), TestContext.Current.CancellationToken));
        Assert.Equal(shared, await File.ReadAllBytesAsync(files.PathFor(sharedHash), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Files_a_crashed_scan_left_in_incoming_are_swept_at_start_up_once_an_hour_old()
    {
        var files = Services.GetRequiredService<AttachmentStore>();
        Directory.CreateDirectory(Incoming);
        var old = Path.Combine(Incoming, "left-by-a-crash");
        var young = Path.Combine(Incoming, "another-node-is-using-it");
        File.WriteAllBytes(old, [1]);
        File.WriteAllBytes(young, [2]);
        var now = DateTimeOffset.UtcNow;
        File.SetLastWriteTimeUtc(old, now.AddHours(-2).UtcDateTime);
        File.SetLastWriteTimeUtc(young, now.AddMinutes(-10).UtcDateTime);

        Assert.Equal(1, files.SweepIncoming(TimeSpan.FromHours(1), now));

        Assert.Equal([young], StagedFiles());
    }
}

/// <summary><see cref="EmailStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteEmailStoreTests() : EmailStoreTests(DatabaseProvider.Sqlite);

/// <summary><see cref="EmailStoreTests"/> on PostgreSQL.</summary>
public sealed class PostgreSqlEmailStoreTests() : EmailStoreTests(DatabaseProvider.PostgreSql);

using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Data;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Scanner.Stages;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// A ticket's description on a real database (each engine): stored compressed like an e-mail's bodies, read back as text
/// by the ticket service (its page and form), edited there; a ticket the scanner creates stores the bytes the parse stage
/// made for the e-mail's text instead of compressing them again on the writer; and descriptions stored as text before the
/// <c>CompressedTicketDescriptions</c> migration still read.
/// </summary>
public abstract class CompressedTicketDescriptionsTests : RecordsTestContext
{
    private const string Inbox = "INBOX";
    private const string PolishShort = "Drukarka „Łódź” nie działa — zażółć gęślą jaźń.";

    private readonly InMemoryMailSource _source = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TicketService Tickets => Services.GetRequiredService<TicketService>();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IMailSource>(_source);

    private static string LongPolish(int chars) => PolishShort + "\n\n" + CompressedTextTests.Prose(chars);

    [Fact]
    public async Task A_long_description_is_stored_compressed_and_reads_back_on_the_page_and_in_the_form()
    {
        var text = LongPolish(12_000);

        var id = await CreateThroughServiceAsync("Printer", text);

        var raw = await RawDescriptionAsync(id);
        Assert.Equal(CompressedText.BrotliMarker, raw[0]);
        Assert.True(raw.Length < Encoding.UTF8.GetByteCount(text) / 2, $"{raw.Length} bytes stored for {Encoding.UTF8.GetByteCount(text)}");
        Assert.Equal(text, (await Tickets.GetAsync(id))!.Description);
        Assert.Equal(text, (await Tickets.GetForEditAsync(id))!.Description);
        await using var db = await DbAsync();
        Assert.Equal(text, (await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == id, Ct)).Description);
    }

    [Fact]
    public async Task A_short_description_stays_plain_utf8_and_an_empty_one_empty()
    {
        var id = await CreateThroughServiceAsync("Printer", PolishShort);
        var empty = await CreateThroughServiceAsync("Toner", "");

        Assert.Equal(Encoding.UTF8.GetBytes(PolishShort), await RawDescriptionAsync(id));
        Assert.Empty(await RawDescriptionAsync(empty));
        Assert.Equal(PolishShort, (await Tickets.GetAsync(id))!.Description);
        Assert.Equal("", (await Tickets.GetAsync(empty))!.Description);
    }

    [Fact]
    public async Task Editing_a_description_in_the_ticket_service_stores_the_new_text_and_editing_the_title_keeps_it()
    {
        var id = await CreateThroughServiceAsync("Printer", PolishShort);
        var longer = LongPolish(9_000);

        var edit = (await Tickets.GetForEditAsync(id))!;
        edit.Description = longer;
        Assert.True((await Tickets.SaveAsync(id, edit)).Succeeded);

        Assert.Equal(longer, (await Tickets.GetAsync(id))!.Description);
        Assert.Equal(CompressedText.BrotliMarker, (await RawDescriptionAsync(id))[0]);

        var retitle = (await Tickets.GetForEditAsync(id))!;
        retitle.Title = "Printer on the second floor";
        Assert.True((await Tickets.SaveAsync(id, retitle)).Succeeded);
        var read = (await Tickets.GetAsync(id))!;
        Assert.Equal(("Printer on the second floor", longer), (read.Title, read.Description));

        var shorter = (await Tickets.GetForEditAsync(id))!;
        shorter.Description = "Fixed.";
        Assert.True((await Tickets.SaveAsync(id, shorter)).Succeeded);
        Assert.Equal("Fixed."u8.ToArray(), await RawDescriptionAsync(id));
    }

    [Fact]
    public async Task A_ticket_the_scanner_creates_has_the_mails_text_and_stores_the_e_mails_text_bytes()
    {
        var mailboxId = await MailboxAsync();
        var text = LongPolish(6_000) + "\n";
        _source.Append(Inbox, Message("Printer broken", new TextPart("plain") { Text = text }));

        await ScanAsync(mailboxId);

        await using var db = await DbAsync();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(Ct);
        var email = await db.Emails.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(text, ticket.Description);
        Assert.Equal(email.TextBody, ticket.Description);
        var ticketBytes = await RawDescriptionAsync(ticket.Id);
        Assert.Equal(CompressedText.BrotliMarker, ticketBytes[0]);
        Assert.Equal(await RawTextBodyAsync(email.Id), ticketBytes);
    }

    [Fact]
    public async Task The_writer_binds_the_bytes_the_parse_stage_made_for_the_e_mails_text_instead_of_compressing_again()
    {
        var mailboxId = await MailboxAsync();
        var text = LongPolish(6_000) + "\n";
        var (write, decide, parse) = await StagesAsync(mailboxId);
        var item = await parse.ParseAsync(1, Raw(Message("Printer broken", new TextPart("plain") { Text = text })), null, null, Ct);
        // The same text stored another valid way (plain UTF-8, which reads back as it is): were the writer to compress
        // the description itself, the ticket's bytes would start with the Brotli marker instead.
        Assert.Equal(text, item.Email!.TextBody);
        var plain = Encoding.UTF8.GetBytes(text);
        item = item with { Email = item.Email! with { StoredTextBody = plain } };

        await ApplyAsync(write, decide, item);

        await using var db = await DbAsync();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(plain, await RawDescriptionAsync(ticket.Id));
        Assert.Equal(text, ticket.Description);
    }

    [Fact]
    public async Task A_mail_whose_text_part_is_empty_gets_its_html_as_text_for_description_compressed_on_the_writer()
    {
        var mailboxId = await MailboxAsync();
        var paragraphs = CompressedTextTests.Prose(4_000).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var html = "<html><body>" + string.Concat(paragraphs.Select(p => $"<p>{p}</p>")) + "</body></html>";
        var alternative = new MultipartAlternative { new TextPart("plain") { Text = "" }, new TextPart("html") { Text = html } };
        _source.Append(Inbox, Message("Only HTML", alternative));

        await ScanAsync(mailboxId);

        await using var db = await DbAsync();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(Ct);
        // The e-mail keeps its empty text part (and shows its HTML); the ticket has the HTML's text, as before.
        Assert.Equal("", (await db.Emails.AsNoTracking().SingleAsync(Ct)).TextBody);
        Assert.Equal(MimeSnapshotMapper.HtmlToText(html), ticket.Description);
        Assert.StartsWith(paragraphs[0].Trim(), ticket.Description, StringComparison.Ordinal);
        Assert.True(ticket.Description.Length > 3_000, $"{ticket.Description.Length} characters");
        Assert.Equal(CompressedText.BrotliMarker, (await RawDescriptionAsync(ticket.Id))[0]);
    }

    [Fact]
    public async Task With_create_e_mail_off_a_scanned_ticket_still_gets_the_mails_text_compressed()
    {
        var mailboxId = await MailboxAsync(ScannerActions.CreateTicket);
        var text = LongPolish(3_000) + "\n";
        _source.Append(Inbox, Message("Printer broken", new TextPart("plain") { Text = text }));

        await ScanAsync(mailboxId);

        await using var db = await DbAsync();
        Assert.Equal(0, await db.Emails.CountAsync(Ct));
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(text, ticket.Description);
        Assert.Equal(CompressedText.BrotliMarker, (await RawDescriptionAsync(ticket.Id))[0]);
    }

    [Fact]
    public void A_new_tickets_stored_description_follows_its_text_and_is_reused_only_for_the_same_text()
    {
        var text = LongPolish(2_000);
        var ready = CompressedText.Encode(text);
        var ticket = new NewTicket("Printer", text, 1, TicketPriority.Normal, null, null, "owner");

        Assert.Same(ready, ticket.ReusingStoredText(text, ready).StoredDescription);
        Assert.NotSame(ready, ticket.ReusingStoredText(text + ".", ready).StoredDescription);
        Assert.Equal(ready, ticket.StoredDescription);
        // A changed description never keeps the bytes of the old one.
        var changed = ticket.ReusingStoredText(text, ready) with { Description = "Other" };
        Assert.Equal("Other"u8.ToArray(), changed.StoredDescription);
    }

    [Fact]
    public async Task Descriptions_stored_as_text_before_the_migration_read_back_unchanged_after_it()
    {
        var old = new[] { (1, PolishShort), (2, LongPolish(20_000)), (3, "") };
        await using var legacy = await LegacyRowsDatabase.BeforeAsync(Provider, "CompressedTicketDescriptions", Ct);
        foreach (var (id, text) in old)
        {
            await legacy.ExecuteAsync("""
                INSERT INTO "Tickets" ("Id", "Sequence", "Number", "Title", "Description", "StatusId", "Priority", "OwnerId", "CreatedAt", "ModifiedAt", "SearchText")
                VALUES (@id, @id, @number, 'Old', @text, 1, 'Normal', 'someone', @date, @date, '')
                """, ("@id", id), ("@number", $"T{id}"), ("@text", text), ("@date", legacy.Moment(DateTimeOffset.UnixEpoch)));
        }

        if (Provider == DatabaseProvider.Sqlite)
        {
            // What is stored really is text, or this test would prove nothing.
            Assert.Equal("text", await legacy.ScalarAsync("""SELECT typeof("Description") FROM "Tickets" WHERE "Id" = 2"""));
        }

        await legacy.MigrateAsync(Ct);

        var db = legacy.Db;
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(Provider == DatabaseProvider.PostgreSql ? "bytea" : "BLOB", await legacy.ColumnTypeAsync("Tickets", "Description"));
        var read = await db.Tickets.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.Description }).ToListAsync(Ct);
        Assert.Equal(old, read.Select(r => (r.Id, r.Description)));
        Assert.Equal(old[1].Item2, (await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == 2, Ct)).Description);
    }

    private async Task<int> CreateThroughServiceAsync(string title, string description)
    {
        var model = await Tickets.NewAsync();
        model.Title = title;
        model.Description = description;
        var saved = await Tickets.SaveAsync(null, model);
        Assert.True(saved.Succeeded);
        return saved.Id!.Value;
    }

    private async Task<int> MailboxAsync(ScannerActions actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket)
    {
        await using var db = await DbAsync();
        var server = new MailServer { Name = "Memory", ImapHost = "memory.invalid", ImapPort = 143, ImapSecurity = MailSecurity.None };
        db.MailServers.Add(server);
        await db.SaveChangesAsync(Ct);
        var mailbox = new Mailbox
        {
            OwnerId = Olga, Name = "Olga", MailServerId = server.Id, Login = "olga",
            PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect("secret"),
            Folders = [Inbox],
            Actions = actions,
            SearchFields = [.. SearchFields.DefaultKeys],
        };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync(Ct);
        return mailbox.Id;
    }

    private static MimeMessage Message(string subject, MimeEntity body)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@mail.example", Date = DateTimeOffset.UtcNow, Body = body };
        message.From.Add(new MailboxAddress("Anna", "anna@somewhere.example"));
        message.To.Add(new MailboxAddress("Olga", "olga@example.test"));
        return message;
    }

    private static byte[] Raw(MimeMessage message)
    {
        using var raw = new MemoryStream();
        message.WriteTo(raw);
        return raw.ToArray();
    }

    private async Task ScanAsync(int mailboxId)
    {
        var run = await Services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, Ct) ?? throw new InvalidOperationException("The scan did not run.");
        Assert.True(run.Status == ScanRunStatus.Done, $"The scan ended {run.Status}: {ScanNotes.Display(run.FirstError)}");
    }

    /// <summary>The stages a scan of the mailbox's inbox runs, for applying one parsed message by hand.</summary>
    private async Task<(WriteStage Write, DecideStage Decide, ParseStage Parse)> StagesAsync(int mailboxId)
    {
        Mailbox mailbox;
        await using (var db = await DbAsync())
        {
            mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == mailboxId, Ct);
        }

        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var tickets = Services.GetRequiredService<TicketStore>();
        var emails = Services.GetRequiredService<EmailStore>();
        var decide = await DecideStage.LoadAsync(factory, tickets, mailbox, Ct);
        var parse = new ParseStage(emails, mailbox, Inbox, 1, Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScannerOptions>>().Value, TimeProvider.System);
        var write = new WriteStage(factory, emails, tickets, TimeProvider.System, mailbox, decide, DataDirectory,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return (write, decide, parse);
    }

    private async Task ApplyAsync(WriteStage write, DecideStage decide, ParsedMail item)
    {
        await using var context = await DbAsync();
        var lookup = await decide.LookupAsync(context, [item], Ct);
        await using var transaction = await context.Database.BeginTransactionAsync(Ct);
        var outcome = await write.ApplyInSavepointAsync(context, transaction, new WriteTarget(Inbox, 1, 0, 0), item, lookup);
        await transaction.CommitAsync(Ct);
        Assert.Equal(ScanOutcomeKind.Stored, outcome.Kind);
        Assert.True(outcome.TicketCreated);
    }

    private Task<byte[]> RawDescriptionAsync(int ticketId) => RawBytesAsync("""SELECT "Description" FROM "Tickets" WHERE "Id" = @id""", ticketId);

    private Task<byte[]> RawTextBodyAsync(int emailId) => RawBytesAsync("""SELECT "TextBody" FROM "Emails" WHERE "Id" = @id""", emailId);

    private async Task<byte[]> RawBytesAsync(string sql, int id)
    {
        await using var db = await DbAsync();
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.AddWithValue("@id", id);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return reader.GetFieldValue<byte[]>(0);
    }
}

/// <summary><see cref="CompressedTicketDescriptionsTests"/> on a SQLite file.</summary>
public sealed class SqliteCompressedTicketDescriptionsTests : CompressedTicketDescriptionsTests;

/// <summary><see cref="CompressedTicketDescriptionsTests"/> on PostgreSQL.</summary>
public sealed class PostgreSqlCompressedTicketDescriptionsTests : CompressedTicketDescriptionsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}

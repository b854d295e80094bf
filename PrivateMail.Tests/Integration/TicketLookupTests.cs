using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// The writer's half of the scanner's batch lookup (<see cref="BatchRecordLookup.LoadTicketsAsync"/>) on a real database
/// (each provider): tickets named in subjects, tickets of the thread's e-mails, tickets created from the batch's messages.
/// </summary>
public abstract class TicketLookupTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly IReadOnlySet<string> Closing = new HashSet<string>(StringComparer.Ordinal) { TicketStatuses.Closed };
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(1));

    private readonly TestDatabase _database = new(provider);
    private AppServices _app = null!;
    private RecordFactory _records = null!;
    private string _olga = "";
    private string _piotr = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await AppServices.StartAsync(_database);
        _records = new RecordFactory(_app.Services);
        await using var db = await DbAsync();
        var olga = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@firma.example", SecurityStamp = "x" };
        var piotr = new ApplicationUser { UserName = "piotr", NormalizedUserName = "PIOTR", Email = "piotr@firma.example", SecurityStamp = "x" };
        db.Users.AddRange(olga, piotr);
        await db.SaveChangesAsync(Ct);
        (_olga, _piotr) = (olga.Id, piotr.Id);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private Task<AppDbContext> DbAsync() => _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private async Task<BatchRecordLookup> LoadAsync(string ownerId, int? sourceMailboxId, params MessageSnapshot[] messages)
    {
        await using var db = await DbAsync();
        return await BatchRecordLookup.LoadAsync(db, messages, Closing, ownerId, sourceMailboxId, Ct);
    }

    private static MessageSnapshot Reply(string subject = "Re: hello", params string[] references) => new()
    {
        From = EmailAddress.Parse("jan@customer.example"),
        Subject = subject,
        MessageId = $"<{Guid.NewGuid():N}@customer.example>",
        References = references,
    };

    /// <summary>An e-mail of <paramref name="ownerId"/> with this Message-ID and date, linked to these records.</summary>
    private async Task<int> EmailAsync(string ownerId, string messageId, DateTimeOffset date, params (RecordKind Kind, string Id)[] links)
    {
        var id = await _records.EmailAsync(ownerId, "Hello", date: date);
        await using (var db = await DbAsync())
        {
            await db.Emails.Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.MessageId, messageId), Ct);
        }

        foreach (var (kind, recordId) in links)
        {
            await _records.LinkAsync(id, kind, recordId);
        }

        return id;
    }

    private async Task<CreatedTicket> TicketFromSourceAsync(string ownerId, int mailboxId, string key)
    {
        await using var db = await DbAsync();
        var status = await db.TicketStatuses.Where(s => s.Name == TicketStatuses.Open).Select(s => s.Id).SingleAsync(Ct);
        return await _app.Services.GetRequiredService<TicketStore>().CreateAsync(
            new NewTicket("From mail", "", status, TicketPriority.Normal, null, null, ownerId) { Source = (mailboxId, key) }, Ct);
    }

    private async Task MakeAdministratorAsync(string userId)
    {
        await using var db = await DbAsync();
        var role = await db.Roles.Where(r => r.Name == PrivateMail.Web.Features.Security.Roles.Administrator).Select(r => r.Id).SingleAsync(Ct);
        db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = userId, RoleId = role });
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task Tickets_named_in_subjects_are_found_with_their_status_and_only_the_owners()
    {
        var olgas = await _records.TicketAsync(_olga, "Printer");
        var olgasClosed = await _records.TicketAsync(_olga, "Scanner", TicketStatuses.Closed);
        var piotrs = await _records.TicketAsync(_piotr, "Fax");

        var lookup = await LoadAsync(_olga, null, Reply($"Re: [{olgas.Number}] Printer"), Reply($"{olgasClosed.Number} and [{piotrs.Number}]"));

        Assert.Equal(new TicketRef($"{olgas.Id}", olgas.Number, TicketStatuses.Open, false), lookup.FindTicket(olgas.Number));
        Assert.Equal(new TicketRef($"{olgasClosed.Id}", olgasClosed.Number, TicketStatuses.Closed, true), lookup.FindTicket(olgasClosed.Number));
        Assert.Null(lookup.FindTicket(piotrs.Number));
    }

    [Fact]
    public async Task An_administrator_finds_every_owners_tickets_by_number_and_thread()
    {
        var piotrs = await _records.TicketAsync(_piotr, "Fax");
        var threaded = await _records.TicketAsync(_piotr, "Modem");
        await EmailAsync(_piotr, "thread@firma.example", Monday, (RecordKind.Ticket, $"{threaded.Id}"));

        var before = await LoadAsync(_olga, null, Reply($"[{piotrs.Number}]", "thread@firma.example"));
        await MakeAdministratorAsync(_olga);
        var after = await LoadAsync(_olga, null, Reply($"[{piotrs.Number}]", "thread@firma.example"));

        Assert.Null(before.FindTicket(piotrs.Number));
        Assert.Null(before.FindTicketByThread(["thread@firma.example"]));
        Assert.Equal($"{piotrs.Id}", after.FindTicket(piotrs.Number)?.Id);
        Assert.Equal($"{threaded.Id}", after.FindTicketByThread(["thread@firma.example"])?.Id);
    }

    [Fact]
    public async Task A_number_of_another_prefix_is_not_a_ticket()
    {
        var first = await _records.TicketAsync(_olga, "First");
        var second = await _records.TicketAsync(_olga, "Second");

        var lookup = await LoadAsync(_olga, null, Reply($"Re: [X{first.Number.Sequence}] and [{second.Number}]"));

        Assert.Equal("T", first.Number.Prefix);
        Assert.Null(lookup.FindTicket(new RecordNumber("X", first.Number.Sequence)));
        Assert.Null(lookup.FindTicket(first.Number));
        Assert.Equal($"{second.Id}", lookup.FindTicket(second.Number)?.Id);
        Assert.Equal($"{second.Id}", lookup.FindTicket(new RecordNumber("t", second.Number.Sequence))?.Id);
    }

    [Fact]
    public async Task A_thread_finds_the_ticket_its_emails_are_linked_to_with_its_status()
    {
        var ticket = await _records.TicketAsync(_olga, "Printer", TicketStatuses.Closed);
        await EmailAsync(_olga, "first@firma.example", Monday, (RecordKind.Ticket, $"{ticket.Id}"));

        var lookup = await LoadAsync(_olga, null, Reply("Re: printer", "root@firma.example", "first@firma.example"));

        Assert.Equal(new TicketRef($"{ticket.Id}", ticket.Number, TicketStatuses.Closed, true), lookup.FindTicketByThread(["root@firma.example", "first@firma.example"]));
    }

    [Fact]
    public async Task Two_links_of_one_message_id_to_different_tickets_the_later_emails_wins()
    {
        var older = await _records.TicketAsync(_olga, "Older");
        var newer = await _records.TicketAsync(_olga, "Newer");
        // Stored in the other order than their dates, and the later e-mail names the lower ticket id: neither the e-mails'
        // nor the tickets' ids order them.
        await EmailAsync(_olga, "same@firma.example", Monday.AddDays(1), (RecordKind.Ticket, $"{older.Id}"));
        await EmailAsync(_olga, "same@firma.example", Monday, (RecordKind.Ticket, $"{newer.Id}"));

        var lookup = await LoadAsync(_olga, null, Reply("Re: hello", "same@firma.example"));

        Assert.Equal($"{older.Id}", lookup.FindTicketByThread(["same@firma.example"])?.Id);
    }

    [Fact]
    public async Task Only_ticket_links_whose_record_id_is_a_visible_tickets_id_count()
    {
        var olgas = await _records.TicketAsync(_olga, "Printer");
        var piotrs = await _records.TicketAsync(_piotr, "Fax");
        await EmailAsync(_olga, "words@firma.example", Monday, (RecordKind.Ticket, "not-a-number"));
        await EmailAsync(_olga, "padded@firma.example", Monday, (RecordKind.Ticket, $"0{olgas.Id}"));
        await EmailAsync(_olga, "contact@firma.example", Monday, (RecordKind.Contact, $"{olgas.Id}"));
        await EmailAsync(_olga, "others@firma.example", Monday, (RecordKind.Ticket, $"{piotrs.Id}"));
        // A later e-mail linked to a ticket the owner may not see does not hide the earlier one's.
        await EmailAsync(_olga, "mixed@firma.example", Monday, (RecordKind.Ticket, $"{olgas.Id}"));
        await EmailAsync(_olga, "mixed@firma.example", Monday.AddHours(1), (RecordKind.Ticket, $"{piotrs.Id}"), (RecordKind.Ticket, "x"));

        string[] threads = ["words@firma.example", "padded@firma.example", "contact@firma.example", "others@firma.example", "mixed@firma.example"];
        var lookup = await LoadAsync(_olga, null, Reply("Re: hello", threads));

        Assert.Null(lookup.FindTicketByThread(["words@firma.example"]));
        Assert.Null(lookup.FindTicketByThread(["padded@firma.example"]));
        Assert.Null(lookup.FindTicketByThread(["contact@firma.example"]));
        Assert.Null(lookup.FindTicketByThread(["others@firma.example"]));
        Assert.Equal($"{olgas.Id}", lookup.FindTicketByThread(["mixed@firma.example"])?.Id);
    }

    [Fact]
    public async Task Tickets_created_from_the_batchs_messages_are_found_by_mailbox_and_key()
    {
        var mailbox = await _records.MailboxAsync(_olga);
        var other = await _records.MailboxAsync(_piotr);
        var first = Reply("First");
        var second = Reply("Second");
        var fromFirst = await TicketFromSourceAsync(_olga, mailbox, MessageIdentity.DedupKey(first));
        await TicketFromSourceAsync(_olga, other, MessageIdentity.DedupKey(second));

        var lookup = await LoadAsync(_olga, mailbox, first, second);
        var withoutSources = await LoadAsync(_olga, null, first);

        Assert.True(lookup.TryFindTicketFromSource(mailbox, MessageIdentity.DedupKey(first), out var found));
        Assert.Equal(fromFirst.Id, found);
        Assert.True(lookup.TryFindTicketFromSource(mailbox, MessageIdentity.DedupKey(second), out var notFound));
        Assert.Null(notFound);
        Assert.False(lookup.TryFindTicketFromSource(other, MessageIdentity.DedupKey(second), out _));
        Assert.False(withoutSources.TryFindTicketFromSource(mailbox, MessageIdentity.DedupKey(first), out _));
    }

    [Fact]
    public async Task The_writer_asks_for_one_ticket_created_from_a_message_inside_its_transaction()
    {
        var mailbox = await _records.MailboxAsync(_olga);
        var created = await TicketFromSourceAsync(_olga, mailbox, "mid:one@customer.example");

        await using var db = await DbAsync();
        Assert.Equal(created.Id, await BatchRecordLookup.FindTicketFromSourceAsync(db, mailbox, "mid:one@customer.example", Ct));
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        Assert.Equal(created.Id, await BatchRecordLookup.FindTicketFromSourceAsync(db, mailbox, "mid:one@customer.example", Ct));
        Assert.Null(await BatchRecordLookup.FindTicketFromSourceAsync(db, mailbox, "mid:two@customer.example", Ct));
        Assert.Null(await BatchRecordLookup.FindTicketFromSourceAsync(db, mailbox + 1000, "mid:one@customer.example", Ct));
    }

    [Fact]
    public async Task A_batch_without_numbers_threads_or_sources_does_not_touch_the_database()
    {
        await _records.TicketAsync(_olga, "Printer");
        var messages = new[] { Reply("Re: no number here"), Reply("Sales T1000x") };
        await using var db = await DbAsync();
        var lookup = await BatchRecordLookup.LoadRecordsAsync(db, messages, _olga, Ct);
        var opened = 0;
        db.Database.GetDbConnection().StateChange += (_, e) => opened += e.CurrentState == System.Data.ConnectionState.Open ? 1 : 0;

        await lookup.LoadTicketsAsync(db, messages, Closing, null, Ct);
        Assert.Equal(0, opened);
        await lookup.LoadTicketsAsync(db, [Reply("Re: hello", "thread@firma.example")], Closing, null, Ct);
        Assert.Equal(1, opened);
        Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);
    }
}

/// <summary>
/// SQLite's plans of the lookup's statements start from the indexes (Tickets by Sequence, Emails by Message-ID, then
/// EmailLinks and Tickets by primary key, Tickets by source): no table is walked, so a scan does not slow down as mail accumulates.
/// </summary>
public sealed class TicketLookupPlanTests
{
    [Fact]
    public async Task Every_statement_searches_by_an_index_and_scans_no_table()
    {
        var sql = TicketLookupCommands.Statements(postgreSql: false);
        await using var plans = await QueryPlans.OpenAsync(
            ("@numbers", "[1,2]"), ("@ids", "[\"a@b\",\"c@d\"]"), ("@keys", "[\"mid:a\"]"), ("@owner", "owner"), ("@mailbox", 1), ("@key", "mid:a"));

        var byNumber = await plans.ExplainAsync(sql.ByNumber);
        var byThread = await plans.ExplainAsync(sql.ByThread);
        var bySource = await plans.ExplainAsync(sql.BySource);
        var fromSource = await plans.ExplainAsync(sql.FromSource);

        Assert.Contains("SEARCH t USING INDEX IX_Tickets_Sequence (Sequence=?)", byNumber);
        Assert.Equal(
            ["SEARCH e USING INDEX IX_Emails_MessageId (MessageId=?)", "SEARCH l USING COVERING INDEX sqlite_autoindex_EmailLinks_1 (EmailId=? AND RecordKind=?)", "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"],
            byThread.Where(l => l.StartsWith("SEARCH e ", StringComparison.Ordinal) || l.StartsWith("SEARCH l ", StringComparison.Ordinal) || l.StartsWith("SEARCH t ", StringComparison.Ordinal)));
        Assert.Contains("SEARCH t USING COVERING INDEX IX_Tickets_SourceMailboxId_SourceKey (SourceMailboxId=? AND SourceKey=?)", bySource);
        Assert.Contains("SEARCH t USING COVERING INDEX IX_Tickets_SourceMailboxId_SourceKey (SourceMailboxId=? AND SourceKey=?)", fromSource);
        QueryPlans.AssertScansOnlyLists(byNumber, byThread, bySource, fromSource);
    }
}

/// <summary><see cref="TicketLookupTests"/> on a SQLite file.</summary>
public sealed class SqliteTicketLookupTests() : TicketLookupTests(DatabaseProvider.Sqlite);

/// <summary><see cref="TicketLookupTests"/> on PostgreSQL.</summary>
public sealed class PostgreSqlTicketLookupTests() : TicketLookupTests(DatabaseProvider.PostgreSql);

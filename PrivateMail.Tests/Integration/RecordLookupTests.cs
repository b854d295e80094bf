using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// The scanner's read-ahead half of the batch lookup (<see cref="BatchRecordLookup.LoadRecordsAsync"/>: contacts,
/// accounts, leads) and the stored per-sender ticket counts (<see cref="SenderTicketCounts.ReadAsync"/>) on a real
/// database (each provider), through the prepared statements of <see cref="RecordLookupCommands"/>: the owner filter,
/// second addresses, domains and their exclusion, NULL columns, moments read and compared as EF stores them — checked
/// against the EF queries these replaced.
/// </summary>
public abstract class RecordLookupTests(DatabaseProvider provider) : IAsyncLifetime
{
    // Monday 09:00 at +01:00, with ticks below a microsecond (PostgreSQL keeps microseconds, SQLite every tick).
    private static readonly DateTimeOffset Monday = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_560);

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
        // The company's own domain: never an account's domain to bind by.
        db.BindingRuleSettings.Add(new BindingRuleSettings { FreeMailDomains = ["gmail.com"], OurDomains = ["firma.example"] });
        await db.SaveChangesAsync(Ct);
        (_olga, _piotr) = (olga.Id, piotr.Id);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private Task<AppDbContext> DbAsync() => _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private static MessageSnapshot Mail(string from, params string[] to) => new()
    {
        From = EmailAddress.Parse(from),
        To = to.Select(a => EmailAddress.Parse(a)!).ToList(),
        Subject = "Hello",
    };

    private async Task<BatchRecordLookup> LoadAsync(string ownerId, params MessageSnapshot[] messages)
    {
        await using var db = await DbAsync();
        return await BatchRecordLookup.LoadRecordsAsync(db, messages, ownerId, Ct);
    }

    private async Task MakeAdministratorAsync(string userId)
    {
        await using var db = await DbAsync();
        var role = await db.Roles.Where(r => r.Name == PrivateMail.Web.Features.Security.Roles.Administrator).Select(r => r.Id).SingleAsync(Ct);
        db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = userId, RoleId = role });
        await db.SaveChangesAsync(Ct);
    }

    private async Task ModifiedAsync<T>(int id, DateTimeOffset modified)
        where T : OwnedRecord
    {
        await using var db = await DbAsync();
        await db.Set<T>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ModifiedAt, modified), Ct);
    }

    /// <summary>A ticket of <paramref name="ownerId"/> created from <paramref name="sender"/> at <paramref name="createdAt"/>.</summary>
    private async Task TicketFromAsync(string ownerId, string? sender, DateTimeOffset createdAt)
    {
        var ticket = await _records.TicketAsync(ownerId, "From mail");
        await using var db = await DbAsync();
        await db.Tickets.Where(t => t.Id == ticket.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SourceSender, sender).SetProperty(t => t.CreatedAt, createdAt), Ct);
    }

    private static IEnumerable<string> Ids(IEnumerable<RecordRef> records) => records.Select(r => r.Id);

    [Fact]
    public async Task Another_owners_contact_with_the_same_address_is_found_only_by_an_administrators_mailbox()
    {
        var olgas = await _records.ContactAsync(_olga, "Jan", "Kowalski", "jan@customer.example");
        var piotrs = await _records.ContactAsync(_piotr, "Jan", "Nowak", "jan@customer.example");

        var before = await LoadAsync(_olga, Mail("jan@customer.example", "olga@firma.example"));
        await MakeAdministratorAsync(_olga);
        var after = await LoadAsync(_olga, Mail("jan@customer.example", "olga@firma.example"));

        Assert.Equal([$"{olgas}"], before.FindContacts("jan@customer.example").Select(c => c.Record.Id));
        Assert.Equal([$"{olgas}", $"{piotrs}"], after.FindContacts("jan@customer.example").Select(c => c.Record.Id));
        Assert.Equal([$"{olgas}", $"{piotrs}"], Ids(after.FindByEmail(SearchFields.ContactEmail, ["jan@customer.example"])));
    }

    [Fact]
    public async Task A_contact_is_found_by_its_second_address_with_its_name_account_and_modified_time()
    {
        var account = await _records.AccountAsync(_olga, "Customer", website: "customer.example");
        var anna = await _records.ContactAsync(_olga, "Anna", "Nowak", "anna@home.example", account, secondaryEmail: "anna@customer.example");
        await ModifiedAsync<Contact>(anna, Monday);

        var lookup = await LoadAsync(_olga, Mail("anna@customer.example", "olga@firma.example"));

        var found = Assert.Single(lookup.FindContacts("anna@customer.example"));
        Assert.Equal(new ContactRef(new RecordRef(RecordKind.Contact, $"{anna}", "Anna Nowak", anna) { Modified = await ModifiedTicksAsync<Contact>(anna) }, $"{account}"), found);
        Assert.Equal([$"{anna}"], Ids(lookup.FindByEmail(SearchFields.ContactSecondaryEmail, ["anna@customer.example"])));
        Assert.Empty(lookup.FindByEmail(SearchFields.ContactEmail, ["anna@customer.example"]));
    }

    [Fact]
    public async Task Modified_is_the_utc_ticks_ef_reads_whatever_the_offset_it_was_written_with()
    {
        var contact = await _records.ContactAsync(_olga, "Anna", "Nowak", "anna@customer.example");
        var account = await _records.AccountAsync(_olga, "Customer", "office@customer.example");
        var lead = await _records.LeadAsync(_olga, "Prospect", "buyer@prospect.example");
        await ModifiedAsync<Contact>(contact, Monday);
        await ModifiedAsync<Account>(account, Monday.ToOffset(TimeSpan.FromHours(-5)).AddDays(-3));
        await ModifiedAsync<Lead>(lead, Monday.ToUniversalTime().AddYears(-1));

        var lookup = await LoadAsync(_olga, Mail("anna@customer.example", "office@customer.example", "buyer@prospect.example"));

        var contactTicks = await ModifiedTicksAsync<Contact>(contact);
        Assert.Equal(Monday.UtcTicks / 10, contactTicks / 10);
        Assert.Equal(contactTicks, lookup.FindByEmail(SearchFields.ContactEmail, ["anna@customer.example"]).Single().Modified);
        Assert.Equal(await ModifiedTicksAsync<Account>(account), lookup.FindByEmail(SearchFields.AccountEmail, ["office@customer.example"]).Single().Modified);
        Assert.Equal(await ModifiedTicksAsync<Lead>(lead), lookup.FindByEmail(SearchFields.LeadEmail, ["buyer@prospect.example"]).Single().Modified);
    }

    private async Task<long> ModifiedTicksAsync<T>(int id)
        where T : OwnedRecord
    {
        await using var db = await DbAsync();
        return (await db.Set<T>().Where(r => r.Id == id).Select(r => r.ModifiedAt).SingleAsync(Ct)).UtcTicks;
    }

    [Fact]
    public async Task Accounts_match_by_address_or_by_a_domain_the_rules_do_not_exclude()
    {
        var customer = await _records.AccountAsync(_olga, "Customer", website: "customer.example");
        var gmailUser = await _records.AccountAsync(_olga, "Gmail user", email: "boss@gmail.com", website: "gmail.com");
        var us = await _records.AccountAsync(_olga, "Us", email: "office@firma.example", website: "firma.example");
        await _records.AccountAsync(_piotr, "Piotr's customer", website: "customer.example");

        var lookup = await LoadAsync(_olga, Mail("boss@gmail.com", "olga@firma.example", "jan@customer.example", "office@firma.example"));

        Assert.Equal([$"{customer}"], Ids(lookup.FindByDomain(SearchFields.AccountDomain, ["customer.example", "gmail.com", "firma.example"])));
        Assert.Equal([$"{gmailUser}", $"{us}"], Ids(lookup.FindByEmail(SearchFields.AccountEmail, ["boss@gmail.com", "office@firma.example", "jan@customer.example"])));
    }

    [Fact]
    public async Task A_lead_is_found_by_its_address_and_only_the_owners()
    {
        var olgas = await _records.LeadAsync(_olga, "Prospect", "buyer@prospect.example");
        await _records.LeadAsync(_piotr, "Piotr's prospect", "buyer@prospect.example");

        var lookup = await LoadAsync(_olga, Mail("buyer@prospect.example", "olga@firma.example"));

        Assert.Equal([new RecordRef(RecordKind.Lead, $"{olgas}", "Prospect", olgas) { Modified = await ModifiedTicksAsync<Lead>(olgas) }],
            lookup.FindByEmail(SearchFields.LeadEmail, ["buyer@prospect.example"]));
    }

    [Fact]
    public async Task A_batch_whose_addresses_match_nothing_finds_nothing()
    {
        await _records.ContactAsync(_olga, "Jan", "Kowalski", "jan@customer.example");
        await _records.AccountAsync(_olga, "Customer", "office@customer.example", "customer.example");
        await _records.LeadAsync(_olga, "Prospect", "buyer@prospect.example");

        string[] addresses = ["nobody@nowhere.example", "JAN@customer.example.org", "x@elsewhere.example"];
        var lookup = await LoadAsync(_olga, Mail(addresses[0], addresses[1..]));

        foreach (var field in new[] { SearchFields.ContactEmail, SearchFields.ContactSecondaryEmail, SearchFields.AccountEmail, SearchFields.LeadEmail })
        {
            Assert.Empty(lookup.FindByEmail(field, addresses));
        }

        Assert.Empty(lookup.FindByDomain(SearchFields.AccountDomain, ["nowhere.example", "customer.example.org", "elsewhere.example"]));
        Assert.Empty(lookup.FindContacts("nobody@nowhere.example"));
    }

    /// <summary>
    /// The statements load what the EF queries they replaced loaded, on a mix of owners, NULL addresses and domains,
    /// addresses stored in another case, second addresses, excluded domains and times written at other offsets.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_record_loaded_is_the_one_the_ef_queries_loaded_with_the_same_name_order_and_modified_time(bool administrator)
    {
        var account = await _records.AccountAsync(_olga, "Customer", "office@customer.example", "customer.example");
        await _records.ContactAsync(_olga, "Jan", "Kowalski", "jan@customer.example", account);
        await _records.ContactAsync(_olga, "Only", "Second", null, secondaryEmail: "jan@customer.example");
        await _records.ContactAsync(_olga, "No", "Address");
        await _records.ContactAsync(_piotr, "Jan", "Other", "jan@customer.example", secondaryEmail: "anna@customer.example");
        var upper = await _records.ContactAsync(_olga, "Upper", "Case", "ewa@customer.example");
        await _records.AccountAsync(_olga, "No site");
        await _records.AccountAsync(_olga, "Us", website: "firma.example");
        await _records.AccountAsync(_piotr, "Gmail", "boss@gmail.com", "gmail.com");
        await _records.AccountAsync(_piotr, "Customer too", website: "customer.example");
        await _records.LeadAsync(_olga, "No mail");
        await _records.LeadAsync(_olga, "Prospect", "buyer@prospect.example");
        await _records.LeadAsync(_piotr, "Prospect too", "buyer@prospect.example");
        await using (var db = await DbAsync())
        {
            // An address stored in another case than the batch's normalised one: compared as stored, it does not match.
            await db.Contacts.Where(c => c.Id == upper).ExecuteUpdateAsync(s => s.SetProperty(c => c.EmailNormalised, "EWA@customer.example"), Ct);
            var i = 0;
            foreach (var id in await db.Contacts.Select(c => c.Id).ToListAsync(Ct))
            {
                await ModifiedAsync<Contact>(id, Monday.ToOffset(TimeSpan.FromHours(i % 5 - 2)).AddMinutes(-7 * i++));
            }
        }

        if (administrator)
        {
            await MakeAdministratorAsync(_olga);
        }

        var messages = new[]
        {
            Mail("jan@customer.example", "olga@firma.example", "anna@customer.example"),
            Mail("boss@gmail.com", "ewa@customer.example", "buyer@prospect.example", "office@customer.example"),
        };
        var lookup = await LoadAsync(_olga, messages);

        var addresses = messages.SelectMany(m => m.Participants).Select(a => a.Normalised).Distinct().ToList();
        var domains = messages.SelectMany(m => m.Participants).Select(a => a.Domain).Distinct().Where(d => !lookup.Rules.Excludes(d)).ToList();
        await using var ef = await DbAsync();
        var all = administrator;
        var contacts = await ef.Contacts.AsNoTracking().Where(c => all || c.OwnerId == _olga)
            .Where(c => addresses.Contains(c.EmailNormalised!) || addresses.Contains(c.SecondaryEmailNormalised!)).ToListAsync(Ct);
        var accounts = await ef.Accounts.AsNoTracking().Where(a => all || a.OwnerId == _olga)
            .Where(a => addresses.Contains(a.EmailNormalised!) || domains.Contains(a.Domain!)).ToListAsync(Ct);
        var leads = await ef.Leads.AsNoTracking().Where(l => all || l.OwnerId == _olga).Where(l => addresses.Contains(l.EmailNormalised!)).ToListAsync(Ct);

        List<RecordRef> Expected<T>(IEnumerable<T> rows, Func<T, string?> value, IReadOnlyCollection<string> values, Func<T, RecordRef> record) =>
            rows.Where(r => value(r) is { } v && values.Contains(v)).Select(record).OrderBy(r => r.Order).ToList();
        RecordRef Contact(Contact c) => new(RecordKind.Contact, $"{c.Id}", $"{c.FirstName} {c.LastName}".Trim(), c.Id) { Modified = c.ModifiedAt.UtcTicks };
        RecordRef Account(Account a) => new(RecordKind.Account, $"{a.Id}", a.Name, a.Id) { Modified = a.ModifiedAt.UtcTicks };

        Assert.Equal(Expected(contacts, c => c.EmailNormalised, addresses, Contact), lookup.FindByEmail(SearchFields.ContactEmail, addresses));
        Assert.Equal(Expected(contacts, c => c.SecondaryEmailNormalised, addresses, Contact), lookup.FindByEmail(SearchFields.ContactSecondaryEmail, addresses));
        Assert.Equal(Expected(accounts, a => a.EmailNormalised, addresses, Account), lookup.FindByEmail(SearchFields.AccountEmail, addresses));
        Assert.Equal(Expected(accounts, a => a.Domain, domains, Account), lookup.FindByDomain(SearchFields.AccountDomain, domains));
        Assert.Equal(
            Expected(leads, l => l.EmailNormalised, addresses, l => new RecordRef(RecordKind.Lead, $"{l.Id}", l.Company, l.Id) { Modified = l.ModifiedAt.UtcTicks }),
            lookup.FindByEmail(SearchFields.LeadEmail, addresses));
        // What the EF queries found is not nothing: the comparison above compares something.
        Assert.Equal(administrator ? 3 : 2, contacts.Count);
        Assert.Equal(administrator ? 3 : 1, accounts.Count);
        Assert.Equal(administrator ? 2 : 1, leads.Count);
        Assert.Empty(lookup.FindByEmail(SearchFields.ContactEmail, ["ewa@customer.example", "EWA@customer.example"]));
    }

    [Fact]
    public async Task Sender_counts_take_the_owners_tickets_from_since_on_compared_as_moments()
    {
        var since = Monday;
        await TicketFromAsync(_olga, "anna@customer.example", since);
        await TicketFromAsync(_olga, "anna@customer.example", since.AddMinutes(59));
        // One microsecond before: not counted (PostgreSQL keeps microseconds).
        await TicketFromAsync(_olga, "anna@customer.example", since.AddTicks(-10));
        // The same instant written at another offset: counted.
        await TicketFromAsync(_olga, "carl@customer.example", since.ToOffset(TimeSpan.FromHours(-7)));
        await TicketFromAsync(_piotr, "bob@customer.example", since.AddMinutes(1));
        await TicketFromAsync(_olga, null, since.AddMinutes(1));
        await _records.TicketAsync(_olga, "Typed in");

        string[] senders = ["anna@customer.example", "bob@customer.example", "carl@customer.example", "dora@customer.example", "anna@customer.example"];
        await using var db = await DbAsync();
        var counts = await new SenderTicketCounts(_olga, since).ReadAsync(db, senders, Ct);

        Assert.Equal(
            [("anna@customer.example", 2), ("bob@customer.example", 0), ("carl@customer.example", 1), ("dora@customer.example", 0)],
            counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
        // The same as the EF query this statement replaced.
        var wanted = senders.Distinct().ToList();
        var ef = await db.Tickets.AsNoTracking()
            .Where(t => t.OwnerId == _olga && t.SourceSender != null && wanted.Contains(t.SourceSender) && t.CreatedAt >= since)
            .GroupBy(t => t.SourceSender!).Select(g => new { Sender = g.Key, Count = g.Count() }).ToListAsync(Ct);
        Assert.Equal(ef.OrderBy(f => f.Sender, StringComparer.Ordinal).Select(f => (f.Sender, f.Count)), counts.Where(c => c.Value > 0).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public async Task Statements_run_on_a_connection_kept_open_leave_it_open_for_the_next_batch()
    {
        await _records.ContactAsync(_olga, "Jan", "Kowalski", "jan@customer.example");
        await TicketFromAsync(_olga, "jan@customer.example", Monday);
        await using var db = await DbAsync();
        await db.Database.OpenConnectionAsync(Ct);
        var closed = 0;
        db.Database.GetDbConnection().StateChange += (_, e) => closed += e.CurrentState == System.Data.ConnectionState.Closed ? 1 : 0;

        var first = await BatchRecordLookup.LoadRecordsAsync(db, [Mail("jan@customer.example", "olga@firma.example")], _olga, Ct);
        var second = await BatchRecordLookup.LoadRecordsAsync(db, [Mail("jan@customer.example", "x@elsewhere.example", "y@elsewhere.example")], _olga, Ct);
        var counts = new SenderTicketCounts(_olga, Monday);
        var read = await counts.ReadAsync(db, ["jan@customer.example"], Ct);

        Assert.Single(first.FindContacts("jan@customer.example"));
        Assert.Single(second.FindContacts("jan@customer.example"));
        Assert.Equal(1, read["jan@customer.example"]);
        Assert.Equal(0, closed);
        Assert.Equal(System.Data.ConnectionState.Open, db.Database.GetDbConnection().State);
    }
}

/// <summary>
/// SQLite's plans of the read-ahead's statements start from the indexes (Contacts by either address, Accounts by address
/// and by domain, Leads by address, Tickets by sender and time): no table is walked, so a batch costs the same with
/// 100 contacts as with 100,000.
/// </summary>
public sealed class RecordLookupPlanTests
{
    [Fact]
    public async Task Every_statement_searches_by_an_index_and_scans_no_table()
    {
        var sql = RecordLookupCommands.Statements(postgreSql: false);
        await using var plans = await QueryPlans.OpenAsync(
            ("@addresses", "[\"a@b.example\",\"c@d.example\"]"), ("@domains", "[\"b.example\"]"), ("@senders", "[\"a@b.example\"]"), ("@owner", "owner"), ("@since", 0L));

        var contacts = await plans.ExplainAsync(sql.Contacts);
        var accounts = await plans.ExplainAsync(sql.Accounts);
        var leads = await plans.ExplainAsync(sql.Leads);
        var senderCounts = await plans.ExplainAsync(sql.SenderCounts);

        Assert.Contains("SEARCH c USING INDEX IX_Contacts_EmailNormalised (EmailNormalised=?)", contacts);
        Assert.Contains("SEARCH c USING INDEX IX_Contacts_SecondaryEmailNormalised (SecondaryEmailNormalised=?)", contacts);
        Assert.Contains("SEARCH a USING INDEX IX_Accounts_EmailNormalised (EmailNormalised=?)", accounts);
        Assert.Contains("SEARCH a USING INDEX IX_Accounts_Domain (Domain=?)", accounts);
        Assert.Contains("SEARCH l USING INDEX IX_Leads_EmailNormalised (EmailNormalised=?)", leads);
        Assert.Contains("SEARCH t USING INDEX IX_Tickets_SourceSender_CreatedAt (SourceSender=? AND CreatedAt>?)", senderCounts);
        QueryPlans.AssertScansOnlyLists(contacts, accounts, leads, senderCounts);
    }
}

/// <summary><see cref="RecordLookupTests"/> on a SQLite file.</summary>
public sealed class SqliteRecordLookupTests() : RecordLookupTests(DatabaseProvider.Sqlite);

/// <summary><see cref="RecordLookupTests"/> on PostgreSQL.</summary>
public sealed class PostgreSqlRecordLookupTests() : RecordLookupTests(DatabaseProvider.PostgreSql);

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

/// <summary>Ticket numbers on a real database (each provider): unique under concurrent creation, never reused.</summary>
public abstract class TicketNumberingTests(DatabaseProvider provider) : IDisposable
{
    private readonly TestDatabase _database = new(provider);

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_app_instances_creating_fifty_tickets_each_at_once_get_one_hundred_consecutive_numbers(bool sharedCache)
    {
        await using var first = await AppServices.StartAsync(_database, sharedCache);
        await using var second = await AppServices.StartAsync(_database, sharedCache);
        var owner = await CreateOwnerAsync(first.Services);
        var status = await OpenStatusAsync(first.Services);

        // Each instance has its own connection pool; every create runs in its own context and transaction.
        var creates = new[] { first, second }
            .SelectMany(app => Enumerable.Range(0, 50).Select(i => Task.Run(() =>
                app.Services.GetRequiredService<TicketStore>().CreateAsync(new NewTicket($"Ticket {i}", "", status, TicketPriority.Normal, null, null, owner)))))
            .ToList();
        var created = await Task.WhenAll(creates);

        Assert.Equal(Enumerable.Range(1, 100).Select(n => (long)n), created.Select(c => c.Number.Sequence).Order());
        Assert.All(created, c => Assert.Equal("T", c.Number.Prefix));
        await using var db = await Db(first.Services).CreateDbContextAsync();
        var stored = await db.Tickets.Select(t => new { t.Id, t.Sequence, t.Number }).ToListAsync();
        Assert.Equal(100, stored.Count);
        Assert.Equal(100, stored.Select(t => t.Number).Distinct().Count());
        Assert.All(stored, t => Assert.Equal($"T{t.Sequence}", t.Number));
        Assert.Equal(created.Select(c => c.Id).Order(), stored.Select(t => t.Id).Order());
    }

    [Fact]
    public async Task A_deleted_tickets_number_is_never_given_out_again()
    {
        await using var app = await AppServices.StartAsync(_database);
        var store = app.Services.GetRequiredService<TicketStore>();
        var owner = await CreateOwnerAsync(app.Services);
        var status = await OpenStatusAsync(app.Services);
        NewTicket Ticket(string title) => new(title, "", status, TicketPriority.Normal, null, null, owner);

        await store.CreateAsync(Ticket("First"));
        var second = await store.CreateAsync(Ticket("Second"));
        await using (var db = await Db(app.Services).CreateDbContextAsync())
        {
            await db.Tickets.Where(t => t.Id == second.Id).ExecuteDeleteAsync();
        }

        var third = await store.CreateAsync(Ticket("Third"));

        Assert.Equal("T2", second.Number.ToString());
        Assert.Equal("T3", third.Number.ToString());
        Assert.Null(await FindTicketAsync(app.Services, owner, second.Number));
        Assert.Equal($"{third.Id}", (await FindTicketAsync(app.Services, owner, third.Number))?.Id);
    }

    [Fact]
    public async Task The_scanner_finds_a_ticket_by_number_with_its_status_and_moves_it_to_the_mappings_status()
    {
        await using var app = await AppServices.StartAsync(_database);
        var store = app.Services.GetRequiredService<TicketStore>();
        var owner = await CreateOwnerAsync(app.Services);
        var closed = await StatusIdAsync(app.Services, TicketStatuses.Closed);
        var created = await store.CreateAsync(new NewTicket("Printer", "", closed, TicketPriority.Normal, null, null, owner));

        var found = await FindTicketAsync(app.Services, owner, new RecordNumber("t", created.Number.Sequence));
        var reopen = await StatusIdAsync(app.Services, (await store.GetStatusMappingAsync()).Reopen);
        await using (var db = await Db(app.Services).CreateDbContextAsync())
        {
            Assert.True(await store.SetStatusAsync(db, created.Id, reopen));
            Assert.False(await store.SetStatusAsync(db, created.Id + 1000, reopen));
        }

        Assert.Equal(new TicketRef($"{created.Id}", created.Number, TicketStatuses.Closed, true), found);
        Assert.Equal(TicketStatuses.Open, (await FindTicketAsync(app.Services, owner, created.Number))!.Status);
        Assert.Null(await FindTicketAsync(app.Services, owner, new RecordNumber("X", created.Number.Sequence)));
        Assert.Null(await FindTicketAsync(app.Services, owner, new RecordNumber("T", 999)));
    }

    /// <summary>The ticket as the scanner's batch lookup finds it for a reply whose subject carries the number.</summary>
    private static async Task<TicketRef?> FindTicketAsync(IServiceProvider services, string owner, RecordNumber number)
    {
        var closing = (await services.GetRequiredService<TicketStore>().GetStatusMappingAsync()).Closing;
        await using var db = await Db(services).CreateDbContextAsync();
        var reply = new MessageSnapshot { Subject = $"Re: [{number}] Printer" };
        var lookup = await BatchRecordLookup.LoadAsync(db, [reply], closing, owner, CancellationToken.None);
        return lookup.FindTicket(number);
    }

    private static async Task<int> StatusIdAsync(IServiceProvider services, string name)
    {
        await using var db = await Db(services).CreateDbContextAsync();
        return await db.TicketStatuses.Where(s => s.Name == name).Select(s => s.Id).SingleAsync();
    }

    [Fact]
    public async Task The_database_refuses_a_repeated_number_whatever_the_code_does()
    {
        await using var app = await AppServices.StartAsync(_database);
        var owner = await CreateOwnerAsync(app.Services);
        var status = await OpenStatusAsync(app.Services);
        var created = await app.Services.GetRequiredService<TicketStore>().CreateAsync(new NewTicket("Original", "", status, TicketPriority.Normal, null, null, owner));

        await using var db = await Db(app.Services).CreateDbContextAsync();
        db.Tickets.Add(new Ticket { Sequence = created.Number.Sequence, Number = created.Number.ToString(), Title = "Copy", StatusId = status, OwnerId = owner });

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static IDbContextFactory<AppDbContext> Db(IServiceProvider services) => services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    private static async Task<string> CreateOwnerAsync(IServiceProvider services)
    {
        await using var db = await Db(services).CreateDbContextAsync();
        var user = new ApplicationUser { UserName = "owner", NormalizedUserName = "OWNER", Email = "owner@example.test", ProvenEmail = "owner@example.test", SecurityStamp = Guid.NewGuid().ToString() };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    private static async Task<int> OpenStatusAsync(IServiceProvider services)
    {
        await using var db = await Db(services).CreateDbContextAsync();
        return await db.TicketStatuses.Where(s => s.Name == TicketStatuses.Open).Select(s => s.Id).SingleAsync();
    }
}

/// <summary><see cref="TicketNumberingTests"/> on a SQLite file.</summary>
public sealed class SqliteTicketNumberingTests() : TicketNumberingTests(DatabaseProvider.Sqlite);

/// <summary><see cref="TicketNumberingTests"/> on PostgreSQL: two pools, row locks instead of SQLite's write lock.</summary>
public sealed class PostgreSqlTicketNumberingTests() : TicketNumberingTests(DatabaseProvider.PostgreSql);

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Web.Data;

/// <summary>The save interceptor stamps creation and change times from the app's clock, on a real SQLite file.</summary>
public sealed class TimestampsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();
    private readonly ManualClock _clock = new(Start);
    private AppServices _app = null!;
    private string _owner = "";

    public async ValueTask InitializeAsync()
    {
        _app = await AppServices.StartAsync(_database, configure: s => s.AddSingleton<TimeProvider>(_clock));
        await using var db = await DbAsync();
        var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", SecurityStamp = "x" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        _owner = user.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private Task<AppDbContext> DbAsync() => _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task An_added_record_gets_the_clocks_time_and_a_changed_one_a_new_change_time()
    {
        int id;
        await using (var db = await DbAsync())
        {
            var account = new Account { Name = "Firma", OwnerId = _owner };
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            id = account.Id;
        }

        _clock.Advance(TimeSpan.FromHours(3));
        await using (var db = await DbAsync())
        {
            (await db.Accounts.SingleAsync(a => a.Id == id)).Name = "Firma S.A.";
            await db.SaveChangesAsync();
        }

        _clock.Advance(TimeSpan.FromHours(1));
        await using (var db = await DbAsync())
        {
            // Loaded and saved without a change: not a change.
            await db.Accounts.SingleAsync(a => a.Id == id);
            await db.SaveChangesAsync();
            var stored = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == id);
            Assert.Equal((Start, Start.AddHours(3)), (stored.CreatedAt, stored.ModifiedAt));
            Assert.Equal("Firma S.A.", stored.Name);
        }
    }

    [Fact]
    public async Task Times_the_caller_chose_stay()
    {
        var created = Start.AddDays(-200);
        var modified = Start.AddDays(-30);
        int id;
        await using (var db = await DbAsync())
        {
            var lead = new Lead { Company = "Prospekt", OwnerId = _owner, CreatedAt = created, ModifiedAt = modified };
            db.Leads.Add(lead);
            await db.SaveChangesAsync();
            id = lead.Id;
        }

        await using (var db = await DbAsync())
        {
            var stored = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == id);
            Assert.Equal((created, modified), (stored.CreatedAt, stored.ModifiedAt));

            var lead = await db.Leads.SingleAsync(l => l.Id == id);
            lead.Company = "Prospekt 2";
            lead.ModifiedAt = modified.AddDays(1);
            await db.SaveChangesAsync();
            Assert.Equal(modified.AddDays(1), (await db.Leads.AsNoTracking().SingleAsync(l => l.Id == id)).ModifiedAt);
        }
    }

    [Fact]
    public async Task An_entity_with_only_a_creation_time_keeps_it_when_changed()
    {
        int id;
        await using (var db = await DbAsync())
        {
            var server = new MailServer { Name = "IMAP", ImapHost = "imap.example.test" };
            db.MailServers.Add(server);
            await db.SaveChangesAsync();
            id = server.Id;
        }

        _clock.Advance(TimeSpan.FromDays(1));
        await using (var db = await DbAsync())
        {
            (await db.MailServers.SingleAsync(s => s.Id == id)).Name = "IMAP 2";
            await db.SaveChangesAsync();
            Assert.Equal(Start, (await db.MailServers.AsNoTracking().SingleAsync(s => s.Id == id)).CreatedAt);
        }
    }
}

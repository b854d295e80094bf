using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Records;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.DemoData;

namespace PrivateMail.Tests.Web.Features.Records.DemoData;

public sealed class DemoDataLoaderTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _adminId = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _adminId = await CreateUserAsync("ada", administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    [Fact]
    public async Task The_administrator_loads_the_demo_set_once_and_a_second_load_changes_nothing()
    {
        SignIn("ada", _adminId, administrator: true);
        var service = Services.GetRequiredService<DemoDataService>();
        Assert.False(await service.IsLoadedAsync());

        var first = await service.LoadAsync();
        var second = await service.LoadAsync();

        Assert.True(first.Loaded);
        Assert.False(second.Loaded);
        Assert.True(await service.IsLoadedAsync());
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(DemoCounts.Default.Contacts, await db.Contacts.CountAsync());
        Assert.Equal(DemoCounts.Default.Accounts, await db.Accounts.CountAsync());
        Assert.Equal(DemoCounts.Default.Leads, await db.Leads.CountAsync());
        Assert.Equal(DemoCounts.Default.Tickets, await db.Tickets.CountAsync());
        Assert.Equal(first.Emails, await db.Emails.CountAsync());
        Assert.True(first.Emails > 40);
        var ticketsPerStatus = await db.Tickets.GroupBy(t => t.Status!.Name).Select(g => g.Key).ToListAsync();
        Assert.Equal(TicketStatuses.Defaults.Select(s => s.Name).Order(), ticketsPerStatus.Order());
        // Shared between the administrator and the three demo colleagues.
        Assert.Equal(4, await db.Contacts.Select(c => c.OwnerId).Distinct().CountAsync());
        Assert.True(await db.Contacts.AnyAsync(c => c.OwnerId == _adminId));
        Assert.True(await db.Contacts.AnyAsync(c => c.EmailNormalised!.Contains("xn--")));
        Assert.Equal(await db.Tickets.CountAsync(), await db.Tickets.Select(t => t.Number).Distinct().CountAsync());
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_cannot_load_demo_data()
    {
        var jan = await CreateUserAsync("jan");
        SignIn("jan", jan);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Services.GetRequiredService<DemoDataService>().LoadAsync());
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The setup the Records tests share: the app's services over a fresh SQLite file, the user Olga signed in, a
/// <see cref="RecordFactory"/> and a database context for checking what was stored.
/// </summary>
public abstract class RecordsTestContext : PrivateMailTestContext, IAsyncLifetime
{
    /// <summary>The signed-in user's id.</summary>
    protected string Olga { get; private set; } = "";

    protected RecordFactory Make { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync(ConfigureServices, Provider);
        Olga = await CreateUserAsync("olga");
        Make = new RecordFactory(Services);
        SignIn("olga", Olga);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    /// <summary>The database engine the test runs on.</summary>
    protected virtual PrivateMail.Web.Data.Providers.DatabaseProvider Provider => PrivateMail.Web.Data.Providers.DatabaseProvider.Sqlite;

    /// <summary>Changes to the app's services before the first is resolved (e.g. the clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected Task<AppDbContext> DbAsync() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
}

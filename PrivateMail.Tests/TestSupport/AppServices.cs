using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The app's core services over a migrated database (SQLite file or PostgreSQL), without a UI or a signed-in user: what the scanner and other
/// background work see. Two instances over the same <see cref="TestDatabase"/> behave like two app processes.
/// </summary>
public sealed class AppServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private AppServices(ServiceProvider provider) => _provider = provider;

    public IServiceProvider Services => _provider;

    /// <param name="configure">Changes to the services, e.g. scanner options.</param>
    /// <param name="sharedCache">Open connections as the app does (shared cache) rather than private ones.</param>
    public static async Task<AppServices> StartAsync(TestDatabase database, bool sharedCache = false, Action<IServiceCollection>? configure = null)
    {
        var connectionString = database.Provider == DatabaseProvider.PostgreSql
            ? database.ConnectionString
            : new SqliteConnectionStringBuilder(database.ConnectionString)
            {
                Cache = sharedCache ? SqliteCacheMode.Shared : SqliteCacheMode.Default,
            }.ToString();
        var services = new ServiceCollection();
        services.AddPrivateMailCore(connectionString, database.Provider);
        services.Configure<PrivateMailOptions>(o => o.DataDirectory = database.Directory);
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await DatabaseInitializer.InitializeAsync(provider);
        return new AppServices(provider);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

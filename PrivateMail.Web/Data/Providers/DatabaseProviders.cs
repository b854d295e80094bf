using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace PrivateMail.Web.Data.Providers;

/// <summary>
/// The one place that knows which engine is in use: reads the setting, configures EF for it (its interceptors and its
/// own migrations), and names where each engine's migrations live.
/// </summary>
public static class DatabaseProviders
{
    /// <summary>The configuration key that picks the engine.</summary>
    public const string ProviderKey = "PrivateMail:Database:Provider";

    /// <summary>The namespace (and folder under <c>Data/</c>) of the SQLite migrations.</summary>
    public const string SqliteMigrationsNamespace = "PrivateMail.Web.Data.Migrations";

    /// <summary>The namespace (and folder under <c>Data/</c>) of the PostgreSQL migrations, generated from the same model.</summary>
    public const string PostgreSqlMigrationsNamespace = "PrivateMail.Web.Data.PostgreSqlMigrations";

    /// <summary>The configured engine; empty means SQLite. An unknown value fails the start with the key and the choices.</summary>
    public static DatabaseProvider Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DatabaseProvider.Sqlite;
        }

        return Enum.TryParse<DatabaseProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException($"{ProviderKey} must be {nameof(DatabaseProvider.Sqlite)} or {nameof(DatabaseProvider.PostgreSql)} (it is '{value}').");
    }

    /// <summary>Points EF at the engine: its connection, per-connection setup, and only its own migrations.</summary>
    public static TBuilder Use<TBuilder>(this TBuilder options, DatabaseProvider provider, string connectionString)
        where TBuilder : DbContextOptionsBuilder
    {
        switch (provider)
        {
            case DatabaseProvider.PostgreSql:
                options.UseNpgsql(connectionString);
                break;
            default:
                options.UseSqlite(connectionString).AddInterceptors(new UnicodeCollation(), new SqlitePragmas());
                break;
        }

        // Both engines' migrations are compiled into this assembly; each engine sees only its own folder.
        options.ReplaceService<IMigrationsAssembly, ProviderMigrationsAssembly>();
        return options;
    }

    /// <summary>The engine a context is connected to.</summary>
    public static DatabaseProvider Of(Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database) =>
        database.IsNpgsql() ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;

    internal static string MigrationsNamespace(DatabaseProvider provider) =>
        provider == DatabaseProvider.PostgreSql ? PostgreSqlMigrationsNamespace : SqliteMigrationsNamespace;
}

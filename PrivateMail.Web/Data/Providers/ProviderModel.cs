using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace PrivateMail.Web.Data.Providers;

/// <summary>
/// Where the model differs between engines, in one place. The entity configurations name collations SQLite has
/// (<c>NOCASE</c>) or that the app registers on it (<see cref="UnicodeCollation"/>); PostgreSQL gets ICU collations of the
/// same names, so queries and configurations stay the same on both.
/// </summary>
internal static class ProviderModel
{
    public static void ConfigureConventions(ModelConfigurationBuilder conventions, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks.
            conventions.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        }
        else
        {
            // timestamptz holds UTC only (Npgsql refuses other offsets): a moment keeps its instant, so order and
            // comparisons are the same as SQLite's ticks; an e-mail's own offset is kept apart (DateOffsetMinutes).
            conventions.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcConverter>();
        }
    }

    public static void Configure(ModelBuilder builder, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            // The file-system key ring in the data folder stays SQLite's key store.
            builder.Ignore<DataProtectionKey>();
            return;
        }

        // NOCASE: unique names regardless of case (mail servers, ticket statuses, ticket numbers) — ICU's
        // case-insensitive comparison, which also folds non-ASCII letters (SQLite's folds ASCII only).
        builder.HasCollation(SqliteNoCase, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        // The ORDER BY collations of UnicodeCollation: alphabetical for people, case-insensitive.
        builder.HasCollation(UnicodeCollation.Name, locale: "und-u-ks-level2", provider: "icu", deterministic: true);
        builder.HasCollation(UnicodeCollation.PolishName, locale: "pl-u-ks-level2", provider: "icu", deterministic: true);
    }

    /// <summary>SQLite's built-in case-insensitive collation, as the entity configurations name it.</summary>
    public const string SqliteNoCase = "NOCASE";
}

/// <summary>Stores a moment at offset zero, the only one PostgreSQL's <c>timestamptz</c> takes.</summary>
internal sealed class DateTimeOffsetToUtcConverter()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);

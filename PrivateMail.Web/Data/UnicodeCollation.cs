using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PrivateMail.Web.Data;

/// <summary>
/// A collation SQLite lacks: names in alphabetical order for people, in the reader's language — for a Polish user Łuczak
/// sorts after Lewandowski and Żak after Zieliński, instead of both after every ASCII letter. The comparison uses the
/// current culture, which flows from the user's circuit into the query (<see cref="For"/> picks the name). Registered on
/// each connection as it opens; used only in ORDER BY (never in the schema), so other tools can still open the database.
/// PostgreSQL has ICU collations of the same names (<see cref="Providers.ProviderModel"/>).
/// </summary>
public sealed class UnicodeCollation : DbConnectionInterceptor
{
    /// <summary>Alphabetical order of the Unicode root (English and every language without its own).</summary>
    public const string Name = "UNICODE_CI";

    /// <summary>Polish alphabetical order (Ł after L, Ż after Z).</summary>
    public const string PolishName = "UNICODE_CI_PL";

    private static readonly CultureInfo Polish = CultureInfo.GetCultureInfo("pl-PL");

    /// <summary>The collation for a reader of this culture.</summary>
    public static string For(CultureInfo culture) => culture.TwoLetterISOLanguageName == "pl" ? PolishName : Name;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            sqlite.CreateCollation(Name, (x, y) => CultureInfo.CurrentCulture.CompareInfo.Compare(x, y, CompareOptions.IgnoreCase));
            sqlite.CreateCollation(PolishName, (x, y) => Polish.CompareInfo.Compare(x, y, CompareOptions.IgnoreCase));
        }
    }
}

using System.Globalization;
using System.Resources;
using Bunit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.SystemConfiguration;
using PrivateMail.Web.Resources;

namespace PrivateMail.Tests.Web.Localization;

/// <summary>
/// The names a user meets following the product page (shared/seed/skrzynki-prywatne.pl.md and its English rendering
/// private-mailboxes.en.md) must be the names the app shows, in both languages, so that a later rename cannot drift
/// from the page. The table is copied from the seed; the seed itself is checked as well when it is beside the clone.
/// </summary>
public sealed class ProductPageNamesTests : PrivateMailTestContext
{
    /// <summary>One name of the seed's journey.</summary>
    /// <param name="AsWrittenPl">How the Polish page writes it when that differs (a declension, or the page's typo).</param>
    /// <param name="Source">Where the name comes from: line numbers in the Polish / English seed file.</param>
    public sealed record Name(string Area, string Key, string En, string Pl, string Source, string? AsWrittenPl = null);

    public static IReadOnlyList<Name> Names { get; } =
    [
        new(nameof(Strings), nameof(Strings.MySettings), "My settings", "Moje ustawienia", "pl 20, 24 / en 14, 17"),
        new(nameof(Strings), nameof(Strings.SectionMailIntegration), "Mail integration", "Integracja z pocztą e-mail", "pl 28 / en 19"),
        new(nameof(Strings), nameof(Strings.Mailbox), "Mailbox", "Skrzynka pocztowa", "pl 32 / en 22"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.SectionBasic), "Basic information", "Informacje podstawowe", "pl 40 / en 27"),
        new(nameof(Strings), nameof(Strings.MailTools), "Mail tools", "Narzędzia pocztowe", "pl 42 / en 30"),
        new(nameof(Strings), nameof(Strings.MailServers), "Mail servers", "Serwery poczty", "pl 42 / en 30"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.SectionScanner), "Mail scanner", "Skaner poczty", "pl 46 / en 36"),
        // English keeps its shorter "Scanner actions" (part of "Mail scanner actions" on the English page).
        new(nameof(MailboxStrings), nameof(MailboxStrings.Actions), "Scanner actions", "Akcje skanera poczty", "pl 47 / en 37"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.ActionCreateEmail), "Create e-mail", "Stwórz e-maila", "pl 48 / en 38"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.ActionBindEmail), "Bind e-mail", "Powiąż wiadomość e-mail", "pl 49 / en 40"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.ActionOpenTicket), "Open ticket", "Otwórz zgłoszenie", "pl 50 / en 42"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.ActionCreateTicket), "Create ticket", "Utwórz zgłoszenie", "pl 51 / en 44"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.SearchFields), "Search fields", "Pola wyszukiwania", "pl 49, 52 / en 41, 45"),
        new(nameof(MailboxStrings), nameof(MailboxStrings.EmailExceptions), "E-mail exceptions", "Wyjątki e-mail", "pl 53 / en 47"),
        new(nameof(Strings), nameof(Strings.ModuleMyMail), "My mail", "Moja poczta", "pl 57, 58 / en 52, 55"),
        new(nameof(Strings), nameof(Strings.SystemConfiguration), "System configuration", "Konfiguracja systemu", "pl 57 / en 53",
            AsWrittenPl: "Konfiguracji systemu"),
        // The Polish page misspells it "Moduy standardowe"; the app spells it correctly.
        new(nameof(Strings), nameof(Strings.StandardModules), "Standard modules", "Moduły standardowe", "pl 57 / en 54",
            AsWrittenPl: "Moduy standardowe"),
        new(nameof(Strings), nameof(Strings.ModulesInstallation), "Modules - installation", "Moduły - instalacja", "pl 57 / en 54"),
    ];

    public static TheoryData<string> Keys => [.. Names.Select(n => n.Key)];

    private static Name Row(string key) => Names.Single(n => n.Key == key);

    private static ResourceManager Manager(string area) => area switch
    {
        nameof(Strings) => Strings.ResourceManager,
        nameof(MailboxStrings) => MailboxStrings.ResourceManager,
        _ => throw new ArgumentOutOfRangeException(nameof(area)),
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void The_app_uses_the_product_pages_name_in_both_languages(string key)
    {
        var name = Row(key);

        Assert.Equal(name.En, Manager(name.Area).GetString(name.Key, new CultureInfo("en")));
        Assert.Equal(name.Pl, Manager(name.Area).GetString(name.Key, new CultureInfo("pl")));
    }

    [Fact]
    public void No_polish_string_keeps_an_old_name_the_product_page_does_not_use()
    {
        string[] old = ["Integracja poczty", "integracja poczty", "Narzędzia poczty", "Serwery pocztowe", "serwerów pocztowych", "Instalacja modułów", "Instalacji modułów", "Podstawowe informacje"];
        var polish = new CultureInfo("pl");
        var values = new[] { Strings.ResourceManager, MailboxStrings.ResourceManager, MailServerStrings.ResourceManager, RecordStrings.ResourceManager, OAuthStrings.ResourceManager }
            .SelectMany(m => m.GetResourceSet(polish, createIfNotExists: true, tryParents: false)!.Cast<System.Collections.DictionaryEntry>())
            .Select(e => $"{e.Key}: {e.Value}")
            .ToList();

        Assert.DoesNotContain(values, v => old.Any(o => v.Contains(o, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_system_configuration_menu_shows_the_product_pages_polish_names()
    {
        UseCulture("pl");

        var menu = Render<AdminLayout>().Find("#admin-menu");

        Assert.Contains("Moduły standardowe", menu.TextContent);
        Assert.Equal("Moduły - instalacja", menu.QuerySelector("#admin-menu-modules")!.TextContent.Trim());
        Assert.Contains("Narzędzia pocztowe", menu.TextContent);
        Assert.Equal("Serwery poczty", menu.QuerySelector("#admin-menu-mail-servers")!.TextContent.Trim());
    }

    [Fact]
    public void The_seed_pages_still_use_these_names()
    {
        var seed = SeedDirectory();
        if (seed is null)
        {
            Assert.Skip("shared/seed is not beside this clone; the table above is the copy.");
        }

        var polish = File.ReadAllText(Path.Combine(seed, "skrzynki-prywatne.pl.md"));
        var english = File.ReadAllText(Path.Combine(seed, "private-mailboxes.en.md"));
        Assert.All(Names, n =>
        {
            Assert.Contains(n.AsWrittenPl ?? n.Pl, polish, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(n.En, english, StringComparison.OrdinalIgnoreCase);
        });
    }

    /// <summary>shared/seed in the clone's parent folder or further up (CI puts shared/ beside the clone).</summary>
    private static string? SeedDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "seed");
            if (File.Exists(Path.Combine(candidate, "skrzynki-prywatne.pl.md")))
            {
                return candidate;
            }
        }

        return null;
    }
}

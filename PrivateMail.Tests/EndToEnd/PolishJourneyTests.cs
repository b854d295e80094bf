using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using PrivateMail.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;
using static PrivateMail.Tests.EndToEnd.JourneySteps;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>
/// The Polish product page's journey in Polish, in a real browser against the real app and Dovecot, driven by the names
/// the page gives: the administrator switches to Polski in Moje ustawienia, then goes through Konfiguracja systemu →
/// Moduły standardowe → Moduły - instalacja, Narzędzia pocztowe → Serwery poczty and the Skrzynka pocztowa tab to a scan.
/// </summary>
[Collection(BrowserAndDovecotCollection.Name)]
public sealed class PolishJourneyTests(BrowserFixture browser, DovecotFixture dovecot) : IAsyncLifetime
{
    private const string AdminPassword = "Admin-password-1";
    private const string ServerName = "Poczta firmowa";

    private readonly PrivateMailAppFactory _app = new();
    private readonly string _folder = "Polski-" + Guid.NewGuid().ToString("N")[..8];
    private BrowserSession? _session;

    private static bool TakeScreenshots => Environment.GetEnvironmentVariable("PM_SCREENSHOTS") == "1";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_administrator_follows_the_polish_product_page_in_polish_from_my_settings_to_a_scan()
    {
        var mailUser = dovecot.Bob;
        await _app.CreateUserAsync("admin", AdminPassword, administrator: true);
        await AppendAsync("Nowy Klient <nowy.klient@stranger.example>", "Drukarka nie drukuje", "pl-journey-1@stranger.example");

        _session = await browser.NewSessionAsync(_app.BaseAddress);
        var page = await _session.NewPageAsync();
        await SignInAsync(page, "admin", AdminPassword);

        // The browser speaks English; the administrator chooses Polski in My settings.
        await page.GetByRole(AriaRole.Button, new() { Name = "User menu", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "My settings" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-settings$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-settings/edit$"));
        await PickAsync(page, "edit-language", "Polski");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/my-settings(\?saved=true)?$"));
        await page.WaitForBlazorAsync();
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Moje ustawienia", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#view-language")).ToHaveTextAsync("Polski");
        await Expect(page.Locator("#my-settings-view")).ToContainTextAsync("Integracja z pocztą e-mail");

        // The user icon in the top-right corner: one button, named in Polish, announcing its menu.
        var userMenu = page.GetByRole(AriaRole.Button, new() { Name = "Menu użytkownika", Exact = true });
        await Expect(userMenu).ToHaveCountAsync(1);
        await Expect(userMenu).ToHaveAttributeAsync("aria-haspopup", "menu");
        await Expect(userMenu).ToHaveAttributeAsync("aria-expanded", "false");
        await userMenu.ClickAsync();
        await Expect(userMenu).ToHaveAttributeAsync("aria-expanded", "true");
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Konfiguracja systemu" }).ClickAsync();

        // Moduły standardowe ➞ Moduły - instalacja: tick Moja poczta.
        var adminMenu = page.Locator("#admin-menu");
        await Expect(adminMenu).ToContainTextAsync("Moduły standardowe");
        await adminMenu.GetByRole(AriaRole.Link, new() { Name = "Moduły - instalacja", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Moduły - instalacja", Exact = true })).ToBeVisibleAsync();
        var myMail = page.Locator("#modules-table tbody tr").Filter(new() { HasText = "Moja poczta" }).Locator("input[type=checkbox]");
        await Expect(myMail).Not.ToBeCheckedAsync();
        await myMail.ClickAsync();
        await Expect(myMail).ToBeCheckedAsync();
        await Expect(page.Locator("#nav-MyMail")).ToHaveTextAsync("Moja poczta");
        await ScreenshotAsync(page, "/tmp/journey-pl-modules.png");

        // Narzędzia pocztowe > Serwery poczty: add the IMAP server and test it.
        await Expect(adminMenu).ToContainTextAsync("Narzędzia pocztowe");
        await adminMenu.GetByRole(AriaRole.Link, new() { Name = "Serwery poczty", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/mail-servers$"));
        await Expect(page.Locator("#mail-servers-empty")).ToContainTextAsync("Nie ma jeszcze serwerów poczty");
        await page.GetByRole(AriaRole.Link, new() { Name = "Dodaj serwer" }).Or(page.GetByRole(AriaRole.Button, new() { Name = "Dodaj serwer" })).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/mail-servers/new$"));
        await Field(page, "Nazwa").FillAsync(ServerName);
        await Field(page, "Host IMAP").FillAsync(dovecot.Host);
        await PickAsync(page, "server-imap-security", "Brak (bez szyfrowania)");
        await Expect(Field(page, "Port IMAP")).ToHaveValueAsync("143");
        await Field(page, "Port IMAP").FillAsync(dovecot.ImapPort.ToString(CultureInfo.InvariantCulture));
        await Field(page, "Port IMAP").PressAsync("Tab");
        await Field(page, "Login testowy (opcjonalnie)").FillAsync(mailUser.Login);
        await Field(page, "Hasło testowe").FillAsync(mailUser.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Testuj połączenie", Exact = true }).ClickAsync();
        var result = page.Locator("#server-test-result");
        await Expect(result).ToHaveAttributeAsync("data-succeeded", "true", new() { Timeout = 30_000 });
        await Expect(result).ToContainTextAsync($"Zalogowano jako {mailUser.Login}.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Zapisz", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/mail-servers$"));
        await Expect(page.GetByText("Serwer pocztowy zapisany.")).ToBeVisibleAsync();
        await Expect(page.Locator("#mail-servers-table")).ToContainTextAsync("Brak (bez szyfrowania)");

        // Moje ustawienia → Skrzynka pocztowa: connect the mailbox, all four scanner actions, save, scan.
        await userMenu.ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Moje ustawienia" }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Skrzynka pocztowa", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-settings/mailbox$"));
        await Expect(page.Locator("#mailbox-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#mailbox-form")).ToContainTextAsync("Informacje podstawowe");
        await Expect(page.Locator("#mailbox-form")).ToContainTextAsync("Akcje skanera poczty");
        await Field(page, "Nazwa").FillAsync("Wsparcie");
        await PickAsync(page, "mailbox-server", ServerName);
        await Field(page, "Login").FillAsync(mailUser.Login);
        await Field(page, "Hasło").FillAsync(mailUser.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Wczytaj foldery", Exact = true }).ClickAsync();
        await Expect(page.Locator("#mailbox-folders")).ToHaveAttributeAsync("data-state", "Loaded", new() { Timeout = 30_000 });
        await FolderCheckBox(page, "INBOX").ClickAsync();
        await FolderCheckBox(page, _folder).ClickAsync();
        await Expect(FolderCheckBox(page, "INBOX")).Not.ToBeCheckedAsync();
        await Expect(FolderCheckBox(page, _folder)).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Otwórz zgłoszenie", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Utwórz zgłoszenie", Exact = true }).ClickAsync();
        foreach (var action in new[] { "Stwórz e-maila", "Powiąż wiadomość e-mail", "Otwórz zgłoszenie", "Utwórz zgłoszenie" })
        {
            await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = action, Exact = true })).ToBeCheckedAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Zapisz", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Skrzynka zapisana.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Skanuj teraz", Exact = true }).ClickAsync();
        var runs = page.Locator("#scan-history tbody tr");
        await Expect(runs).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(runs.First).ToHaveAttributeAsync("data-status", "Done", new() { Timeout = 30_000 });
        await Expect(runs.First).ToContainTextAsync("Zakończone");
        await ScreenshotAsync(page, "/tmp/journey-pl-mailbox.png");

        // The ticket the scan created for the new sender, with its status in Polish.
        await page.GotoAsync("/tickets");
        await page.WaitForBlazorAsync();
        var row = page.Locator("#tickets-grid tbody tr").Filter(new() { HasText = "Drukarka nie drukuje" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Otwarte");
        await ScreenshotAsync(page, "/tmp/journey-pl-tickets.png");

        // Konfiguracja systemu → Historia skanowania: the run, who started it, and its message list one click away — the
        // button in sight at this width, not scrolled off to the right of the table.
        await page.GotoAsync("/admin/scan-history");
        await page.WaitForBlazorAsync();
        var adminRun = page.Locator("#scan-history-admin tbody tr").First;
        await Expect(adminRun.Locator("[data-started-by]")).ToContainTextAsync("ręcznie:");
        await ScreenshotAsync(page, "/tmp/journey-pl-scan-history.png");
        var messages = adminRun.GetByRole(AriaRole.Button, new() { Name = "Wiadomości", Exact = true });
        await Expect(messages).ToBeInViewportAsync(new() { Ratio = 1 });
        await messages.ClickAsync();
        await Expect(page.Locator("#scan-outcomes-admin")).ToContainTextAsync("Drukarka nie drukuje");
        await ScreenshotAsync(page, "/tmp/journey-pl-scan-outcomes.png");

        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.True(_session.Errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", _session.Errors));
    }

    /// <summary>A text field found by its visible label, as a user finds it.</summary>
    private static ILocator Field(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });

    private static ILocator FolderCheckBox(IPage page, string fullName) =>
        page.Locator($"#mailbox-folders .pm-folder[data-folder='{fullName}'] input[type=checkbox]");

    private static async Task ScreenshotAsync(IPage page, string path)
    {
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
    }

    private async Task AppendAsync(string from, string subject, string messageId)
    {
        var message = new MimeMessage { Subject = subject, MessageId = messageId, Date = DateTimeOffset.Now };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(dovecot.Bob.Address);
        message.Body = new TextPart("plain") { Text = "Dzień dobry,\nproszę o pomoc.\n" };
        await dovecot.AppendAsync(dovecot.Bob, _folder, message, TestContext.Current.CancellationToken);
    }
}

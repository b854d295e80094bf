using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using static Microsoft.Playwright.Assertions;
using static PrivateMail.Tests.EndToEnd.JourneySteps;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>
/// Issue 3 end to end: the administrator adds a mail server pointing at the Dovecot fixture, then a user configures
/// their mailbox on it in My settings → Mailbox, in a real browser against the real app on a fresh database.
/// </summary>
[Collection(BrowserAndDovecotCollection.Name)]
public sealed class MailboxJourneyTests(BrowserFixture browser, DovecotFixture dovecot) : IAsyncLifetime
{
    private const string AdminName = "admin";
    private const string AdminPassword = "Admin-password-1";
    private const string UserName = "jan";
    private const string UserPassword = "User-password-1";
    private const string ServerName = "Dovecot fixture";
    private const string MailboxName = "Office mailbox";
    private const string ExceptionAddress = "newsletter@example.com";
    // Dovecot's hierarchy separator in the fixture is ".".
    private const string NestedFolder = "Projects.2026";
    private const string PolishFolder = "Zażółć";

    private readonly PrivateMailAppFactory _app = new();
    private BrowserSession? _adminSession;
    private BrowserSession? _userSession;

    private static bool TakeScreenshots => Environment.GetEnvironmentVariable("PM_SCREENSHOTS") == "1";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // The sessions first: on failure they photograph the pages while the app still answers.
        if (_userSession is not null)
        {
            await _userSession.DisposeAsync();
        }

        if (_adminSession is not null)
        {
            await _adminSession.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Administrator_adds_a_server_and_a_user_configures_tests_and_saves_a_mailbox_that_survives_a_reload_without_the_password()
    {
        var mailUser = dovecot.Alice;
        await _app.CreateUserAsync(AdminName, AdminPassword, administrator: true);
        await _app.CreateUserAsync(UserName, UserPassword, administrator: false);
        await PutMailAsync(mailUser, "INBOX");
        await PutMailAsync(mailUser, NestedFolder);
        await PutMailAsync(mailUser, PolishFolder);

        _adminSession = await browser.NewSessionAsync(_app.BaseAddress);
        var admin = await _adminSession.NewPageAsync();
        await SignInAsync(admin, AdminName, AdminPassword);
        await EnableMyMailAsync(admin);
        await AddServerAsync(admin, dovecot, mailUser, ServerName);

        _userSession = await browser.NewSessionAsync(_app.BaseAddress);
        var page = await _userSession.NewPageAsync();
        await SignInAsync(page, UserName, UserPassword);
        await FillAndSaveMailboxAsync(page, mailUser);

        await page.ReloadAsync();
        await page.WaitForBlazorAsync();
        await AssertSavedMailboxShownAsync(page, mailUser);

        // What the database keeps is the protected form, never the typed password.
        var factory = _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var stored = await db.Mailboxes.AsNoTracking().Include(m => m.Owner).SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(UserName, stored.Owner!.UserName);
            Assert.Equal(mailUser.Login, stored.Login);
            Assert.False(string.IsNullOrEmpty(stored.PasswordProtected));
            Assert.DoesNotContain(mailUser.Password, stored.PasswordProtected, StringComparison.Ordinal);
            Assert.Equal(["INBOX", NestedFolder], stored.Folders.Order(StringComparer.Ordinal));
            Assert.Equal(ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket, stored.Actions);
            Assert.Equal([ExceptionAddress], stored.EmailExceptions);
        }

        await Expect(admin.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        var errors = _adminSession.Errors.Concat(_userSession.Errors).ToList();
        Assert.True(errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", errors));
    }

    private async Task PutMailAsync(DovecotUser user, string folder)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.com"));
        message.To.Add(user.Address);
        message.Subject = $"Journey mail in {folder}";
        message.MessageId = $"{Guid.NewGuid():N}@journey.test";
        message.Body = new TextPart("plain") { Text = "Hello." };
        await dovecot.AppendAsync(user, folder, message, TestContext.Current.CancellationToken);
    }

    private static async Task FillAndSaveMailboxAsync(IPage page, DovecotUser mailUser)
    {
        await page.GotoAsync("/my-settings/mailbox");
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#tab-mailbox")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Locator("#mailbox-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#mailbox-password-set")).ToHaveCountAsync(0);

        await page.Locator("#mailbox-name").FillAsync(MailboxName);
        await PickAsync(page, "mailbox-server", ServerName);
        await page.Locator("#mailbox-login").FillAsync(mailUser.Login);
        await page.Locator("#mailbox-password").FillAsync(mailUser.Password);

        // The server's real folder tree, read with what is in the form.
        await page.Locator("#mailbox-load-folders").ClickAsync();
        var folders = page.Locator("#mailbox-folders");
        await Expect(folders).ToHaveAttributeAsync("data-state", "Loaded", new() { Timeout = 30_000 });
        await Expect(Folder(page, "INBOX")).ToBeVisibleAsync();
        await Expect(Folder(page, NestedFolder)).ToBeVisibleAsync();
        await Expect(Folder(page, NestedFolder)).ToContainTextAsync("2026");
        await Expect(Folder(page, PolishFolder)).ToContainTextAsync(PolishFolder);
        await Expect(FolderCheckBox(page, "INBOX")).ToBeCheckedAsync();
        await Expect(FolderCheckBox(page, NestedFolder)).Not.ToBeCheckedAsync();
        await Expect(FolderCheckBox(page, PolishFolder)).Not.ToBeCheckedAsync();
        await FolderCheckBox(page, NestedFolder).ClickAsync();
        await Expect(FolderCheckBox(page, NestedFolder)).ToBeCheckedAsync();
        await Expect(folders).ToContainTextAsync("2 selected.");

        // Create e-mail and Bind e-mail are on by default; add the ticket actions.
        await Expect(ActionCheckBox(page, ScannerActions.CreateEmail)).ToBeCheckedAsync();
        await Expect(ActionCheckBox(page, ScannerActions.BindEmail)).ToBeCheckedAsync();
        await ActionCheckBox(page, ScannerActions.OpenTicket).ClickAsync();
        await Expect(ActionCheckBox(page, ScannerActions.OpenTicket)).ToBeCheckedAsync();
        await ActionCheckBox(page, ScannerActions.CreateTicket).ClickAsync();
        await Expect(ActionCheckBox(page, ScannerActions.CreateTicket)).ToBeCheckedAsync();

        var exception = page.Locator("#mailbox-email-exception-input");
        await exception.FillAsync(ExceptionAddress);
        await Expect(exception).ToHaveValueAsync(ExceptionAddress);
        await exception.PressAsync("Enter");
        await Expect(EmailExceptionChip(page)).ToBeVisibleAsync();
        await Expect(exception).ToHaveValueAsync("");

        await page.Locator("#mailbox-test").ClickAsync();
        var result = page.Locator("#mailbox-test-result");
        await Expect(result).ToHaveAttributeAsync("data-succeeded", "true", new() { Timeout = 30_000 });
        await Expect(result).ToContainTextAsync($"Connected and signed in as {mailUser.Login}.");

        await page.Locator("#mailbox-save").ClickAsync();
        await Expect(page.GetByText("Mailbox saved.")).ToBeVisibleAsync();
        await Expect(page.Locator("#mailbox-password-set")).ToBeVisibleAsync();
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-mailbox-saved.png", FullPage = true });
        }
    }

    private async Task AssertSavedMailboxShownAsync(IPage page, DovecotUser mailUser)
    {
        await Expect(page.Locator("#mailbox-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#mailbox-name")).ToHaveValueAsync(MailboxName);
        await Expect(Combobox(page, "mailbox-server")).ToHaveTextAsync(ServerName);
        await Expect(page.Locator("#mailbox-login")).ToHaveValueAsync(mailUser.Login);
        await Expect(page.Locator("#mailbox-password")).ToHaveValueAsync("");
        await Expect(page.Locator("#mailbox-password-set")).ToBeVisibleAsync();

        // Until the tree is loaded again the chosen folders are chips.
        var chosen = page.Locator("#mailbox-folders-chosen [data-chip]");
        await Expect(chosen).ToHaveCountAsync(2);
        await Expect(page.Locator("#mailbox-folders-chosen [data-chip='INBOX']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#mailbox-folders-chosen [data-chip='{NestedFolder}']")).ToBeVisibleAsync();

        foreach (var action in ScannerActionRules.InOrder)
        {
            await Expect(ActionCheckBox(page, action)).ToBeCheckedAsync();
        }

        await Expect(page.Locator("#mailbox-email-exceptions-chips [data-chip]")).ToHaveCountAsync(1);
        await Expect(EmailExceptionChip(page)).ToBeVisibleAsync();

        var html = await page.ContentAsync();
        Assert.DoesNotContain(mailUser.Password, html, StringComparison.Ordinal);
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-mailbox-reloaded.png", FullPage = true });
        }
    }

    private static ILocator Folder(IPage page, string fullName) => page.Locator($"#mailbox-folders .pm-folder[data-folder='{fullName}']");

    private static ILocator FolderCheckBox(IPage page, string fullName) => Folder(page, fullName).Locator("input[type=checkbox]");

    private static ILocator ActionCheckBox(IPage page, ScannerActions action) =>
        page.Locator($"input#mailbox-action-{action}, #mailbox-action-{action} input[type=checkbox]");

    private static ILocator EmailExceptionChip(IPage page) => page.Locator($"#mailbox-email-exceptions-chips [data-chip='{ExceptionAddress}']");
}

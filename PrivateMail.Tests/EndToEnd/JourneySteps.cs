using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PrivateMail.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>Steps the browser journeys share: signing in, enabling My mail, adding the Dovecot server, picking in a select.</summary>
internal static class JourneySteps
{
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#login-username").FillAsync(userName);
        await page.Locator("#login-password").FillAsync(password);
        await page.Locator("#login-submit").ClickAsync();
        await Expect(page.Locator("#user-menu-button")).ToBeVisibleAsync();
        await page.WaitForBlazorAsync();
    }

    public static async Task EnableMyMailAsync(IPage page)
    {
        await page.GotoAsync("/admin/modules");
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#modules-table")).ToBeVisibleAsync();
        var myMail = page.Locator("input#module-MyMail, #module-MyMail input[type=checkbox]");
        await Expect(myMail).Not.ToBeCheckedAsync();
        await myMail.ClickAsync();
        await Expect(myMail).ToBeCheckedAsync();
        await Expect(page.Locator("#nav-MyMail")).ToBeVisibleAsync();
    }

    /// <summary>Mail tools → Mail servers → Add: a plain-IMAP server on the Dovecot fixture, tested with the user's login, saved.</summary>
    public static async Task AddServerAsync(IPage page, DovecotFixture dovecot, DovecotUser mailUser, string serverName)
    {
        await page.GotoAsync("/admin/mail-servers");
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#mail-servers-empty")).ToBeVisibleAsync();
        await page.Locator("#mail-servers-add").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/mail-servers/new$"));
        await Expect(page.Locator("#mail-server-form")).ToBeVisibleAsync();

        await page.Locator("#server-name").FillAsync(serverName);
        await page.Locator("#server-imap-host").FillAsync(dovecot.Host);
        // Security first: changing it moves a default port to the new mode's default.
        await PickAsync(page, "server-imap-security", "None (unencrypted)");
        await Expect(page.Locator("#server-imap-port")).ToHaveValueAsync("143");
        await page.Locator("#server-imap-port").FillAsync(dovecot.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#server-imap-port").PressAsync("Tab");
        // Plain IMAP: the page warns that nothing is encrypted; certificate validation stays on, so no certificate warning.
        await Expect(page.Locator("#server-unencrypted-warning")).ToBeVisibleAsync();
        await Expect(page.Locator("#server-certificate-warning")).ToHaveCountAsync(0);

        await page.Locator("#server-test-login").FillAsync(mailUser.Login);
        await page.Locator("#server-test-password").FillAsync(mailUser.Password);
        await page.Locator("#server-test").ClickAsync();
        var result = page.Locator("#server-test-result");
        await Expect(result).ToHaveAttributeAsync("data-succeeded", "true", new() { Timeout = 30_000 });
        await Expect(result).ToContainTextAsync($"Signed in as {mailUser.Login}.");
        await Expect(page.Locator("#server-test-capabilities")).ToBeVisibleAsync();
        await Expect(page.Locator("#server-test-capabilities .mud-chip").Filter(new() { HasText = "IMAP4rev1" })).ToHaveCountAsync(1);
        await page.Locator("#server-save").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/mail-servers$"));
        await Expect(page.GetByText("Mail server saved.")).ToBeVisibleAsync();
        var row = page.Locator("#mail-servers-table tr").Filter(new() { Has = page.Locator($"[data-server='{serverName}']") });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync($"{dovecot.Host}:{dovecot.ImapPort}");
        await Expect(row).ToContainTextAsync("None (unencrypted)");
    }

    /// <summary>
    /// The visible box of a MudSelect. The id sits on the select's input: the combobox itself while nothing is chosen,
    /// a hidden input beside it afterwards; both are inside the same <c>.mud-select</c>.
    /// </summary>
    public static ILocator Combobox(IPage page, string selectId) => page.Locator($".mud-select:has(#{selectId}) [role=combobox]");

    public static async Task PickAsync(IPage page, string selectId, string optionText)
    {
        var box = Combobox(page, selectId);
        await box.ClickAsync();
        var option = page.Locator(".mud-popover-open [role=option]").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(optionText)}\\s*$") });
        await option.ClickAsync();
        await Expect(box).ToHaveTextAsync(optionText);
        await Expect(page.Locator(".mud-popover-open [role=option]")).ToHaveCountAsync(0);
    }
}

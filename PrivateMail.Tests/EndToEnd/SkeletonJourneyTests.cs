using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using static Microsoft.Playwright.Assertions;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>The walking skeleton end to end, in a real browser against the real app on a fresh database.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SkeletonJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string AdminName = "admin";
    private const string AdminPassword = "Admin-password-1";
    private const string Signature = "Ada Lovelace\nAnalytical Engines Ltd.";

    private readonly PrivateMailAppFactory _app = new();
    private BrowserSession? _session;

    private BrowserSession Session => _session ?? throw new InvalidOperationException("Not initialised.");

    private static bool TakeScreenshots => Environment.GetEnvironmentVariable("PM_SCREENSHOTS") == "1";

    public async ValueTask InitializeAsync() => _session = await browser.NewSessionAsync(_app.BaseAddress);

    public async ValueTask DisposeAsync()
    {
        // The session first: on failure it photographs the pages while the app still answers.
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Administrator_sets_up_the_app_edits_my_settings_and_enables_my_mail_which_shows_live_in_another_tab()
    {
        var page = await Session.NewPageAsync();

        await CreateAdministratorAndSignInAsync(page);
        await EditMySettingsAsync(page);

        // A second tab of the same user, on My settings, while My mail is still disabled.
        var other = await Session.NewPageAsync();
        await other.GotoAsync("/my-settings");
        await other.WaitForBlazorAsync();
        await Expect(other.Locator("#view-signature")).ToHaveTextAsync(Signature);
        await Expect(other.Locator("#tab-my-settings")).ToBeVisibleAsync();
        await Expect(other.Locator("#tab-mailbox")).ToHaveCountAsync(0);
        // Survives only as long as the document does: proves the tab appears without a reload.
        await other.EvaluateAsync("() => window.pmNotReloaded = true");

        // In the first tab: System configuration → Modules - installation → tick My mail.
        // A background tab gets no animation frames, which MudBlazor's popovers and Playwright's stability checks wait for.
        await page.BringToFrontAsync();
        await ChooseFromUserMenuAsync(page, "#user-menu-system-configuration");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/modules$"));
        await page.Locator("#admin-menu-modules").ClickAsync();
        await Expect(page.Locator("#modules-table")).ToBeVisibleAsync();
        // MudCheckBox puts the id on its <input>; the second selector covers a version that puts it on the root.
        var myMail = page.Locator("input#module-MyMail, #module-MyMail input[type=checkbox]");
        await Expect(myMail).Not.ToBeCheckedAsync();
        await myMail.ClickAsync();
        await Expect(myMail).ToBeCheckedAsync();
        await Expect(page.Locator("#nav-MyMail")).ToBeVisibleAsync();
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-modules.png", FullPage = true });
        }

        await Expect(other.Locator("#tab-mailbox")).ToBeVisibleAsync();
        Assert.True(await other.EvaluateAsync<bool>("() => window.pmNotReloaded === true"), "The second tab reloaded.");
        Assert.True(await IsEnabledInDatabaseAsync(CrmModule.MyMail));

        await other.ReloadAsync();
        await other.WaitForBlazorAsync();
        await Expect(other.Locator("#tab-mailbox")).ToBeVisibleAsync();

        // And off again: the tab goes away just as live.
        await other.EvaluateAsync("() => window.pmNotReloaded = true");
        await myMail.ClickAsync();
        await Expect(myMail).Not.ToBeCheckedAsync();
        await Expect(other.Locator("#tab-mailbox")).ToHaveCountAsync(0);
        await Expect(page.Locator("#nav-MyMail")).ToHaveCountAsync(0);
        Assert.True(await other.EvaluateAsync<bool>("() => window.pmNotReloaded === true"), "The second tab reloaded.");
        Assert.False(await IsEnabledInDatabaseAsync(CrmModule.MyMail));

        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(other.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        // No failed request (missing asset, broken link) and no script error on any page of the journey.
        Assert.True(Session.Errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", Session.Errors));
    }

    private async Task CreateAdministratorAndSignInAsync(IPage page)
    {
        // First run: whatever address is opened, the app asks for its administrator and the set-up code from its log.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        await page.Locator("#setup-code").FillAsync(_app.ReadSetupCode());
        await page.Locator("#setup-username").FillAsync(AdminName);
        await page.Locator("#setup-first-name").FillAsync("Ada");
        await page.Locator("#setup-last-name").FillAsync("Lovelace");
        await page.Locator("#setup-email").FillAsync("admin@example.test");
        await page.Locator("#setup-password").FillAsync(AdminPassword);
        await page.Locator("#setup-confirm").FillAsync(AdminPassword);
        await page.Locator("#setup-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.Locator("#login-username").FillAsync(AdminName);
        await page.Locator("#login-password").FillAsync(AdminPassword);
        await page.Locator("#login-submit").ClickAsync();

        await Expect(page.Locator("#user-menu-button")).ToBeVisibleAsync();
        await page.WaitForBlazorAsync();
    }

    private static async Task EditMySettingsAsync(IPage page)
    {
        await ChooseFromUserMenuAsync(page, "#user-menu-my-settings");
        await Expect(page).ToHaveURLAsync(new Regex("/my-settings$"));
        await Expect(page.Locator("#view-email")).ToHaveTextAsync("admin@example.test");
        await Expect(page.Locator("#view-mail-client")).ToHaveTextAsync("Internal – My mail");

        await page.Locator("#my-settings-edit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-settings/edit$"));
        var form = page.Locator("#my-settings-form");
        // The names come from the set-up: the first edit saves without retyping them (it failed on them before).
        await Expect(form.Locator("#section-account #edit-first-name")).ToHaveValueAsync("Ada");
        await Expect(form.Locator("#section-account #edit-last-name")).ToHaveValueAsync("Lovelace");
        var mail = form.Locator("#section-mail-integration");
        await mail.Locator("#edit-signature").FillAsync(Signature);
        await mail.Locator("#edit-mail-client-external").ClickAsync();
        await mail.Locator("#edit-open-page").ClickAsync();
        await page.Locator("#edit-save").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/my-settings$"));
        await Expect(page.GetByText("Your settings have been saved.")).ToBeVisibleAsync();
        await Expect(page.Locator("#view-first-name")).ToHaveTextAsync("Ada");
        await Expect(page.Locator("#view-last-name")).ToHaveTextAsync("Lovelace");
        await Expect(page.Locator("#view-email")).ToHaveTextAsync("admin@example.test");
        await Expect(page.Locator("#view-mail-client")).ToHaveTextAsync("External mail program (mailto:)");
        await Expect(page.Locator("#view-mail-open-mode")).ToHaveTextAsync("A separate page");
        await Expect(page.Locator("#view-signature")).ToHaveTextAsync(Signature);
        // The line break survives the round trip, not just the words (ToHaveText compares with whitespace collapsed).
        Assert.Equal(Signature, await page.Locator("#view-signature").TextContentAsync());
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-my-settings.png", FullPage = true });
        }
    }

    private static async Task ChooseFromUserMenuAsync(IPage page, string item)
    {
        await page.Locator("#user-menu-button").ClickAsync();
        // If this times out, clicking the user icon did not open the menu.
        await Expect(page.Locator(item)).ToBeVisibleAsync();
        await page.Locator(item).ClickAsync();
    }

    private async Task<bool> IsEnabledInDatabaseAsync(CrmModule module)
    {
        var factory = _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var setting = await db.ModuleSettings.AsNoTracking().SingleAsync(m => m.Module == module, TestContext.Current.CancellationToken);
        return setting.Enabled;
    }
}

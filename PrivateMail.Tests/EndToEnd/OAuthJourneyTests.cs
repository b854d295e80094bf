using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using static Microsoft.Playwright.Assertions;
using static PrivateMail.Tests.EndToEnd.JourneySteps;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>
/// Issue 7 end to end in Chromium: the administrator configures a generic OAuth 2.0 server pointing at the local
/// provider; the user signs in with it from the Mailbox tab, approves at the provider, comes back signed in, tests the
/// connection and scans mail with the token. The provider and an OAuth Dovecot are this test's own (the collection's
/// Dovecot has no oauth2 passdb); the collection gives the browser.
/// </summary>
[Collection(BrowserAndDovecotCollection.Name)]
public sealed class OAuthJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string AdminName = "admin";
    private const string AdminPassword = "Admin-password-1";
    private const string UserName = "jan";
    private const string UserPassword = "User-password-1";
    private const string ServerName = "Company OAuth";

    private readonly PrivateMailAppFactory _app = new();
    private OAuthTestProvider? _provider;
    private DovecotFixture? _dovecot;
    private BrowserSession? _adminSession;
    private BrowserSession? _userSession;

    private OAuthTestProvider Provider => _provider!;

    private DovecotFixture Dovecot => _dovecot!;

    public async ValueTask InitializeAsync()
    {
        _provider = await OAuthTestProvider.StartAsync(TestContext.Current.CancellationToken);
        // The journey shows the consent page and clicks Approve, as a person would.
        _provider.AutoApprove = false;
        _provider.AccountOf = user => $"{user}@example.test";
        _dovecot = await DovecotFixture.StartWithOAuthAsync(_provider.IntrospectionEndpoint, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_userSession is not null)
        {
            await _userSession.DisposeAsync();
        }

        if (_adminSession is not null)
        {
            await _adminSession.DisposeAsync();
        }

        await _app.DisposeAsync();
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task Administrator_configures_a_generic_oauth_server_and_the_user_signs_in_with_the_provider_and_scans_mail()
    {
        var watch = Stopwatch.StartNew();
        await _app.CreateUserAsync(AdminName, AdminPassword, administrator: true);
        await _app.CreateUserAsync(UserName, UserPassword, administrator: false);
        var messageId = await PutMailAsync();

        _adminSession = await browser.NewSessionAsync(_app.BaseAddress);
        var admin = await _adminSession.NewPageAsync();
        await SignInAsync(admin, AdminName, AdminPassword);
        await EnableMyMailAsync(admin);
        await AddOAuthServerAsync(admin);

        _userSession = await browser.NewSessionAsync(_app.BaseAddress);
        var page = await _userSession.NewPageAsync();
        await SignInAsync(page, UserName, UserPassword);
        await page.GotoAsync("/my-settings/mailbox");
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#mailbox-form")).ToBeVisibleAsync();
        await PickAsync(page, "mailbox-server", ServerName);
        await Expect(page.Locator("#mailbox-oauth")).ToHaveAttributeAsync("data-state", "NotSignedIn");
        await Expect(page.Locator("#mailbox-password")).ToHaveCountAsync(0);
        await page.Locator("#mailbox-login").FillAsync(Dovecot.Alice.Login);
        await page.Locator("#mailbox-login").PressAsync("Tab");
        await Expect(page.Locator("#mailbox-oauth-signin")).ToContainTextAsync($"Sign in with {ServerName}");

        // Off to the provider: its consent page knows who is signing in from the login hint.
        await page.Locator("#mailbox-oauth-signin").ClickAsync();
        await Expect(page.Locator("#provider-title")).ToBeVisibleAsync();
        Assert.StartsWith(Provider.AuthorizeEndpoint + "?", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("code_verifier", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#provider-user")).ToHaveValueAsync(Dovecot.Alice.Login);
        await page.Locator("#provider-approve").ClickAsync();

        // Back in the app, through its callback, on the Mailbox tab and signed in.
        await Expect(page).ToHaveURLAsync(new Regex("/my-settings/mailbox\\?oauth=signedin$"));
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#mailbox-oauth")).ToHaveAttributeAsync("data-state", "SignedIn");
        await Expect(page.Locator("#mailbox-oauth-status")).ToContainTextAsync($"Signed in as {Dovecot.Alice.Email} — token valid until");
        await Expect(page.Locator("#mailbox-oauth-signin")).ToContainTextAsync("Sign in again");
        Assert.Equal(1, Provider.CodeExchanges);
        Assert.Equal(0, Provider.PkceFailures);

        await page.Locator("#mailbox-test").ClickAsync();
        var result = page.Locator("#mailbox-test-result");
        await Expect(result).ToHaveAttributeAsync("data-succeeded", "true", new() { Timeout = 30_000 });
        await Expect(result).ToContainTextAsync($"Connected and signed in as {Dovecot.Alice.Login} (OAuth 2.0).");

        await page.Locator("#scan-now").ClickAsync();
        var run = page.Locator("#scan-history tbody tr").First;
        await Expect(run).ToHaveAttributeAsync("data-status", "Done", new() { Timeout = 30_000 });
        await Expect(run).ToContainTextAsync("1 / 1");
        if (Environment.GetEnvironmentVariable("PM_SCREENSHOTS") == "1")
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-oauth-signed-in.png", FullPage = true });
        }

        var factory = _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var secrets = _app.Services.GetRequiredService<PrivateMail.Web.Features.Secrets.SecretProtector>();
        string accessToken, refreshToken;
        await using (var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            Assert.True(await db.Emails.AnyAsync(e => e.MessageId == messageId, TestContext.Current.CancellationToken));
            var mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
            accessToken = secrets.Unprotect(mailbox.OAuthAccessTokenProtected)!;
            refreshToken = secrets.Unprotect(mailbox.OAuthRefreshTokenProtected)!;
        }

        // The tokens stay on the server: not in the page, not in the address.
        var html = await page.ContentAsync();
        Assert.True(Provider.IsActiveAccessToken(accessToken));
        Assert.DoesNotContain(accessToken, html, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshToken, html, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        var errors = _adminSession.Errors.Concat(_userSession.Errors).ToList();
        Assert.True(errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", errors));
        TestContext.Current.TestOutputHelper?.WriteLine($"OAuth journey took {watch.Elapsed.TotalSeconds:0.0} s.");
    }

    private async Task<string> PutMailAsync()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.com"));
        message.To.Add(Dovecot.Alice.Address);
        message.Subject = "Mail read with an OAuth token";
        message.MessageId = $"{Guid.NewGuid():N}@oauth-journey.test";
        message.Body = new TextPart("plain") { Text = "Hello." };
        await Dovecot.AppendAsync(Dovecot.Alice, "INBOX", message, TestContext.Current.CancellationToken);
        return message.MessageId;
    }

    private async Task AddOAuthServerAsync(IPage page)
    {
        await page.GotoAsync("/admin/mail-servers/new");
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#mail-server-form")).ToBeVisibleAsync();
        await page.Locator("#server-name").FillAsync(ServerName);
        await page.Locator("#server-imap-host").FillAsync(Dovecot.Host);
        await PickAsync(page, "server-imap-security", "None (unencrypted)");
        await page.Locator("#server-imap-port").FillAsync(Dovecot.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#server-imap-port").PressAsync("Tab");
        await page.Locator("#server-smtp-host").FillAsync(Dovecot.Host);

        await page.Locator("#server-auth-oauth2").ClickAsync();
        await Expect(page.Locator("#server-oauth")).ToBeVisibleAsync();
        await PickAsync(page, "server-oauth-provider", "Other (generic OAuth 2.0)");
        await page.Locator("#server-oauth-client-id").FillAsync(OAuthTestProvider.ClientId);
        await page.Locator("#server-oauth-client-secret").FillAsync(OAuthTestProvider.ClientSecret);
        await page.Locator("#server-oauth-authorize-url").FillAsync(Provider.AuthorizeEndpoint);
        await page.Locator("#server-oauth-token-url").FillAsync(Provider.TokenEndpoint);
        await page.Locator("#server-oauth-scopes").FillAsync("imap openid email");
        await page.Locator("#server-oauth-scopes").PressAsync("Tab");

        // What the administrator registers with the provider, with a warning: the test app runs on plain http.
        await Expect(page.Locator("#server-oauth-redirect-uri")).ToHaveValueAsync(_app.BaseAddress + "/oauth/callback");
        await Expect(page.Locator("#server-oauth-redirect-warning")).ToBeVisibleAsync();

        await page.Locator("#server-save").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/mail-servers$"));
        await Expect(page.GetByText("Mail server saved.")).ToBeVisibleAsync();
    }
}

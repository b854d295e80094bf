using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Web.Features.OAuth;

/// <summary>The Mailbox tab's OAuth 2.0 states: not signed in, signed in until a time, sign-in ended, and the callback's outcome.</summary>
public sealed class OAuthMailboxTabTests : MailboxTestContext
{
    private const string AuthorizeEndpoint = "https://login.example.test/oauth2/authorize";

    private IRenderedComponent<WithPopovers> RenderTab(string? query = null)
    {
        if (query is not null)
        {
            Services.GetRequiredService<NavigationManager>().NavigateTo("my-settings/mailbox" + query);
        }

        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");
        return page;
    }

    private async Task<int> AddGenericServerAsync()
    {
        var id = await AddServerAsync("Company OAuth", auth: MailAuthMethod.OAuth2, provider: OAuthProvider.Generic);
        await using var db = await CreateDbAsync();
        var server = await db.MailServers.SingleAsync(s => s.Id == id);
        server.OAuthClientId = "client-1";
        server.OAuthClientSecretProtected = Services.GetRequiredService<SecretProtector>().Protect("secret-1");
        server.OAuthAuthorizeEndpoint = AuthorizeEndpoint;
        server.OAuthTokenEndpoint = "https://login.example.test/oauth2/token";
        server.OAuthScopes = "imap offline_access";
        await db.SaveChangesAsync();
        return id;
    }

    private async Task SaveMailboxAsync(int serverId, Action<Mailbox> change)
    {
        var model = await ValidModelAsync(serverId, password: "");
        model.Login = "jan@example.test";
        await SaveOrFailAsync(model);
        await using var db = await CreateDbAsync();
        var user = await db.Users.SingleAsync(u => u.Id == JanId);
        user.TimeZone = "Europe/Warsaw";
        var mailbox = await db.Mailboxes.SingleAsync(m => m.OwnerId == JanId);
        change(mailbox);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Not_signed_in_the_tab_offers_sign_in_with_the_servers_provider()
    {
        await AddServerAsync("Google Workspace", auth: MailAuthMethod.OAuth2, provider: OAuthProvider.Google);

        var page = RenderTab();

        Assert.Equal("NotSignedIn", page.Find("#mailbox-oauth").GetAttribute("data-state"));
        Assert.Contains("sign in with the provider so the scanner can read your mail", page.Find("#mailbox-oauth-status").TextContent);
        Assert.Contains("Sign in with Google", page.Find("#mailbox-oauth-signin").TextContent);
        Assert.Empty(page.FindAll("#mailbox-oauth-error"));
    }

    [Fact]
    public async Task Signed_in_the_tab_shows_the_account_and_when_the_token_expires_in_the_users_time_zone_and_offers_sign_in_again()
    {
        var serverId = await AddGenericServerAsync();
        var secrets = Services.GetRequiredService<SecretProtector>();
        await SaveMailboxAsync(serverId, m =>
        {
            m.OAuthAccessTokenProtected = secrets.Protect("access-token-value");
            m.OAuthRefreshTokenProtected = secrets.Protect("refresh-token-value");
            m.OAuthExpiresAt = new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
            m.OAuthAccount = "jan@example.test";
        });

        var page = RenderTab();

        Assert.Equal("SignedIn", page.Find("#mailbox-oauth").GetAttribute("data-state"));
        Assert.Contains("Signed in as jan@example.test — token valid until 2026-03-01 13:30 (Europe/Warsaw)", page.Find("#mailbox-oauth-status").TextContent);
        Assert.Contains("Sign in again", page.Find("#mailbox-oauth-signin").TextContent);
        // Tokens never reach the page.
        Assert.DoesNotContain("access-token-value", page.Markup);
        Assert.DoesNotContain("refresh-token-value", page.Markup);
    }

    [Fact]
    public async Task After_the_provider_refused_renewal_the_tab_shows_the_lock_and_asks_to_sign_in_again()
    {
        var serverId = await AddGenericServerAsync();
        await SaveMailboxAsync(serverId, m =>
        {
            m.OAuthAccount = "jan@example.test";
            m.Status = MailboxStatus.Locked;
            m.LastError = "The OAuth 2.0 sign-in is no longer valid: the provider refused to renew the token (invalid_grant). Sign in again on the Mailbox tab.";
            m.LastErrorAt = new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
        });

        var page = RenderTab();

        Assert.Equal("Expired", page.Find("#mailbox-oauth").GetAttribute("data-state"));
        Assert.Contains("The sign-in of jan@example.test is no longer valid", page.Find("#mailbox-oauth-status").TextContent);
        Assert.Contains("Sign in again", page.Find("#mailbox-oauth-signin").TextContent);
        Assert.Contains("refused to renew the token (invalid_grant)", page.Find("#mailbox-locked").TextContent);
    }

    [Fact]
    public async Task Tokens_of_the_saved_server_do_not_count_for_another_server_chosen_in_the_form()
    {
        var serverId = await AddGenericServerAsync();
        var other = await AddServerAsync("Google Workspace", auth: MailAuthMethod.OAuth2, provider: OAuthProvider.Google);
        var secrets = Services.GetRequiredService<SecretProtector>();
        await SaveMailboxAsync(serverId, m =>
        {
            m.OAuthRefreshTokenProtected = secrets.Protect("refresh-token-value");
            m.OAuthExpiresAt = DateTimeOffset.UtcNow.AddHours(1);
            m.OAuthAccount = "jan@example.test";
        });

        var model = (await Mailboxes.GetAsync())!;
        model.MailServerId = other;
        await SaveOrFailAsync(model);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Null(stored.OAuthRefreshTokenProtected);
        Assert.Null(stored.OAuthAccount);
        var page = RenderTab();
        Assert.Equal("NotSignedIn", page.Find("#mailbox-oauth").GetAttribute("data-state"));
    }

    [Fact]
    public async Task Sign_in_saves_the_mailbox_and_sends_the_browser_to_the_provider_with_a_challenge_and_state_but_no_verifier()
    {
        await AddGenericServerAsync();
        var page = RenderTab();
        page.Find("#mailbox-login").Input("jan@example.test");

        await page.Find("#mailbox-oauth-signin").ClickAsync(new MouseEventArgs());

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.StartsWith(AuthorizeEndpoint + "?", navigation.Uri, StringComparison.Ordinal));
        var query = QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("client-1", query["client_id"]);
        Assert.Equal("http://localhost/oauth/callback", query["redirect_uri"]);
        Assert.Equal("imap offline_access", query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.True(query["state"].ToString().Length >= 43);
        Assert.Equal("jan@example.test", query["login_hint"]);
        Assert.False(query.ContainsKey("code_verifier"));
        Assert.False(query.ContainsKey("client_secret"));
        Assert.Equal("jan@example.test", (await LoadMailboxAsync(JanId))!.Login);
    }

    [Fact]
    public async Task Back_from_a_refused_callback_the_tab_explains_in_the_users_language()
    {
        UseCulture("pl");
        await AddGenericServerAsync();

        var page = RenderTab("?oauth=state");

        var error = page.Find("#mailbox-oauth-error");
        Assert.Equal("state", error.GetAttribute("data-outcome"));
        Assert.Contains("Nie udało się dokończyć logowania", error.TextContent);
        Assert.Contains("Zaloguj przez Company OAuth", page.Find("#mailbox-oauth-signin").TextContent);
    }

    [Fact]
    public async Task An_unknown_outcome_in_the_address_shows_nothing()
    {
        await AddGenericServerAsync();

        var page = RenderTab("?oauth=%3Cscript%3E");

        Assert.Empty(page.FindAll("#mailbox-oauth-error"));
    }
}

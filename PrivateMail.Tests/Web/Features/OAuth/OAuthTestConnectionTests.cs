using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Web.Features.OAuth;

/// <summary>Test connection and Load folders on the Mailbox tab with the stored OAuth 2.0 sign-in, against the OAuth Dovecot.</summary>
[Collection(OAuthDovecotCollection.Name)]
public sealed class OAuthTestConnectionTests(OAuthDovecotFixture fixture) : MailboxTestContext
{
    private static readonly TimeSpan ImapBound = TimeSpan.FromSeconds(20);

    private async Task SignedInMailboxAsync(string accessToken, DateTimeOffset expiresAt)
    {
        var serverId = await AddServerAsync("Local OAuth", fixture.Dovecot.Host, fixture.Dovecot.ImapPort, MailSecurity.None,
            auth: MailAuthMethod.OAuth2, provider: OAuthProvider.Generic);
        var secrets = Services.GetRequiredService<SecretProtector>();
        await using (var db = await CreateDbAsync())
        {
            var server = await db.MailServers.SingleAsync(s => s.Id == serverId);
            server.OAuthClientId = OAuthTestProvider.ClientId;
            server.OAuthClientSecretProtected = secrets.Protect(OAuthTestProvider.ClientSecret);
            server.OAuthAuthorizeEndpoint = fixture.Provider.AuthorizeEndpoint;
            server.OAuthTokenEndpoint = fixture.Provider.TokenEndpoint;
            server.OAuthScopes = "imap";
            await db.SaveChangesAsync();
        }

        var model = await ValidModelAsync(serverId, password: "");
        model.Login = fixture.Dovecot.Alice.Login;
        await SaveOrFailAsync(model);
        await using (var db = await CreateDbAsync())
        {
            var mailbox = await db.Mailboxes.SingleAsync(m => m.OwnerId == JanId);
            mailbox.OAuthAccessTokenProtected = secrets.Protect(accessToken);
            mailbox.OAuthRefreshTokenProtected = secrets.Protect("rt-unknown-to-the-provider");
            mailbox.OAuthExpiresAt = expiresAt;
            mailbox.OAuthAccount = fixture.Dovecot.Alice.Email;
            await db.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task Test_connection_and_load_folders_sign_in_with_the_stored_token()
    {
        await SignedInMailboxAsync(fixture.Provider.IssueAccessToken(fixture.Dovecot.Alice.Login), DateTimeOffset.UtcNow.AddHours(1));
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");

        await page.Find("#mailbox-test").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#mailbox-test-result").GetAttribute("data-succeeded")), ImapBound);
        Assert.Contains("Connected and signed in as alice (OAuth 2.0).", page.Find("#mailbox-test-result").TextContent);

        await page.Find("#mailbox-load-folders").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Equal("Loaded", page.Find("#mailbox-folders").GetAttribute("data-state")), ImapBound);
        Assert.NotEmpty(page.FindAll("#mailbox-folders .pm-folder[data-folder='INBOX']"));
    }

    [Fact]
    public async Task Test_connection_with_a_token_the_provider_cannot_renew_shows_why_and_locks_the_mailbox()
    {
        // Expires within five minutes and the refresh token is unknown to the provider: renewal is refused.
        await SignedInMailboxAsync("at-not-valid", DateTimeOffset.UtcNow.AddMinutes(2));
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");

        await page.Find("#mailbox-test").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("false", page.Find("#mailbox-test-result").GetAttribute("data-succeeded")), ImapBound);
        Assert.Contains("the provider refused to renew the token (invalid_grant)", page.Find("#mailbox-test-result").TextContent);
        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal(MailboxStatus.Locked, stored.Status);
        Assert.Null(stored.OAuthRefreshTokenProtected);
    }
}

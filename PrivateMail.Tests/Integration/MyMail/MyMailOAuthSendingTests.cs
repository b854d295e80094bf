using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration.MyMail;

/// <summary>Sending with SASL XOAUTH2: Postfix asks Dovecot, whose oauth2 passdb introspects the token at the local provider.</summary>
public sealed class MyMailOAuthSendingTests : IAsyncLifetime
{
    private OAuthTestProvider _provider = null!;
    private PostfixFixture _postfix = null!;
    private MyMailHarness _h = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _provider = await OAuthTestProvider.StartAsync(ct);
        _postfix = await PostfixFixture.StartAsync(ct, await DovecotFixture.StartWithLmtpAsync(ct, _provider.IntrospectionEndpoint));
        _h = await MyMailHarness.StartAsync(_postfix);
    }

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        var dovecot = _postfix.Dovecot;
        await _postfix.DisposeAsync();
        await dovecot.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_mailbox_signed_in_with_oauth_sends_over_xoauth2_and_the_message_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var secrets = _h.App.Services.GetRequiredService<SecretProtector>();
        await _h.UpdateServerAsync(s =>
        {
            s.AuthMethod = MailAuthMethod.OAuth2;
            s.OAuthProvider = OAuthProvider.Generic;
            s.OAuthClientId = OAuthTestProvider.ClientId;
            s.OAuthClientSecretProtected = secrets.Protect(OAuthTestProvider.ClientSecret);
            s.OAuthAuthorizeEndpoint = _provider.AuthorizeEndpoint;
            s.OAuthTokenEndpoint = _provider.TokenEndpoint;
            s.OAuthScopes = "mail";
        });
        await using (var db = await _h.DbAsync())
        {
            var mailbox = await db.Mailboxes.SingleAsync(m => m.Id == _h.MailboxId, ct);
            mailbox.PasswordProtected = null;
            mailbox.OAuthAccessTokenProtected = secrets.Protect(_provider.IssueAccessToken("alice"));
            mailbox.OAuthExpiresAt = DateTimeOffset.UtcNow.AddHours(1);
            mailbox.OAuthAccount = "alice";
            await db.SaveChangesAsync(ct);
        }

        var marker = Guid.NewGuid().ToString("N");
        var introspections = _provider.Introspections;
        await using var alice = await _h.AsAsync("alice");
        var result = await alice.Get<IMyMailSender>().SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = "OAuth " + marker, Body = "x" }, ct);
        Assert.True(result.Succeeded, result.Message);
        Assert.True(_provider.Introspections > introspections, "Dovecot never asked the provider about the token.");
        var received = await _h.WaitForDeliveryAsync(_postfix.Dovecot.Bob, marker);
        Assert.Equal("alice@example.test", received.From.Mailboxes.Single().Address);
    }
}

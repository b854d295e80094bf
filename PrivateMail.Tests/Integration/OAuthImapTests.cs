using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>IMAP login with OAuth 2.0 access tokens against a real Dovecot that introspects them at the local provider.</summary>
[Collection(OAuthDovecotCollection.Name)]
public sealed class OAuthImapTests(OAuthDovecotFixture fixture)
{
    private DovecotFixture Dovecot => fixture.Dovecot;

    private OAuthTestProvider Provider => fixture.Provider;

    private ImapEndpoint Plain => new(Dovecot.Host, Dovecot.ImapPort, MailSecurity.None, ValidateCertificate: false);

    private static ImapConnector Connector() => new(Options.Create(new ImapOptions()), NullLogger<ImapConnector>.Instance);

    [Fact]
    public async Task The_connector_signs_in_with_a_valid_token_over_xoauth2()
    {
        var token = Provider.IssueAccessToken(Dovecot.Alice.Login);

        var result = await Connector().TestAsync(Plain, ImapCredentials.OAuth(Dovecot.Alice.Login, token));

        Assert.True(result.Succeeded, $"{result.Failure}: {result.Detail}");
        Assert.True(result.Authenticated);
    }

    [Fact]
    public async Task Another_users_token_is_refused_by_dovecot()
    {
        var alicesToken = Provider.IssueAccessToken(Dovecot.Alice.Login);

        var result = await Connector().TestAsync(Plain, ImapCredentials.OAuth(Dovecot.Bob.Login, alicesToken));

        Assert.Equal(ConnectionFailure.AuthenticationFailed, result.Failure);
    }

    [Fact]
    public async Task An_expired_or_unknown_token_is_refused_by_dovecot()
    {
        var token = Provider.IssueAccessToken(Dovecot.Bob.Login);
        Provider.ExpireAccessTokens(Dovecot.Bob.Login);

        var result = await Connector().TestAsync(Plain, ImapCredentials.OAuth(Dovecot.Bob.Login, token));

        Assert.Equal(ConnectionFailure.AuthenticationFailed, result.Failure);
    }

    [Fact]
    public async Task Credentials_that_could_not_be_obtained_fail_with_their_reason_without_connecting()
    {
        var introspections = Provider.Introspections;

        var result = await Connector().TestAsync(Plain, ImapCredentials.Failed("Sign in again."));

        Assert.Equal(ConnectionFailure.CredentialsUnavailable, result.Failure);
        Assert.Equal("Sign in again.", ConnectionMessages.Describe(result, Plain));
        Assert.Equal(introspections, Provider.Introspections);
    }

    [Fact]
    public async Task On_a_server_offering_only_oauthbearer_the_connector_uses_it_and_dovecot_still_refuses_another_users_token()
    {
        await using var bearerOnly = await DovecotFixture.StartWithOAuthAsync(Provider.IntrospectionEndpoint, TestContext.Current.CancellationToken, "oauthbearer");
        var endpoint = new ImapEndpoint(bearerOnly.Host, bearerOnly.ImapPort, MailSecurity.None, ValidateCertificate: false);
        var token = Provider.IssueAccessToken(bearerOnly.Alice.Login);
        var connector = Connector();

        using (var probe = new ImapClient())
        {
            await probe.ConnectAsync(bearerOnly.Host, bearerOnly.ImapPort, SecureSocketOptions.None);
            Assert.Contains("OAUTHBEARER", probe.AuthenticationMechanisms);
            Assert.DoesNotContain("XOAUTH2", probe.AuthenticationMechanisms);
        }

        var asAlice = await connector.TestAsync(endpoint, ImapCredentials.OAuth(bearerOnly.Alice.Login, token));
        var asBob = await connector.TestAsync(endpoint, ImapCredentials.OAuth(bearerOnly.Bob.Login, token));

        Assert.True(asAlice.Succeeded, $"{asAlice.Failure}: {asAlice.Detail}");
        Assert.Equal(ConnectionFailure.AuthenticationFailed, asBob.Failure);
    }

    [Fact]
    public async Task Dovecot_also_accepts_the_token_over_oauthbearer_and_passwords_still_work_over_plain()
    {
        var token = Provider.IssueAccessToken(Dovecot.Alice.Login);
        using (var client = new ImapClient())
        {
            await client.ConnectAsync(Dovecot.Host, Dovecot.ImapPort, SecureSocketOptions.None);
            Assert.Contains("OAUTHBEARER", client.AuthenticationMechanisms);
            Assert.Contains("XOAUTH2", client.AuthenticationMechanisms);
            await client.AuthenticateAsync(new SaslMechanismOAuthBearer(Dovecot.Alice.Login, token));
            Assert.True(client.IsAuthenticated);
        }

        using var withPassword = await Dovecot.ConnectAsync(Dovecot.Bob, SecureSocketOptions.None);
        Assert.True(withPassword.IsAuthenticated);
    }
}

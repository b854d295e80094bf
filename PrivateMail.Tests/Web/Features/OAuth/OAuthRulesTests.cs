using System.Text;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.OAuth;

namespace PrivateMail.Tests.Web.Features.OAuth;

/// <summary>The small rules of the sign-in: redirect URI, local return addresses, state lifetime, ID token account, outcome words.</summary>
public sealed class OAuthRulesTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:5080/", "http://127.0.0.1:5080/oauth/callback")]
    [InlineData("", "http://localhost/", "http://localhost/oauth/callback")]
    [InlineData("https://crm.example.com", "http://10.0.0.5:8080/", "https://crm.example.com/oauth/callback")]
    [InlineData("https://crm.example.com/privatemail/", "http://10.0.0.5:8080/", "https://crm.example.com/privatemail/oauth/callback")]
    public void The_redirect_uri_comes_from_the_public_base_url_else_the_request(string? publicBaseUrl, string requestBase, string expected) =>
        Assert.Equal(expected, OAuthRedirect.Build(publicBaseUrl, requestBase));

    [Theory]
    [InlineData("https://crm.example.com/oauth/callback", true)]
    [InlineData("http://crm.example.com/oauth/callback", false)]
    [InlineData("http://localhost/oauth/callback", false)]
    public void Only_https_redirect_uris_count_as_secure(string uri, bool secure) => Assert.Equal(secure, OAuthRedirect.IsSecure(uri));

    [Theory]
    [InlineData("/my-settings/mailbox", "/my-settings/mailbox")]
    [InlineData("/records/emails?page=2", "/records/emails?page=2")]
    [InlineData("//evil.example/phish", "/my-settings/mailbox")]
    [InlineData("/\\evil.example", "/my-settings/mailbox")]
    [InlineData("https://evil.example/", "/my-settings/mailbox")]
    [InlineData("/redirect?to=https://evil.example", "/my-settings/mailbox")]
    [InlineData("my-settings", "/my-settings/mailbox")]
    [InlineData("", "/my-settings/mailbox")]
    [InlineData(null, "/my-settings/mailbox")]
    public void Only_local_return_addresses_are_kept(string? returnUrl, string expected) =>
        Assert.Equal(expected, OAuthRedirect.LocalOrMailboxTab(returnUrl));

    [Fact]
    public void A_state_is_single_use()
    {
        var pending = new OAuthPendingSignIns(new ManualClock(DateTimeOffset.UtcNow));
        var state = pending.Add("user-1", 1, 2, "verifier", "http://localhost/oauth/callback", "/my-settings/mailbox");

        Assert.Equal("user-1", pending.Take(state)?.UserId);
        Assert.Null(pending.Take(state));
        Assert.Null(pending.Take("unknown"));
        Assert.Null(pending.Take(null));
    }

    [Fact]
    public void A_state_expires_after_ten_minutes()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));
        var pending = new OAuthPendingSignIns(clock);
        var fresh = pending.Add("user-1", 1, 2, "verifier-1", "r", "/");
        var stale = pending.Add("user-1", 1, 2, "verifier-2", "r", "/");

        clock.Now += TimeSpan.FromMinutes(9);
        Assert.Equal("verifier-1", pending.Take(fresh)?.CodeVerifier);
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.Null(pending.Take(stale));
    }

    [Fact]
    public void States_and_verifiers_are_random_43_character_base64url_values_and_the_challenge_is_their_sha256()
    {
        var a = OAuthPendingSignIns.RandomToken();
        var b = OAuthPendingSignIns.RandomToken();

        Assert.NotEqual(a, b);
        Assert.Equal(43, a.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", a);
        var expected = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(a)));
        Assert.Equal(expected, OAuthPendingSignIns.Challenge(a));
        Assert.NotEqual(a, OAuthPendingSignIns.Challenge(a));
    }

    [Theory]
    [InlineData("""{"sub":"1","email":"jan@example.com"}""", "jan@example.com")]
    [InlineData("""{"sub":"1","preferred_username":"jan@contoso.com"}""", "jan@contoso.com")]
    [InlineData("""{"sub":"1","upn":"jan@corp.example"}""", "jan@corp.example")]
    [InlineData("""{"sub":"1"}""", null)]
    [InlineData("""[1,2]""", null)]
    public void The_account_is_read_from_the_id_token(string payload, string? expected)
    {
        var idToken = $"eyJhbGciOiJub25lIn0.{System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.";

        Assert.Equal(expected, OAuthTokenClient.AccountFromIdToken(idToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.%%%.b")]
    public void A_missing_or_malformed_id_token_names_no_account(string? idToken) => Assert.Null(OAuthTokenClient.AccountFromIdToken(idToken));

    [Fact]
    public void Every_outcome_round_trips_through_the_return_address_and_nothing_else_does()
    {
        foreach (var outcome in Enum.GetValues<OAuthSignInOutcome>())
        {
            Assert.Equal(outcome, OAuthSignIn.ParseOutcome(OAuthSignIn.OutcomeValue(outcome)));
        }

        Assert.Null(OAuthSignIn.ParseOutcome("<script>"));
        Assert.Null(OAuthSignIn.ParseOutcome(null));
    }
}

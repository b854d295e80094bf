using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// The OAuth 2.0 sign-in end to end without a browser: the real app on Kestrel, a signed-in HTTP client following the
/// provider's redirect to the app's callback, the local provider checking PKCE, and the real Dovecot introspecting the
/// token when the scanner logs in with it.
/// </summary>
[Collection(OAuthDovecotCollection.Name)]
public sealed class OAuthFlowTests(OAuthDovecotFixture fixture) : IAsyncLifetime
{
    private const string Password = "User-password-1";
    private readonly PrivateMailAppFactory _app = new();
    private string _janId = "";
    private string _evaId = "";
    private int _mailboxId;

    private OAuthTestProvider Provider => fixture.Provider;

    private DovecotFixture Dovecot => fixture.Dovecot;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Provider.AutoApprove = true;
        Provider.AccountOf = user => $"{user}@example.test";
        await _app.CreateUserAsync("admin", Password, administrator: true);
        _janId = (await _app.CreateUserAsync("jan", Password, administrator: false)).Id;
        _evaId = (await _app.CreateUserAsync("eva", Password, administrator: false)).Id;
        // The mailbox's OAuth sign-in is part of My mail, which ships disabled.
        await _app.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "admin", Ct);
        var secrets = _app.Services.GetRequiredService<SecretProtector>();
        await using var db = await CreateDbAsync();
        var server = new MailServer
        {
            Name = "Local OAuth",
            ImapHost = Dovecot.Host,
            ImapPort = Dovecot.ImapPort,
            ImapSecurity = MailSecurity.None,
            ValidateCertificate = false,
            SmtpHost = Dovecot.Host,
            AuthMethod = MailAuthMethod.OAuth2,
            OAuthProvider = OAuthProvider.Generic,
            OAuthClientId = OAuthTestProvider.ClientId,
            OAuthClientSecretProtected = secrets.Protect(OAuthTestProvider.ClientSecret),
            OAuthAuthorizeEndpoint = Provider.AuthorizeEndpoint,
            OAuthTokenEndpoint = Provider.TokenEndpoint,
            OAuthScopes = "imap openid email",
        };
        db.MailServers.Add(server);
        await db.SaveChangesAsync(Ct);
        var mailbox = NewMailbox(_janId, server.Id, Dovecot.Alice.Login);
        db.Mailboxes.Add(mailbox);
        db.Mailboxes.Add(NewMailbox(_evaId, server.Id, Dovecot.Bob.Login));
        await db.SaveChangesAsync(Ct);
        _mailboxId = mailbox.Id;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_code_flow_with_pkce_stores_encrypted_tokens_and_a_scan_logs_in_with_them_and_stores_mail()
    {
        var exchanges = Provider.CodeExchanges;
        var messageId = await PutMailAsync(Dovecot.Alice);
        using var jan = await _app.CreateSignedInClientAsync("jan", Password);

        var callback = await AuthorizeAsync(_janId);
        Assert.StartsWith(_app.BaseAddress + OAuthRedirect.CallbackPath + "?", callback.OriginalString, StringComparison.Ordinal);
        var back = await FollowCallbackAsync(jan, callback);

        Assert.Equal("/my-settings/mailbox?oauth=signedin", back);
        Assert.Equal(exchanges + 1, Provider.CodeExchanges);
        // The browser saw the S256 challenge and the login hint, never the verifier.
        var query = QueryHelpers.ParseQuery(Provider.AuthorizeQueries[^1]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Equal(Dovecot.Alice.Login, query["login_hint"]);
        Assert.False(query.ContainsKey("code_verifier"));

        var stored = await LoadMailboxAsync();
        Assert.Equal("alice@example.test", stored.OAuthAccount);
        Assert.InRange(stored.OAuthExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        var access = Unprotect(stored.OAuthAccessTokenProtected);
        var refresh = Unprotect(stored.OAuthRefreshTokenProtected);
        Assert.True(Provider.IsActiveAccessToken(access));
        Assert.StartsWith("rt-", refresh, StringComparison.Ordinal);

        var scan = await ScanAsync();
        Assert.Equal(ScanRunStatus.Done, scan.Status);
        Assert.True(scan.Stored >= 1, scan.FirstError);
        await using (var db = await CreateDbAsync())
        {
            Assert.True(await db.Emails.AnyAsync(e => e.MailboxId == _mailboxId && e.MessageId == messageId, Ct));
        }

        // Only the encrypted form is on disk: neither token appears in the SQLite files.
        var onDisk = ReadDatabaseFiles();
        Assert.DoesNotContain(access, onDisk, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, onDisk, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_expiring_within_five_minutes_is_refreshed_before_the_scan_logs_in()
    {
        await SignInJanAsync();
        var messageId = await PutMailAsync(Dovecot.Alice);
        var oldAccess = Unprotect((await LoadMailboxAsync()).OAuthAccessTokenProtected);
        await SetExpiryAsync(DateTimeOffset.UtcNow.AddMinutes(4));
        // The old token no longer opens the mailbox: only a refreshed one can make the scan succeed.
        Provider.ExpireAccessTokens(Dovecot.Alice.Login);
        var refreshes = Provider.RefreshGrants;

        var scan = await ScanAsync();

        Assert.Equal(ScanRunStatus.Done, scan.Status);
        Assert.Equal(refreshes + 1, Provider.RefreshGrants);
        var stored = await LoadMailboxAsync();
        Assert.NotEqual(oldAccess, Unprotect(stored.OAuthAccessTokenProtected));
        Assert.True(stored.OAuthExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.NotNull(stored.OAuthRefreshTokenProtected);
        await using var db = await CreateDbAsync();
        Assert.True(await db.Emails.AnyAsync(e => e.MailboxId == _mailboxId && e.MessageId == messageId, Ct));
    }

    [Fact]
    public async Task A_token_with_more_than_five_minutes_left_is_used_as_it_is()
    {
        await SignInJanAsync();
        await SetExpiryAsync(DateTimeOffset.UtcNow.AddMinutes(6));
        var refreshes = Provider.RefreshGrants;

        var scan = await ScanAsync();

        Assert.Equal(ScanRunStatus.Done, scan.Status);
        Assert.Equal(refreshes, Provider.RefreshGrants);
    }

    [Fact]
    public async Task Two_callers_needing_a_refresh_at_once_share_one_refresh()
    {
        await SignInJanAsync();
        await SetExpiryAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        var refreshes = Provider.RefreshGrants;
        var credentials = _app.Services.GetRequiredService<MailboxCredentials>();

        var both = await Task.WhenAll(
            credentials.GetOAuthAsync(_mailboxId, null, Ct),
            credentials.GetOAuthAsync(_mailboxId, null, Ct));

        Assert.Equal(refreshes + 1, Provider.RefreshGrants);
        Assert.Equal(both[0].Password, both[1].Password);
        Assert.True(both[0].IsOAuth);
        Assert.Equal(Dovecot.Alice.Login, both[0].Login);
        Assert.True(Provider.IsActiveAccessToken(both[0].Password));
    }

    [Theory]
    [InlineData("en", "the provider refused to renew the token (invalid_grant)")]
    [InlineData("pl", "dostawca odmówił odnowienia tokenu (invalid_grant)")]
    public async Task A_revoked_refresh_token_locks_the_mailbox_with_the_reason_in_the_owners_language_and_ends_the_sign_in(string language, string reason)
    {
        await SignInJanAsync();
        await using (var db = await CreateDbAsync())
        {
            await db.Users.Where(u => u.Id == _janId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, language), Ct);
        }

        Provider.Revoke(Dovecot.Alice.Login);
        await SetExpiryAsync(DateTimeOffset.UtcNow.AddMinutes(2));

        var scan = await ScanAsync();

        Assert.Equal(ScanRunStatus.Error, scan.Status);
        var stored = await LoadMailboxAsync();
        Assert.Equal(MailboxStatus.Locked, stored.Status);
        Assert.Contains(reason, stored.LastError, StringComparison.Ordinal);
        Assert.Contains(reason, scan.FirstError, StringComparison.Ordinal);
        Assert.Null(stored.OAuthAccessTokenProtected);
        Assert.Null(stored.OAuthRefreshTokenProtected);
        Assert.Equal("alice@example.test", stored.OAuthAccount);
    }

    [Fact]
    public async Task The_schedule_scans_a_signed_in_oauth_mailbox_and_skips_one_whose_sign_in_was_refused()
    {
        await SignInJanAsync();
        await _app.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "admin", Ct);

        await RunScheduleAsync();
        Assert.Equal(1, await ScanRunsAsync());

        await using (var db = await CreateDbAsync())
        {
            await db.Mailboxes.Where(m => m.Id == _mailboxId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.OAuthRefreshTokenProtected, (string?)null)
                .SetProperty(m => m.OAuthAccessTokenProtected, (string?)null), Ct);
        }

        await RunScheduleAsync();
        Assert.Equal(1, await ScanRunsAsync());
    }

    [Fact]
    public async Task A_signed_in_sign_in_again_after_a_lock_unlocks_the_mailbox()
    {
        await using (var db = await CreateDbAsync())
        {
            await db.Mailboxes.Where(m => m.Id == _mailboxId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MailboxStatus.Locked).SetProperty(m => m.LastError, "refused"), Ct);
        }

        await SignInJanAsync();

        var stored = await LoadMailboxAsync();
        Assert.Equal(MailboxStatus.Active, stored.Status);
        Assert.Null(stored.LastError);
    }

    [Fact]
    public async Task A_forged_state_is_refused_without_asking_the_provider()
    {
        using var jan = await _app.CreateSignedInClientAsync("jan", Password);
        var refused = Provider.RefusedTokenRequests;
        var exchanges = Provider.CodeExchanges;

        var back = await FollowCallbackAsync(jan, new Uri($"{_app.BaseAddress}{OAuthRedirect.CallbackPath}?state=forged-state&code=some-code"));

        Assert.Equal("/my-settings/mailbox?oauth=state", back);
        Assert.Equal(refused, Provider.RefusedTokenRequests);
        Assert.Equal(exchanges, Provider.CodeExchanges);
        Assert.Null((await LoadMailboxAsync()).OAuthAccessTokenProtected);
    }

    [Fact]
    public async Task A_replayed_callback_is_refused_and_a_used_code_with_a_fresh_state_is_refused_by_the_provider()
    {
        using var jan = await _app.CreateSignedInClientAsync("jan", Password);
        var callback = await AuthorizeAsync(_janId);
        Assert.Equal("/my-settings/mailbox?oauth=signedin", await FollowCallbackAsync(jan, callback));
        var signedIn = await LoadMailboxAsync();

        // The same callback again: its state was used up.
        Assert.Equal("/my-settings/mailbox?oauth=state", await FollowCallbackAsync(jan, callback));

        // The old code under a new, valid state: the provider refuses the spent code and nothing is stored.
        var usedCode = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var start = await BeginAsync(_janId);
        var newState = QueryHelpers.ParseQuery(new Uri(start).Query)["state"].ToString();
        var refused = Provider.RefusedTokenRequests;
        var back = await FollowCallbackAsync(jan, new Uri(
            $"{_app.BaseAddress}{OAuthRedirect.CallbackPath}?code={Uri.EscapeDataString(usedCode)}&state={Uri.EscapeDataString(newState)}"));

        Assert.Equal("/my-settings/mailbox?oauth=exchangefailed", back);
        Assert.Equal(refused + 1, Provider.RefusedTokenRequests);
        Assert.Equal(signedIn.OAuthAccessTokenProtected, (await LoadMailboxAsync()).OAuthAccessTokenProtected);
    }

    [Fact]
    public async Task Another_user_cannot_complete_a_flow_started_by_the_owner_and_the_state_is_spent()
    {
        using var eva = await _app.CreateSignedInClientAsync("eva", Password);
        using var jan = await _app.CreateSignedInClientAsync("jan", Password);
        var exchanges = Provider.CodeExchanges;
        var callback = await AuthorizeAsync(_janId);

        Assert.Equal("/my-settings/mailbox?oauth=state", await FollowCallbackAsync(eva, callback));
        Assert.Equal("/my-settings/mailbox?oauth=state", await FollowCallbackAsync(jan, callback));

        Assert.Equal(exchanges, Provider.CodeExchanges);
        await using var db = await CreateDbAsync();
        Assert.False(await db.Mailboxes.AnyAsync(m => m.OAuthAccessTokenProtected != null, Ct));
    }

    [Fact]
    public async Task The_callback_requires_a_signed_in_user()
    {
        using var anonymous = _app.CreateHttpClient();
        var callback = await AuthorizeAsync(_janId);

        using var response = await anonymous.GetAsync(callback, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Null((await LoadMailboxAsync()).OAuthAccessTokenProtected);
    }

    [Fact]
    public async Task A_declined_consent_comes_back_as_denied_and_stores_nothing()
    {
        using var jan = await _app.CreateSignedInClientAsync("jan", Password);
        var start = await BeginAsync(_janId);
        var state = QueryHelpers.ParseQuery(new Uri(start).Query)["state"].ToString();

        var back = await FollowCallbackAsync(jan, new Uri(
            $"{_app.BaseAddress}{OAuthRedirect.CallbackPath}?error=access_denied&state={Uri.EscapeDataString(state)}"));

        Assert.Equal("/my-settings/mailbox?oauth=denied", back);
        Assert.Null((await LoadMailboxAsync()).OAuthAccessTokenProtected);
    }

    private static Mailbox NewMailbox(string ownerId, int serverId, string login) => new()
    {
        OwnerId = ownerId,
        Name = "OAuth mailbox",
        MailServerId = serverId,
        Login = login,
        Folders = ["INBOX"],
        ImportSince = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-2)),
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private async Task<string> BeginAsync(string userId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var start = await scope.ServiceProvider.GetRequiredService<OAuthSignIn>().BeginAsync(userId, _app.BaseAddress + "/", null, Ct);
        return start.AuthorizeUrl ?? throw new InvalidOperationException($"Sign-in did not start: {start.Failure}");
    }

    /// <summary>Starts the flow for the user and lets the provider approve: the provider's redirect to the app's callback.</summary>
    private async Task<Uri> AuthorizeAsync(string userId)
    {
        var authorizeUrl = await BeginAsync(userId);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var response = await browser.GetAsync(authorizeUrl, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<string> FollowCallbackAsync(HttpClient client, Uri callback)
    {
        using var response = await client.GetAsync(callback, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private async Task SignInJanAsync()
    {
        using var jan = await _app.CreateSignedInClientAsync("jan", Password);
        Assert.Equal("/my-settings/mailbox?oauth=signedin", await FollowCallbackAsync(jan, await AuthorizeAsync(_janId)));
    }

    private async Task<ScanProgress> ScanAsync() =>
        await _app.Services.GetRequiredService<ScanCoordinator>().RunAsync(_mailboxId, null, Ct)
        ?? throw new InvalidOperationException("A scan of the mailbox was already running.");

    private async Task RunScheduleAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var schedule = scope.ServiceProvider.GetRequiredService<ScheduledScan>();
        schedule.CancellationToken = Ct;
        await schedule.Invoke();
    }

    private async Task<int> ScanRunsAsync()
    {
        await using var db = await CreateDbAsync();
        return await db.ScanRuns.CountAsync(r => r.MailboxId == _mailboxId, Ct);
    }

    private async Task SetExpiryAsync(DateTimeOffset expiresAt)
    {
        await using var db = await CreateDbAsync();
        var mailbox = await db.Mailboxes.SingleAsync(m => m.Id == _mailboxId, Ct);
        mailbox.OAuthExpiresAt = expiresAt;
        await db.SaveChangesAsync(Ct);
    }

    private async Task<string> PutMailAsync(DovecotUser user)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.com"));
        message.To.Add(user.Address);
        message.Subject = "OAuth scan";
        message.MessageId = $"{Guid.NewGuid():N}@oauth.test";
        message.Body = new TextPart("plain") { Text = "Hello." };
        await Dovecot.AppendAsync(user, "INBOX", message, Ct);
        return message.MessageId;
    }

    private string Unprotect(string? value) =>
        _app.Services.GetRequiredService<SecretProtector>().Unprotect(value) ?? throw new InvalidOperationException("Not decryptable.");

    private async Task<Mailbox> LoadMailboxAsync()
    {
        await using var db = await CreateDbAsync();
        return await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == _mailboxId, Ct);
    }

    private async Task<AppDbContext> CreateDbAsync() =>
        await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private string ReadDatabaseFiles()
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFiles(_app.DataDirectory, "privatemail.db*"))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            text.Append(reader.ReadToEnd());
        }

        Assert.True(text.Length > 0, "No database files found.");
        return text.ToString();
    }
}

using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration;

/// <summary>Sign-in, renewal and a scan with every log line recorded: no token, code or verifier is ever written.</summary>
[Collection(OAuthDovecotCollection.Name)]
public sealed class OAuthLoggingTests(OAuthDovecotFixture fixture) : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly RecordingLoggerProvider _logs = new();
    private AppServices? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        fixture.Provider.AutoApprove = true;
        _app = await AppServices.StartAsync(_database, configure: s => s.AddSingleton<ILoggerProvider>(_logs));
        await _app.Services.GetRequiredService<PrivateMail.Web.Features.Modules.ModuleService>().SetEnabledAsync(PrivateMail.Domain.Modules.CrmModule.MyMail, true, "test", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task Tokens_codes_and_verifiers_never_reach_the_logs()
    {
        var services = _app!.Services;
        var secrets = services.GetRequiredService<SecretProtector>();
        int mailboxId;
        string owner;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@crm.example", ProvenEmail = "olga@crm.example", SecurityStamp = "x" };
            db.Users.Add(user);
            var server = new MailServer
            {
                Name = "OAuth", ImapHost = fixture.Dovecot.Host, ImapPort = fixture.Dovecot.ImapPort, ImapSecurity = MailSecurity.None,
                AuthMethod = MailAuthMethod.OAuth2, OAuthProvider = OAuthProvider.Generic, OAuthClientId = OAuthTestProvider.ClientId,
                OAuthClientSecretProtected = secrets.Protect(OAuthTestProvider.ClientSecret), OAuthScopes = "imap",
                OAuthAuthorizeEndpoint = fixture.Provider.AuthorizeEndpoint, OAuthTokenEndpoint = fixture.Provider.TokenEndpoint,
            };
            db.MailServers.Add(server);
            await db.SaveChangesAsync(Ct);
            var mailbox = new Mailbox { OwnerId = user.Id, Name = "Olga", MailServerId = server.Id, Login = fixture.Dovecot.Alice.Login, ImportSince = DateOnly.FromDateTime(DateTime.UtcNow) };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync(Ct);
            (mailboxId, owner) = (mailbox.Id, user.Id);
        }

        string authorizeUrl, code, state;
        await using (var scope = services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<OAuthSignIn>();
            authorizeUrl = (await signIn.BeginAsync(owner, "http://localhost/", null, Ct)).AuthorizeUrl!;
            using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            using var approved = await browser.GetAsync(authorizeUrl, Ct);
            Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
            var callback = QueryHelpers.ParseQuery(approved.Headers.Location!.Query);
            (code, state) = (callback["code"].ToString(), callback["state"].ToString());
            Assert.Equal(OAuthSignInOutcome.SignedIn, (await signIn.CompleteAsync(owner, state, code, null, Ct)).Outcome);
        }

        var first = await LoadTokensAsync(mailboxId);
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s.SetProperty(m => m.OAuthExpiresAt, DateTimeOffset.UtcNow.AddMinutes(1)), Ct);
        }

        var scan = await services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, Ct);
        Assert.Equal(PrivateMail.Web.Data.ScanRunStatus.Done, scan!.Status);
        var second = await LoadTokensAsync(mailboxId);
        Assert.NotEqual(first.Access, second.Access);

        var lines = _logs.Entries.Select(e => e.Message).ToList();
        Assert.Contains(lines, l => l.Contains("OAuth sign-in completed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("OAuth access token renewed", StringComparison.Ordinal));
        var challenge = QueryHelpers.ParseQuery(new Uri(authorizeUrl).Query)["code_challenge"].ToString();
        foreach (var secret in new[] { first.Access, first.Refresh, second.Access, code, OAuthTestProvider.ClientSecret })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        // The challenge may travel; the verifier behind it never appears (nothing but the token endpoint sees it).
        Assert.DoesNotContain(lines, l => l.Contains("code_verifier", StringComparison.Ordinal));
        Assert.NotEmpty(challenge);
    }

    private async Task<(string Access, string Refresh)> LoadTokensAsync(int mailboxId)
    {
        var services = _app!.Services;
        var secrets = services.GetRequiredService<SecretProtector>();
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == mailboxId, Ct);
        return (secrets.Unprotect(mailbox.OAuthAccessTokenProtected)!, secrets.Unprotect(mailbox.OAuthRefreshTokenProtected)!);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack: using the app server to brute-force a colleague's IMAP password through the Mailbox tab's Test connection and
/// Load folders (real Dovecot), or hammering Scan now. Ten attempts per 10 minutes per user and per target login; the
/// refusal is in the user's language and no connection is made; every attempt is logged without the password.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class RateLimitTests(DovecotFixture dovecot) : MailboxTestContext
{
    private readonly RecordingLoggerProvider _log = new();
    private int _serverId;

    public override async ValueTask InitializeAsync()
    {
        Services.AddSingleton<ILoggerProvider>(_log);
        await base.InitializeAsync();
        _serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
    }

    private async Task<string> GuessAsync(string login, string password, bool folders = false)
    {
        var model = await ValidModelAsync(_serverId, password);
        model.Login = login;
        return folders ? (await Mailboxes.LoadFoldersAsync(model)).Error ?? "folders" : (await Mailboxes.TestConnectionAsync(model)).Message;
    }

    [Fact]
    public async Task Guessing_a_colleagues_imap_password_is_stopped_after_ten_tries_even_with_the_right_one()
    {
        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await GuessAsync(dovecot.Alice.Login, $"guess-{i}", folders: i % 2 == 1));
        }

        // The ten were real attempts at the server: each was refused by Dovecot, not by the app.
        Assert.All(answers, a => Assert.DoesNotContain("Too many attempts", a, StringComparison.Ordinal));
        // The eleventh is refused before connecting, even with the right password: the limit leaks nothing.
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", await GuessAsync(dovecot.Alice.Login, dovecot.Alice.Password));
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", await GuessAsync(dovecot.Alice.Login, dovecot.Alice.Password, folders: true));

        // Every attempt is logged with who, where and as whom — never a password.
        var attempts = _log.Entries.Where(e => e.Message.StartsWith("Mailbox ", StringComparison.Ordinal) && e.Message.Contains(" by user " + JanId, StringComparison.Ordinal)).ToList();
        Assert.Equal(12, attempts.Count);
        Assert.Equal(2, attempts.Count(e => e.Message.EndsWith("refused, too many attempts.", StringComparison.Ordinal)));
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains(dovecot.Alice.Password, StringComparison.Ordinal) || e.Message.Contains("guess-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Spreading_the_guesses_over_several_app_accounts_does_not_reset_the_limit_on_the_target_login()
    {
        for (var i = 0; i < 10; i++)
        {
            await GuessAsync(dovecot.Alice.Login, $"guess-{i}");
        }

        // A second account of the attacker: its own budget is untouched, the target login's is not.
        var olaId = await CreateUserAsync("ola");
        SignIn("ola", olaId);
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", await GuessAsync(dovecot.Alice.Login, dovecot.Alice.Password));
        // Another login is still reachable for ola: the limit is per target, not global.
        Assert.StartsWith("Connected and signed in as bob", await GuessAsync(dovecot.Bob.Login, dovecot.Bob.Password), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_limit_message_is_in_the_users_language()
    {
        UseCulture("pl");
        for (var i = 0; i < 10; i++)
        {
            await GuessAsync(dovecot.Alice.Login, $"guess-{i}");
        }

        Assert.Equal("Zbyt wiele prób. Odczekaj kilka minut i spróbuj ponownie.", await GuessAsync(dovecot.Alice.Login, "guess-x"));
    }

    [Fact]
    public async Task Hammering_scan_now_is_refused_after_ten_starts()
    {
        var scans = Services.GetRequiredService<ScanService>();
        for (var i = 0; i < 10; i++)
        {
            // Jan has no mailbox, so nothing starts; each click still counts.
            Assert.False(await scans.ScanNowAsync());
        }

        var refused = await Assert.ThrowsAsync<AttemptLimitExceededException>(() => scans.ScanNowAsync());
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", refused.Message);
    }
}

/// <summary>Attack: password spraying through the sign-in form — many names, few guesses each, from one address.</summary>
public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private const string Password = "Right-password-1";
    private readonly PrivateMailAppFactory _app = new();

    public async ValueTask InitializeAsync() => await _app.CreateUserAsync("jan", Password, administrator: true);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Spraying_passwords_over_many_names_from_one_address_is_stopped_after_ten_failures()
    {
        using var client = _app.CreateHttpClient();
        // Successful sign-ins do not count: an office behind one address is not locked out by working.
        for (var i = 0; i < 12; i++)
        {
            Assert.Null(await Forms.SignInMessageAsync(client, "jan", Password));
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(
                "Wrong user name or password, or the account is temporarily locked after too many failed attempts.",
                await Forms.SignInMessageAsync(client, $"user{i}", "Spring2026!"));
        }

        Assert.Equal("Too many attempts. Wait a few minutes and try again.", await Forms.SignInMessageAsync(client, "user10", "Spring2026!"));
        // From this address even the right password waits: the attacker cannot tell a hit from a miss.
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", await Forms.SignInMessageAsync(client, "jan", Password));
    }
}

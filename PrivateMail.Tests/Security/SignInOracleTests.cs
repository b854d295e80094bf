using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack: probing the sign-in form to learn which accounts exist, which are locked and which are deactivated, without
/// knowing a password. Every wrong password gets the same answer; only the right password learns "deactivated".
/// Lockout still stops guessing, over the real sign-in form.
/// </summary>
public sealed class SignInOracleTests : IAsyncLifetime
{
    private const string Password = "Right-password-1";
    private readonly PrivateMailAppFactory _app = new();

    public async ValueTask InitializeAsync()
    {
        // Many failures from one address on purpose here; the address limit has its own test (RateLimitTests).
        _app.Settings["PrivateMail:RateLimits:Attempts"] = "1000";
        await _app.CreateUserAsync("jan", Password, administrator: true);
        var ola = await _app.CreateUserAsync("ola", Password, administrator: false);
        var eva = await _app.CreateUserAsync("eva", Password, administrator: false);
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var olaRow = (await users.FindByIdAsync(ola.Id))!;
        olaRow.IsActive = false;
        await users.UpdateAsync(olaRow);
        await users.SetLockoutEndDateAsync((await users.FindByIdAsync(eva.Id))!, DateTimeOffset.UtcNow.AddHours(1));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Wrong_passwords_get_one_answer_whether_the_account_is_unknown_active_deactivated_or_locked()
    {
        using var client = _app.CreateHttpClient();

        var answers = new Dictionary<string, string?>
        {
            ["unknown"] = await Forms.SignInMessageAsync(client, "nobody-here", "Wrong-password-1"),
            ["unknown e-mail"] = await Forms.SignInMessageAsync(client, "nobody@example.test", "Wrong-password-1"),
            ["active"] = await Forms.SignInMessageAsync(client, "jan", "Wrong-password-1"),
            ["deactivated"] = await Forms.SignInMessageAsync(client, "ola", "Wrong-password-1"),
            ["locked"] = await Forms.SignInMessageAsync(client, "eva", "Wrong-password-1"),
            // A locked account is not even tried: the right password changes nothing while it is locked.
            ["locked, right password"] = await Forms.SignInMessageAsync(client, "eva", Password),
        };

        var expected = "Wrong user name or password, or the account is temporarily locked after too many failed attempts.";
        Assert.All(answers, a => Assert.True(a.Value == expected, $"{a.Key}: {a.Value}"));
        // Whoever knows the password may learn that the account is switched off.
        Assert.Equal("This account has been deactivated. Ask an administrator.", await Forms.SignInMessageAsync(client, "ola", Password));
    }

    [Fact]
    public async Task Lockout_still_stops_guessing_after_five_failures_and_ends()
    {
        using var client = _app.CreateHttpClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await Forms.SignInMessageAsync(client, "jan", $"Guess-{i}-password"));
        }

        // Locked now: the right password is refused too, with the same answer as a wrong one.
        Assert.Equal(
            "Wrong user name or password, or the account is temporarily locked after too many failed attempts.",
            await Forms.SignInMessageAsync(client, "jan", Password));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var jan = (await users.FindByNameAsync("jan"))!;
            Assert.True(await users.IsLockedOutAsync(jan));
            // The lockout ends (as if five minutes passed).
            await users.SetLockoutEndDateAsync(jan, DateTimeOffset.UtcNow.AddSeconds(-1));
        }

        Assert.Null(await Forms.SignInMessageAsync(client, "jan", Password));
    }
}

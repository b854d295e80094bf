using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Setup;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack: the first visitor of a freshly started install on a public address claims the administrator. The set-up
/// page now needs the one-time code the app printed to its log and wrote to its data folder.
/// </summary>
public sealed class SetupCodeTests : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _log = new();
    private readonly PrivateMailAppFactory _app;

    public SetupCodeTests() => _app = new PrivateMailAppFactory { ConfigureTestServices = s => s.AddSingleton<ILoggerProvider>(_log) };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static Dictionary<string, string> Fields(string code) => new()
    {
        ["Input.SetupCode"] = code,
        ["Input.UserName"] = "intruder",
        ["Input.FirstName"] = "Ida",
        ["Input.LastName"] = "Intruder",
        ["Input.Email"] = "intruder@example.test",
        ["Input.Password"] = "Intruder-123!",
        ["Input.ConfirmPassword"] = "Intruder-123!",
    };

    [Fact]
    public async Task A_stranger_without_the_setup_code_cannot_claim_the_administrator()
    {
        using var client = _app.CreateHttpClient();
        var file = Path.Combine(_app.DataDirectory, SetupCode.FileName);
        var code = _app.ReadSetupCode();

        foreach (var guess in new[] { "", "AAAA-BBBB-CCCC-DDDD", code[..^1] })
        {
            using var refused = await Forms.PostAsync(client, "setup", "setup", Fields(guess));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Equal(0, await UserCountAsync());
        }

        // The code is in the log and in a file only the app's account may read.
        Assert.Contains(_log.Entries, e => e.Message.Contains(code, StringComparison.Ordinal) && e.Message.Contains("/setup", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // The owner types it (case and dashes do not matter) and becomes the administrator; the code is spent.
        using var accepted = await Forms.PostAsync(client, "setup", "setup", Fields(code.Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant()));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(1, await UserCountAsync());
        Assert.False(File.Exists(file));
        using var gone = await client.GetAsync("setup");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_wrong_code_is_refused_with_a_readable_message_and_nothing_typed_is_lost()
    {
        using var client = _app.CreateHttpClient();

        using var refused = await Forms.PostAsync(client, "setup", "setup", Fields("WRONG-CODE"));

        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("The set-up code is wrong.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"intruder@example.test\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_administrator_gets_the_names_my_settings_requires_and_cannot_be_created_without_them()
    {
        using var client = _app.CreateHttpClient();
        var code = _app.ReadSetupCode();
        var nameless = Fields(code);
        nameless["Input.FirstName"] = "";

        using var refused = await Forms.PostAsync(client, "setup", "setup", nameless);

        Assert.Equal(0, await UserCountAsync());
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"setup-first-name\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Intruder\"", html, StringComparison.Ordinal);

        using var accepted = await Forms.PostAsync(client, "setup", "setup", Fields(code));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        await using var scope = _app.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().Users.Single();
        Assert.Equal(("Ida", "Intruder"), (admin.FirstName, admin.LastName));
    }

    private async Task<int> UserCountAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().Users.Count();
    }
}

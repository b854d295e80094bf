using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The whole app on Kestrel on a free loopback port, so a real browser can reach it, with a fresh data folder
/// (SQLite database and Data Protection keys) that is deleted on dispose. A new instance starts at first run:
/// no users, every page leads to <c>/setup</c>.
/// </summary>
public sealed partial class PrivateMailAppFactory : WebApplicationFactory<Program>
{
    private readonly Lock _startLock = new();
    private string? _baseAddress;

    /// <param name="httpsCertificate">Serve https with this certificate instead of plain http.</param>
    public PrivateMailAppFactory(X509Certificate2? httpsCertificate = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "privatemail-tests", Guid.NewGuid().ToString("N"));
        // Port 0 through Listen: UseKestrel(0) may silently bind port 5000.
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (httpsCertificate is not null)
            {
                listen.UseHttps(httpsCertificate);
            }
        }));
    }

    /// <summary>Extra configuration (e.g. <c>PrivateMail:RateLimits:Attempts</c>), set before the app starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>More service registrations after the app's own, set before the app starts.</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    /// <summary>The folder holding this instance's database and keys.</summary>
    public string DataDirectory { get; }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:40123</c> (no trailing slash). Starts the app.</summary>
    public string BaseAddress
    {
        get
        {
            lock (_startLock)
            {
                if (_baseAddress is null)
                {
                    try
                    {
                        StartServer();
                    }
                    catch
                    {
                        // A fixture whose set-up throws is never disposed: do not leave the folder behind.
                        DeleteDataDirectory();
                        throw;
                    }

                    var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                        ?? throw new InvalidOperationException("Kestrel reported no addresses.");
                    _baseAddress = addresses.Single().TrimEnd('/');
                }

                return _baseAddress;
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // UseSetting (not ConfigureAppConfiguration) so AddPrivateMail sees it while the builder is still being set up.
        builder.UseSetting("PrivateMail:DataDirectory", DataDirectory);
        builder.UseSetting("ConnectionStrings:PrivateMail", "");
        // Page tests must not race a scheduled scan; scanner tests start scans themselves.
        builder.UseSetting("Scanner:ScheduleEnabled", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (ConfigureTestServices is { } configure)
        {
            builder.ConfigureServices(configure);
        }
    }

    /// <summary>The first-run set-up code, as an administrator would copy it from the log or the data folder.</summary>
    public string ReadSetupCode()
    {
        _ = BaseAddress;
        return File.ReadAllText(Path.Combine(DataDirectory, PrivateMail.Web.Features.Setup.SetupCode.FileName)).Trim();
    }

    /// <summary>Creates an active user with names and an e-mail address filled in, as the user administration page would.</summary>
    public async Task<ApplicationUser> CreateUserAsync(string userName, string password, bool administrator)
    {
        _ = BaseAddress;
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = userName,
            Email = $"{userName}@example.test",
            ProvenEmail = $"{userName}@example.test",
            EmailConfirmed = true,
            FirstName = userName,
            LastName = "Tester",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        ThrowOnFailure(await users.CreateAsync(user, password), $"create user {userName}");
        string[] roles = administrator ? [Roles.Administrator, Roles.User] : [Roles.User];
        ThrowOnFailure(await users.AddToRolesAsync(user, roles), $"add roles to {userName}");
        return user;
    }

    /// <summary>A client on the real socket that keeps cookies and does not follow redirects, so tests see each 302.</summary>
    public HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(BaseAddress + "/"),
        };

    /// <summary>A new <see cref="CreateHttpClient"/> client already signed in as the given user.</summary>
    public async Task<HttpClient> CreateSignedInClientAsync(string userName, string password)
    {
        var client = CreateHttpClient();
        try
        {
            await SignInAsync(client, userName, password);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Signs in through the real sign-in form (antiforgery token included); throws if the app refuses.</summary>
    public static async Task SignInAsync(HttpClient client, string userName, string password)
    {
        using var form = await client.GetAsync("Account/Login");
        if (form.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /Account/Login answered {(int)form.StatusCode}; is the first administrator set up?");
        }

        var html = await form.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        if (!token.Success)
        {
            throw new InvalidOperationException("The sign-in page has no __RequestVerificationToken field.");
        }

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            ["_handler"] = "login",
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
        using var response = await client.PostAsync("Account/Login", content);
        // Success is a redirect away from the sign-in page; a failure re-renders the form with 200.
        var location = response.Headers.Location?.OriginalString ?? "";
        if (response.StatusCode != HttpStatusCode.Redirect || location.Contains("Account/", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Signing in as {userName} failed: {(int)response.StatusCode} {location}".TrimEnd());
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDataDirectory();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDataDirectory();
        }
    }

    private void DeleteDataDirectory()
    {
        // Pooled connections keep the database, -wal and -shm files open.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private static void ThrowOnFailure(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    [GeneratedRegex(""""<input[^>]*name="__RequestVerificationToken"[^>]*value="(?<value>[^"]+)"""")]
    private static partial Regex AntiforgeryToken();
}

using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The base of every bUnit test: MudBlazor registered, JS interop loose, English UI, helpers to sign a user in,
/// and — for components that read or write data — the app's real services over a real SQLite file.
/// </summary>
public abstract class PrivateMailTestContext : BunitContext
{
    private TestDatabase? _database;
    private BunitAuthorizationContext? _authorization;

    protected PrivateMailTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        UseCulture("en");
    }

    /// <summary>Sets the UI language for the components rendered by this test.</summary>
    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = new CultureInfo(name);
        CultureInfo.CurrentUICulture = new CultureInfo(name);
    }

    /// <summary>Registers the app's services over a fresh, migrated SQLite file (roles and module defaults seeded).</summary>
    /// <param name="configure">Changes to the app's services before the first is resolved (e.g. a database interceptor).</param>
    /// <param name="provider">The database engine (SQLite unless a provider test asks for PostgreSQL).</param>
    protected async Task UseAppServicesAsync(Action<IServiceCollection>? configure = null, PrivateMail.Web.Data.Providers.DatabaseProvider provider = default)
    {
        _database = new TestDatabase(provider);
        // Authorization must be registered before the first service is resolved; users sign in later.
        _authorization = AddAuthorization();
        Services.AddPrivateMailCore(_database.ConnectionString, provider);
        // Attachments and other files go to the test's own folder, deleted with the database.
        Services.Configure<PrivateMailOptions>(o => o.DataDirectory = _database.Directory);
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddLogging();
        Services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Services.AddAuthenticationCore();
        configure?.Invoke(Services);
        await DatabaseInitializer.InitializeAsync(Services);
    }

    /// <summary>The folder of this test's database and files (after <see cref="UseAppServicesAsync"/>).</summary>
    protected string DataDirectory => _database?.Directory ?? throw new InvalidOperationException("Call UseAppServicesAsync first.");

    /// <summary>Creates a user in the database and returns their id.</summary>
    protected async Task<string> CreateUserAsync(string userName, bool administrator = false, string? email = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = userName,
            Email = email ?? $"{userName}@example.test",
            // As the Users page would: an address an administrator set counts as the user's.
            ProvenEmail = email ?? $"{userName}@example.test",
            FirstName = char.ToUpperInvariant(userName[0]) + userName[1..],
            LastName = "Tester",
        };
        var result = await users.CreateAsync(user, "Secret123!");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        await users.AddToRolesAsync(user, administrator ? [Roles.Administrator, Roles.User] : [Roles.User]);
        return user.Id;
    }

    /// <summary>Signs in a user with the given id and roles.</summary>
    protected BunitAuthorizationContext SignIn(string userName, string userId, bool administrator = false)
    {
        var auth = _authorization ?? AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetRoles(administrator ? [Roles.Administrator, Roles.User] : [Roles.User]);
        if (administrator)
        {
            auth.SetPolicies(Policies.Administrator);
        }

        // Last: bUnit rebuilds the principal on SetRoles and drops claims set before it.
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));

        return auth;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _database?.Dispose();
    }
}

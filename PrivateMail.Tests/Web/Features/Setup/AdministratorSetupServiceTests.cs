using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Features.Setup;

namespace PrivateMail.Tests.Web.Features.Setup;

/// <summary>The first-run set-up on each database engine.</summary>
public abstract class AdministratorSetupServiceTests(DatabaseProvider provider) : PrivateMailTestContext, IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("privatemail-setup-").FullName;
    private string _setupCode = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync(provider: provider);
        await Services.GetRequiredService<SetupCode>().PrepareAsync(_dataDirectory, NullLogger.Instance);
        // Both first visitors know the code: the race is about the administrator, not the code.
        _setupCode = await File.ReadAllTextAsync(Path.Combine(_dataDirectory, SetupCode.FileName));
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private SetupModel Model(string name) =>
        new()
        {
            SetupCode = _setupCode,
            UserName = name, Email = $"{name}@example.test", Password = "Secret123!", ConfirmPassword = "Secret123!",
        };

    private async Task<IReadOnlyList<string>> CreateInOwnScopeAsync(string name)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AdministratorSetupService>().CreateAsync(Model(name), "pl");
    }

    [Fact]
    public async Task Two_first_visitors_at_once_make_exactly_one_administrator()
    {
        var results = await Task.WhenAll(CreateInOwnScopeAsync("first"), CreateInOwnScopeAsync("second"));

        Assert.Single(results, r => r.Count == 0);
        Assert.Single(results, r => r.Count == 1);
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(Roles.Administrator));
        Assert.Equal("pl", admin.Language);
        Assert.True(await Services.GetRequiredService<SetupState>().IsCompleteAsync());
    }

    [Fact]
    public async Task A_weak_password_creates_nobody_and_setup_stays_open()
    {
        await using var scope = Services.CreateAsyncScope();
        var model = Model("admin");
        model.Password = model.ConfirmPassword = "weak";

        var errors = await scope.ServiceProvider.GetRequiredService<AdministratorSetupService>().CreateAsync(model, "en");

        Assert.NotEmpty(errors);
        Assert.False(await Services.GetRequiredService<SetupState>().IsCompleteAsync());
    }
}

public sealed class SqliteAdministratorSetupServiceTests() : AdministratorSetupServiceTests(DatabaseProvider.Sqlite);

public sealed class PostgreSqlAdministratorSetupServiceTests() : AdministratorSetupServiceTests(DatabaseProvider.PostgreSql);

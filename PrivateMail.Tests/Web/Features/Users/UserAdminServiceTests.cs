using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Features.Users;

namespace PrivateMail.Tests.Web.Features.Users;

public sealed class UserAdminServiceTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _adminId = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _adminId = await CreateUserAsync("admin", administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private UserAdminService Service => Services.GetRequiredService<UserAdminService>();

    [Fact]
    public async Task A_non_administrator_cannot_list_create_deactivate_or_reset()
    {
        var userId = await CreateUserAsync("jan");
        SignIn("jan", userId);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.ListAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.CreateAsync(new NewUserModel { UserName = "x", Email = "x@example.test", Password = "Secret123!" }));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.SetActiveAsync(_adminId, false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.ResetPasswordAsync(_adminId, "Other123!"));
    }

    [Fact]
    public async Task Administrator_creates_a_user_who_can_then_sign_in_with_the_user_role()
    {
        SignIn("admin", _adminId, administrator: true);

        var result = await Service.CreateAsync(new NewUserModel { UserName = "ola", FirstName = "Ola", Email = "ola@example.test", Password = "Secret123!" });

        Assert.True(result.Succeeded);
        var row = Assert.Single(await Service.ListAsync(), u => u.UserName == "ola");
        Assert.False(row.IsAdministrator);
        Assert.True(row.IsActive);
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var ola = (await users.FindByNameAsync("ola"))!;
        Assert.True(await users.CheckPasswordAsync(ola, "Secret123!"));
        Assert.True(await users.IsInRoleAsync(ola, Roles.User));
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_a_readable_reason()
    {
        SignIn("admin", _adminId, administrator: true);

        var result = await Service.CreateAsync(new NewUserModel { UserName = "ola", Email = "ola@example.test", Password = "short" });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("at least 8 characters"));
    }

    [Fact]
    public async Task Deactivated_user_cannot_sign_in_and_reactivated_can()
    {
        SignIn("admin", _adminId, administrator: true);
        var janId = await CreateUserAsync("jan");

        Assert.True((await Service.SetActiveAsync(janId, false)).Succeeded);

        await using (var scope = Services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
            var jan = (await signIn.UserManager.FindByIdAsync(janId))!;
            Assert.False(await signIn.CanSignInAsync(jan));
        }

        Assert.True((await Service.SetActiveAsync(janId, true)).Succeeded);
        await using (var scope = Services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
            Assert.True(await signIn.CanSignInAsync((await signIn.UserManager.FindByIdAsync(janId))!));
        }
    }

    [Fact]
    public async Task Administrator_cannot_deactivate_themselves()
    {
        SignIn("admin", _adminId, administrator: true);

        var result = await Service.SetActiveAsync(_adminId, false);

        Assert.False(result.Succeeded);
        Assert.True(Assert.Single(await Service.ListAsync()).IsActive);
    }

    [Fact]
    public async Task Password_reset_replaces_the_password_and_lifts_a_lockout()
    {
        SignIn("admin", _adminId, administrator: true);
        var janId = await CreateUserAsync("jan");
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(janId))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        Assert.True((await Service.ResetPasswordAsync(janId, "Another123!")).Succeeded);

        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var jan = (await users.FindByIdAsync(janId))!;
            Assert.True(await users.CheckPasswordAsync(jan, "Another123!"));
            Assert.False(await users.IsLockedOutAsync(jan));
        }
    }
}

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

        var result = await Service.CreateAsync(new NewUserModel { UserName = "ola", FirstName = "Ola", LastName = "Nowak", Email = "ola@example.test", Password = "Secret123!" });

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

        var result = await Service.CreateAsync(new NewUserModel { UserName = "ola", FirstName = "Ola", LastName = "Nowak", Email = "ola@example.test", Password = "short" });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("at least 8 characters"));
    }

    [Fact]
    public async Task A_user_without_first_or_last_name_is_refused_so_their_first_save_of_My_settings_cannot_fail_on_them()
    {
        SignIn("admin", _adminId, administrator: true);
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("en");

        var result = await Service.CreateAsync(new NewUserModel { UserName = "ola", FirstName = " ", Email = "ola@example.test", Password = "Secret123!" });

        Assert.False(result.Succeeded);
        Assert.Contains("First name is required.", result.Errors);
        Assert.Contains("Last name is required.", result.Errors);
        Assert.DoesNotContain(await Service.ListAsync(), u => u.UserName == "ola");
    }

    [Fact]
    public async Task A_created_user_saves_My_settings_at_once_with_the_names_the_administrator_gave()
    {
        SignIn("admin", _adminId, administrator: true);
        Assert.True((await Service.CreateAsync(new NewUserModel { UserName = "ola", FirstName = "Ola", LastName = "Nowak", Email = "ola@example.test", Password = "Secret123!" })).Succeeded);
        var olaId = Assert.Single(await Service.ListAsync(), u => u.UserName == "ola").Id;
        SignIn("ola", olaId);
        var settings = Services.GetRequiredService<PrivateMail.Web.Features.MySettings.MySettingsService>();

        var model = await settings.GetAsync();
        // The edit form validates its annotations (names required) before the service saves.
        var invalid = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(model, new System.ComponentModel.DataAnnotations.ValidationContext(model), invalid, true);
        var saved = await settings.SaveAsync(model);

        Assert.Equal(("Ola", "Nowak"), (model.FirstName, model.LastName));
        Assert.True(valid, string.Join("; ", invalid.Select(r => r.ErrorMessage)));
        Assert.True(saved.Succeeded, string.Join("; ", saved.FieldErrors.Select(e => $"{e.Key}: {e.Value}")));
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

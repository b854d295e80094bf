using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// A DI scope of the running app signed in as one user, the way a Blazor circuit's scope is: the app's own scoped
/// AuthenticationStateProvider is given the user's principal (built by Identity's claims factory, with roles, as at sign-in), so the
/// app's services (CurrentUser and everything above it) act for that user exactly as they do behind a page.
/// </summary>
internal sealed class UserScope : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;

    private UserScope(AsyncServiceScope scope) => _scope = scope;

    public IServiceProvider Services => _scope.ServiceProvider;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<UserScope> StartAsync(IServiceProvider app, string userName)
    {
        var scope = app.CreateAsyncScope();
        try
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No user {userName}.");
            var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
            var state = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
            state.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
            return new UserScope(scope);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _scope.DisposeAsync();
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace PrivateMail.Web.Features.Security;

/// <summary>Who is calling, for services: the id comes from the server's authentication state, never from the page.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationState)
{
    public async Task<ClaimsPrincipal> GetPrincipalAsync() => (await authenticationState.GetAuthenticationStateAsync()).User;

    /// <summary>The signed-in user's id; throws when nobody is signed in, so a service can never act for "nobody".</summary>
    public async Task<string> GetRequiredIdAsync()
    {
        var principal = await GetPrincipalAsync();
        return principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new UnauthorizedAccessException("Not signed in.");
    }

    public async Task<bool> IsAdministratorAsync() => (await GetPrincipalAsync()).IsInRole(Roles.Administrator);
}

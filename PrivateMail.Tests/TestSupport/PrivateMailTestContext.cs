using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The base of every bUnit test: MudBlazor registered, JS interop loose, English UI, and helpers to sign a user in.
/// </summary>
public abstract class PrivateMailTestContext : BunitContext
{
    protected PrivateMailTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped<CurrentUser>();
        UseCulture("en");
    }

    /// <summary>Sets the UI language for the components rendered by this test.</summary>
    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = new CultureInfo(name);
        CultureInfo.CurrentUICulture = new CultureInfo(name);
    }

    /// <summary>Signs in a user with the given id and roles.</summary>
    protected BunitAuthorizationContext SignIn(string userName, string userId, params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        auth.SetRoles(roles);
        if (roles.Contains(Roles.Administrator))
        {
            auth.SetPolicies(Policies.Administrator);
        }

        return auth;
    }
}

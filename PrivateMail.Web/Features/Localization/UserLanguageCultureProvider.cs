using System.Security.Claims;
using Microsoft.AspNetCore.Localization;
using PrivateMail.Domain.Users;

namespace PrivateMail.Web.Features.Localization;

/// <summary>Takes the culture from the signed-in user's language preference.</summary>
internal sealed class UserLanguageCultureProvider : RequestCultureProvider
{
    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var userId = httpContext.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return null;
        }

        var cache = httpContext.RequestServices.GetRequiredService<UserLanguageCache>();
        var language = UiLanguages.Normalise(await cache.GetAsync(userId));
        return language is null ? null : new ProviderCultureResult(language);
    }
}

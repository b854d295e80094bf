using System.Globalization;
using Microsoft.AspNetCore.Localization;
using PrivateMail.Domain.Users;

namespace PrivateMail.Web.Features.Localization;

internal static class LocalizationExtensions
{
    public static IServiceCollection AddPrivateMailLocalization(this IServiceCollection services)
    {
        services.AddSingleton<UserLanguageCache>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = UiLanguages.All.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture(UiLanguages.English);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            // The signed-in user's saved language wins; the browser's language is for the sign-in pages.
            o.RequestCultureProviders =
            [
                new UserLanguageCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }
}

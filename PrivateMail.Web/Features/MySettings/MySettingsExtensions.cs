namespace PrivateMail.Web.Features.MySettings;

internal static class MySettingsExtensions
{
    public static IServiceCollection AddMySettings(this IServiceCollection services)
    {
        services.AddScoped<MySettingsService>();
        return services;
    }
}

namespace PrivateMail.Web.Features.MySettings;

internal static class MySettingsExtensions
{
    public static IServiceCollection AddMySettings(this IServiceCollection services)
    {
        services.AddScoped<MySettingsService>();
        services.AddScoped<UserTimeProvider>();
        return services;
    }
}

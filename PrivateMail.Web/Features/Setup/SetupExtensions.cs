namespace PrivateMail.Web.Features.Setup;

internal static class SetupExtensions
{
    public static IServiceCollection AddSetup(this IServiceCollection services)
    {
        services.AddSingleton<SetupState>();
        services.AddSingleton<SetupCode>();
        services.AddScoped<AdministratorSetupService>();
        return services;
    }
}

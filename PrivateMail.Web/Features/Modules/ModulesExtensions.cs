namespace PrivateMail.Web.Features.Modules;

internal static class ModulesExtensions
{
    public static IServiceCollection AddModules(this IServiceCollection services)
    {
        services.AddSingleton<ModuleService>();
        return services;
    }
}

namespace PrivateMail.Web.Features.Privacy;

public static class PrivacyExtensions
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddScoped<BindingRulesService>();
        return services;
    }
}

namespace PrivateMail.Web.Features.Security;

internal static class SecurityExtensions
{
    /// <summary>The services every host needs (the web app and the component tests): the attempt limiter.</summary>
    public static IServiceCollection AddAttemptLimits(this IServiceCollection services)
    {
        services.AddOptions<AttemptLimitOptions>()
            .BindConfiguration(AttemptLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<AttemptLimiter>();
        return services;
    }
}

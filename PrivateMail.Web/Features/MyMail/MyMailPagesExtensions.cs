namespace PrivateMail.Web.Features.MyMail;

public static class MyMailPagesExtensions
{
    /// <summary>What the My mail pages and the CRM's mail links need besides the reader and sender services.</summary>
    public static IServiceCollection AddMyMailPages(this IServiceCollection services)
    {
        services.AddScoped<MailPreferences>();
        services.AddScoped<ComposeLauncher>();
        return services;
    }
}

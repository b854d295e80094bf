namespace PrivateMail.Web.Features.MyMail;

internal static class MyMailExtensions
{
    /// <summary>My mail: reading the user's mailbox over IMAP and sending over SMTP (the Mail/ ports come from AddMail).</summary>
    public static IServiceCollection AddMyMail(this IServiceCollection services)
    {
        services.AddOptions<MyMailOptions>().BindConfiguration(MyMailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SendRateLimiter>();
        services.AddScoped<MyMailAccounts>();
        services.AddScoped<MyMailReader>();
        services.AddScoped<IMyMailReader>(sp => sp.GetRequiredService<MyMailReader>());
        services.AddScoped<MyMailSender>();
        services.AddScoped<IMyMailSender>(sp => sp.GetRequiredService<MyMailSender>());
        services.AddSingleton<ComposeFileSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ComposeFileSweeper>());
        return services;
    }
}

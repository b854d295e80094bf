using Coravel;

namespace PrivateMail.Web.Features.Scanner;

public static class ScannerExtensions
{
    public static IServiceCollection AddScanner(this IServiceCollection services)
    {
        services.AddOptions<ScannerOptions>().BindConfiguration(ScannerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Settings.ScannerSettingsService>();
        services.AddScoped<Settings.ScannerSettingsAdmin>();
        services.AddSingleton<ScanScheduleClock>();
        services.AddTransient<ScheduledScanTick>();
        services.AddScoped<MailboxScanner>();
        services.AddSingleton<MailboxLock>();
        services.AddSingleton<ScanHistoryRetention>();
        services.AddSingleton<MailboxWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<MailboxWatcher>());
        services.AddSingleton<ScanCoordinator>();
        services.AddScoped<ScanService>();
        services.AddScoped<ScanHistoryAdminService>();
        services.AddScoped<ScanOutcomeService>();
        services.AddScoped<GlobalExceptionsService>();
        services.AddScoped<FailedMessageService>();
        services.AddScoped<Preview.PreviewService>();
        services.AddScoped<Preview.PreviewRunner>();
        services.AddScoped<Preview.RuleTesterService>();
        services.AddTransient<ScheduledScan>();
        services.AddScheduler();
        return services;
    }

    /// <summary>
    /// Schedules the scan (unless switched off): a one-second tick that starts the run when the interval in force is due,
    /// so an interval an administrator saves applies without a restart. A run still going when the next is due is not
    /// started twice.
    /// </summary>
    public static IServiceProvider UseScannerSchedule(this IServiceProvider services)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScannerOptions>>().Value;
        if (options.ScheduleEnabled)
        {
            services.UseScheduler(s => s.Schedule<ScheduledScanTick>().EverySecond().PreventOverlapping(nameof(ScheduledScan)));
        }

        return services;
    }
}

using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.DemoData;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Leads;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Web.Features.Records;

internal static class RecordsExtensions
{
    /// <summary>Contacts, accounts, leads, tickets and e-mails: access rule, services, storage for the scanner, demo data.</summary>
    public static IServiceCollection AddRecords(this IServiceCollection services)
    {
        services.AddScoped<RecordAccess>();
        services.AddScoped<OwnerDirectory>();
        services.AddScoped<RecordServiceParts>();
        services.AddScoped<ContactService>();
        services.AddScoped<AccountService>();
        services.AddScoped<LeadService>();
        services.AddScoped<TicketService>();
        services.AddScoped<TicketStatusService>();
        services.AddScoped<EmailService>();
        services.AddScoped<EmailAmbiguityService>();
        services.AddScoped<DemoDataService>();
        services.AddScoped<PastEmails.PastEmailService>();
        services.AddSingleton<PastEmails.PastEmailJobs>();

        // Usable without a signed-in user: the scanner and the demo loader.
        services.AddSingleton<TicketStore>();
        services.AddSingleton<RecordChangeNotifier>();
        services.AddOptions<EmailStorageOptions>().BindConfiguration(EmailStorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EmailStore>();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<EmailHtmlSanitizer>();
        services.AddSingleton<DemoDataLoader>();
        return services;
    }

    /// <summary>Loads the demo data set once the first administrator exists (the <c>--demo-data</c> switch).</summary>
    public static IServiceCollection AddDemoDataOnStartup(this IServiceCollection services) =>
        services.AddHostedService<DemoDataOnStartup>();
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Nodes;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Features.MySettings;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Privacy;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Features.Setup;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Users;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Hosting;

public static class PrivateMailCoreExtensions
{
    /// <summary>
    /// Storage, Identity and every feature's services: what the app and the component tests share.
    /// The web host adds authentication cookies, Data Protection key storage and the UI on top.
    /// </summary>
    /// <param name="database">The engine <paramref name="connectionString"/> is for (SQLite unless configured).</param>
    public static IServiceCollection AddPrivateMailCore(this IServiceCollection services, string connectionString, DatabaseProvider database = DatabaseProvider.Sqlite)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<AppDbContext>((provider, o) => o.Use(database, connectionString)
            .AddInterceptors(new Timestamps(provider.GetRequiredService<TimeProvider>())));
        // The factory also registers a scoped context, which Identity's stores use.
        services.AddIdentityCore<ApplicationUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = true;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.Password.RequiredLength = 8;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddDefaultTokenProviders();

        services.AddLiveUpdates(database, connectionString);
        services.AddScoped<CurrentUser>();
        services.AddAttemptLimits();
        services.AddSingleton<Features.Secrets.SecretProtector>();
        services.AddMail();
        services.AddPrivateMailLocalization();
        services.AddNodes(database);
        services.AddSetup();
        services.AddModules();
        services.AddMySettings();
        services.AddUserAdministration();
        services.AddMailServers();
        services.AddMailboxes();
        services.AddOAuth();
        services.AddRecords();
        services.AddScanner();
        services.AddPrivacy();
        services.AddMyMail();
        services.AddMyMailPages();
        return services;
    }
}

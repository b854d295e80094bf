using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using PrivateMail.Web.Components;
using PrivateMail.Web.Components.Account;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.DemoData;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Features.Setup;

namespace PrivateMail.Web.Hosting;

public static class PrivateMailHostingExtensions
{
    /// <summary>Registers everything the app needs; Program.cs stays one line.</summary>
    public static WebApplicationBuilder AddPrivateMail(this WebApplicationBuilder builder, bool loadDemoData = false)
    {
        var services = builder.Services;
        // Serve MudBlazor's and our own assets from the build output in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        var options = builder.Configuration.GetSection(PrivateMailOptions.SectionName).Get<PrivateMailOptions>() ?? new();
        // The database and keys are configured before the container exists; a bad value fails on start with its message.
        var dataDirectory = PrivateMailOptionsValidator.DataDirectoryError(options.DataDirectory) is null
            ? PrivateMailOptions.ResolveDataDirectory(options.DataDirectory, builder.Environment.ContentRootPath)
            : Path.GetFullPath(builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);

        services.AddOptions<PrivateMailOptions>()
            .BindConfiguration(PrivateMailOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<PrivateMailOptions>, PrivateMailOptionsSetup>();
        services.AddSingleton<IValidateOptions<PrivateMailOptions>, PrivateMailOptionsValidator>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        // Snackbars bottom-right: top-right would cover the user menu.
        services.AddMudServices(c => c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);

        var database = DatabaseProviders.Parse(builder.Configuration[DatabaseProviders.ProviderKey]);
        var connectionString = builder.Configuration.GetConnectionString("PrivateMail");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = database == DatabaseProvider.Sqlite
                ? new SqliteConnectionStringBuilder
                {
                    // Private cache: a shared cache locks whole tables between this process's connections, so pages would
                    // wait for the scanner's write transaction; WAL already lets them read while it writes.
                    DataSource = Path.Combine(dataDirectory, "privatemail.db"),
                }.ToString()
                : throw new InvalidOperationException(
                    $"{DatabaseProviders.ProviderKey} is {database}: set ConnectionStrings:PrivateMail, e.g. Host=db;Database=privatemail;Username=privatemail;Password=…");
        }

        services.AddPrivateMailCore(connectionString, database);
        if (loadDemoData)
        {
            services.AddDemoDataOnStartup();
        }

        var dataProtection = services.AddDataProtection().SetApplicationName("PrivateMail");
        if (database == DatabaseProvider.PostgreSql)
        {
            // Every node reads the same key ring, so a secret one node encrypted the others can decrypt.
            dataProtection.PersistKeysToDbContext<AppDbContext>();
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        }

        var keySettings = builder.Configuration.GetSection(KeyProtectionSettings.SectionName).Get<KeyProtectionSettings>() ?? new();
        services.AddSingleton(new KeyProtectionStatus(
            TransportSecurity.ProtectKeys(dataProtection, keySettings, builder.Environment.ContentRootPath),
            database == DatabaseProvider.PostgreSql ? "the database (table DataProtectionKeys)" : Path.Combine(dataDirectory, "keys")));

        var forwarded = builder.Configuration.GetSection(ForwardedHeadersSettings.SectionName).Get<ForwardedHeadersSettings>() ?? new();
        services.AddSingleton(forwarded);
        services.Configure<ForwardedHeadersOptions>(o => TransportSecurity.ConfigureForwardedHeaders(o, forwarded));
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        // Published at an https address: the sign-in and antiforgery cookies never travel without TLS.
        var cookieSecurity = TransportSecurity.ServedOverHttps(options.PublicBaseUrl) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = cookieSecurity);

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = cookieSecurity;
        });
        services.ConfigureExternalCookie(o => o.Cookie.SecurePolicy = cookieSecurity);
        // A deactivated user or reset password logs out open sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Administrator, p => p.RequireRole(Roles.Administrator));

        return builder;
    }

    /// <summary>
    /// Applies migrations and seeds roles and modules before the app takes requests; warns about unencrypted keys and,
    /// on a fresh install, announces the set-up code.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await DatabaseInitializer.InitializeAsync(app.Services);
        app.Services.GetRequiredService<KeyProtectionStatus>().WarnWhenUnprotected(app.Logger);
        var dataDirectory = app.Services.GetRequiredService<IOptions<PrivateMailOptions>>().Value.DataDirectory;
        await app.Services.GetRequiredService<SetupCode>().PrepareAsync(dataDirectory, app.Logger);
    }

    /// <summary>The request pipeline and endpoints.</summary>
    public static WebApplication MapPrivateMail(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ForwardedHeadersSettings>().Enabled)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        // Only answers over https (and never for localhost names unless configured): browsers then refuse plain http.
        app.UseHsts();

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseRequestLocalization();
        app.UseMiddleware<SetupRedirectMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        // Our own policy (SecurityHeadersMiddleware) already says frame-ancestors 'none'; Blazor would add a second, laxer header.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapEmailEndpoints();
        app.MapMyMailEndpoints();
        app.MapOAuthEndpoints();
        app.Services.UseScannerSchedule();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
}

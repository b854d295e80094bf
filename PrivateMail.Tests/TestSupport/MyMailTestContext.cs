using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.MyMail;

namespace PrivateMail.Tests.TestSupport;

/// <summary>My mail's pages over the app's real services (SQLite, modules, user settings) with the in-memory reader and sender.</summary>
public abstract class MyMailTestContext : PrivateMailTestContext, IAsyncLifetime
{
    protected FakeMyMailReader Reader { get; } = new();
    protected FakeMyMailSender Sender { get; } = new();
    protected ManualClock Timers { get; } = new();
    protected string UserId { get; private set; } = "";

    public virtual async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync(services =>
        {
            services.AddSingleton<IMyMailReader>(Reader);
            services.AddSingleton<IMyMailSender>(Sender);
            services.AddSingleton<TimeProvider>(Timers);
        });
        UserId = await CreateUserAsync("olga");
        SignIn("olga", UserId);
        await Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    /// <summary>Sets the user's Mail integration settings in the database, as My settings would.</summary>
    protected async Task SetMailSettingsAsync(MailClient client, MailOpenMode openMode)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Id == UserId);
        user.DefaultMailClient = client;
        user.MailOpenMode = openMode;
        await db.SaveChangesAsync();
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.MySettings;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

/// <summary>
/// The setup the mailbox tests share: the app's real services over a real SQLite file, user "jan" signed in,
/// My mail enabled, and helpers to add mail servers and read mailbox rows straight from the database.
/// </summary>
public abstract class MailboxTestContext : PrivateMailTestContext, IAsyncLifetime
{
    protected string JanId { get; private set; } = "";

    protected MailboxService Mailboxes => Services.GetRequiredService<MailboxService>();

    public virtual async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync(ConfigureServices);
        JanId = await CreateUserAsync("jan");
        SignIn("jan", JanId);
        await Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "admin");
    }

    /// <summary>Replaces a seam (e.g. the mail source port) before the first service is resolved.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    /// <summary>Adds a mail server row as an administrator would (the admin pages are another feature).</summary>
    protected async Task<int> AddServerAsync(
        string name,
        string host = "127.0.0.1",
        int port = 143,
        MailSecurity security = MailSecurity.None,
        bool active = true,
        bool visible = true,
        MailAuthMethod auth = MailAuthMethod.Password,
        OAuthProvider? provider = null,
        bool? validateCertificate = null)
    {
        await using var db = await CreateDbAsync();
        var server = new MailServer
        {
            Name = name,
            ImapHost = host,
            ImapPort = port,
            ImapSecurity = security,
            ValidateCertificate = validateCertificate ?? security != MailSecurity.None,
            IsActive = active,
            IsVisible = visible,
            AuthMethod = auth,
            OAuthProvider = provider,
            SmtpHost = host,
        };
        db.MailServers.Add(server);
        await db.SaveChangesAsync();
        return server.Id;
    }

    protected async Task SetServerAsync(int serverId, bool active, bool visible)
    {
        await using var db = await CreateDbAsync();
        var server = await db.MailServers.SingleAsync(s => s.Id == serverId);
        server.IsActive = active;
        server.IsVisible = visible;
        await db.SaveChangesAsync();
    }

    protected async Task<AppDbContext> CreateDbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    protected async Task<Mailbox?> LoadMailboxAsync(string ownerId)
    {
        await using var db = await CreateDbAsync();
        return await db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.OwnerId == ownerId);
    }

    protected async Task<List<Mailbox>> LoadAllMailboxesAsync()
    {
        await using var db = await CreateDbAsync();
        return await db.Mailboxes.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    protected string? StoredPassword(Mailbox mailbox) => Services.GetRequiredService<SecretProtector>().Unprotect(mailbox.PasswordProtected);

    /// <summary>A complete, valid model for the signed-in user on the given server.</summary>
    protected async Task<MailboxModel> ValidModelAsync(int serverId, string password = "pa55word")
    {
        var model = await Mailboxes.CreateDefaultAsync();
        model.MailServerId = serverId;
        model.Login = "jan";
        model.Password = password;
        return model;
    }

    protected async Task SaveOrFailAsync(MailboxModel model)
    {
        var result = await Mailboxes.SaveAsync(model);
        Assert.True(result.Succeeded, string.Join("; ", result.FieldErrors.Select(e => $"{e.Key}: {e.Value}")));
    }

    /// <summary>My settings on the Mailbox tab, as the app shows it, with a popover provider for the server select.</summary>
    protected IRenderedComponent<WithPopovers> RenderMailboxTab() =>
        Render<WithPopovers>(p => p.AddChildContent<MySettingsPage>(c => c.Add(x => x.Tab, "mailbox")));
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.MailServers;

namespace PrivateMail.Tests.Web.Features.MailServers;

/// <summary>
/// The app's real services over a real SQLite file with an administrator signed in, plus helpers to
/// render the mail server pages and to read or seed what is stored.
/// </summary>
public abstract class MailServerTestContext : PrivateMailTestContext, IAsyncLifetime
{
    protected string AdminId { get; private set; } = "";

    protected MailServerService Service => Services.GetRequiredService<MailServerService>();

    public virtual async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        AdminId = await CreateUserAsync("admin", administrator: true);
        SignIn("admin", AdminId, administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    /// <summary>A valid server: SSL/TLS on 993, login and password.</summary>
    protected static MailServerModel NewServer(string name = "Company IMAP", string host = "imap.example.com") =>
        new() { Name = name, ImapHost = host };

    protected async Task<int> SaveServerAsync(MailServerModel model)
    {
        var result = await Service.SaveAsync(model);
        Assert.True(result.Succeeded, string.Join("; ", result.FieldErrors.Select(e => $"{e.Key}: {e.Value}").Append(result.Error ?? "")));
        return result.Id!.Value;
    }

    protected async Task<MailServer> LoadServerAsync(int id)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.MailServers.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    protected async Task<bool> ServerExistsAsync(int id)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.MailServers.AnyAsync(s => s.Id == id);
    }

    /// <summary>Stores a private mailbox on the server for a new user, as the Mailbox tab would.</summary>
    protected async Task AddMailboxAsync(int serverId, string owner)
    {
        var ownerId = await CreateUserAsync(owner);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.Mailboxes.Add(new Mailbox
        {
            OwnerId = ownerId,
            Name = $"{owner}'s mail",
            MailServerId = serverId,
            Login = owner,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    protected IRenderedComponent<MailServersHost> RenderEdit(int? id = null)
    {
        var host = Render<MailServersHost>(p => p.AddChildContent<MailServerEditPage>(c => c.Add(e => e.Id, id)));
        host.WaitForElement("#mail-server-form");
        return host;
    }

    protected IRenderedComponent<MailServersHost> RenderList() =>
        Render<MailServersHost>(p => p.AddChildContent<MailServersPage>());

    /// <summary>
    /// Opens a MudSelect and picks the option with this text. The id sits on the select's input, which is the
    /// combobox while nothing is chosen and a hidden input beside it afterwards.
    /// </summary>
    protected static async Task PickAsync(IRenderedComponent<MailServersHost> host, string selectId, string optionText)
    {
        await Combobox(host, selectId).MouseDownAsync(new());
        var option = host.WaitForElements(".mud-popover-open [role=option]").Single(o => o.TextContent.Trim() == optionText);
        await option.ClickAsync(new());
        host.WaitForAssertion(() => Assert.Equal(optionText, Combobox(host, selectId).TextContent.Trim()));
    }

    protected static AngleSharp.Dom.IElement Combobox(IRenderedComponent<MailServersHost> host, string selectId) =>
        host.Find($"#{selectId}").Closest(".mud-select")!.QuerySelector("[role=combobox]")!;

    /// <summary>The validation message MudBlazor shows under the field with this id, or null.</summary>
    protected static string? FieldError(IRenderedComponent<MailServersHost> host, string id) =>
        host.Find($"#{id}").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();

    protected static string Value(IRenderedComponent<MailServersHost> host, string id) => host.Find($"#{id}").GetAttribute("value") ?? "";
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Tests.Web.Features.Modules;

public sealed class ModulesPageTests : PrivateMailTestContext, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        var id = await CreateUserAsync("admin", administrator: true);
        SignIn("admin", id, administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private IRenderedComponent<WithPopovers> RenderPage() => Render<WithPopovers>(p => p.AddChildContent<ModulesPage>());

    private static bool IsChecked(IRenderedComponent<WithPopovers> page, CrmModule module) =>
        page.Find($"input#module-{module}").HasAttribute("checked");

    [Fact]
    public void Lists_every_module_with_my_mail_unticked_by_default()
    {
        var page = RenderPage();

        Assert.Equal(CrmModules.All.Count, page.FindAll("#modules-table tbody tr").Count);
        Assert.Contains("My mail", page.Find("tr[data-module=MyMail]").TextContent);
        Assert.False(IsChecked(page, CrmModule.MyMail));
        Assert.True(IsChecked(page, CrmModule.Contacts));
    }

    [Fact]
    public async Task Ticking_my_mail_persists_and_tells_every_listener()
    {
        var modules = Services.GetRequiredService<ModuleService>();
        var notified = 0;
        using var subscription = modules.Subscribe(_ => notified++);
        var page = RenderPage();

        await page.Find($"input#module-{CrmModule.MyMail}").ChangeAsync(new() { Value = true });

        page.WaitForAssertion(() => Assert.True(IsChecked(page, CrmModule.MyMail)));
        Assert.Equal(1, notified);
        // A fresh service reads the saved state from the database, as after a restart.
        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var reloaded = new ModuleService(factory, TimeProvider.System, NullLogger<ModuleService>.Instance);
        await reloaded.LoadAsync();
        Assert.True(reloaded.IsEnabled(CrmModule.MyMail));
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal("admin", (await db.ModuleSettings.SingleAsync(m => m.Module == CrmModule.MyMail)).ChangedBy);
    }

    [Fact]
    public async Task A_change_made_elsewhere_shows_without_reload()
    {
        var page = RenderPage();

        await Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.Leads, false, "other-admin");

        page.WaitForAssertion(() => Assert.False(IsChecked(page, CrmModule.Leads)));
    }
}

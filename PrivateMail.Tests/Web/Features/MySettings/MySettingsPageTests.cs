using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.MySettings;

namespace PrivateMail.Tests.Web.Features.MySettings;

public sealed class MySettingsPageTests : PrivateMailTestContext, IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        var id = await CreateUserAsync("jan");
        SignIn("jan", id);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private IRenderedComponent<WithPopovers> RenderPage(string? tab = null) =>
        Render<WithPopovers>(p => p.AddChildContent<MySettingsPage>(c => c.Add(x => x.Tab, tab)));

    [Fact]
    public void View_is_read_only_with_the_pencil_next_to_the_my_settings_tab()
    {
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("Jan", page.Find("#view-first-name").TextContent));
        Assert.Equal("jan@example.test", page.Find("#view-email").TextContent);
        Assert.Empty(page.FindAll("#my-settings-view input"));
        var pencil = page.Find("#my-settings-edit");
        Assert.Equal("my-settings/edit", pencil.GetAttribute("href"));
        // The pencil sits right after the My settings tab.
        Assert.Equal("tab-my-settings", pencil.ParentElement!.PreviousElementSibling?.Id ?? pencil.PreviousElementSibling?.Id);
    }

    [Fact]
    public async Task Mailbox_tab_appears_and_disappears_live_when_my_mail_is_switched()
    {
        var page = RenderPage();
        page.WaitForElement("#view-first-name");
        Assert.Empty(page.FindAll("#tab-mailbox"));

        var modules = Services.GetRequiredService<ModuleService>();
        await modules.SetEnabledAsync(CrmModule.MyMail, true, "admin");
        page.WaitForAssertion(() => Assert.Equal("my-settings/mailbox", page.Find("#tab-mailbox").GetAttribute("href")));

        await modules.SetEnabledAsync(CrmModule.MyMail, false, "admin");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#tab-mailbox")));
    }

    [Fact]
    public async Task Mailbox_tab_shows_the_mailbox_settings_when_my_mail_is_enabled()
    {
        await Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "admin");

        var page = RenderPage("mailbox");

        // No mail server exists yet, so the tab asks for an administrator first (the form itself is tested in Mailboxes/).
        page.WaitForAssertion(() => Assert.Contains("No mail server available yet", page.Find("#mailbox-no-servers").TextContent));
        Assert.Equal("true", page.Find("#tab-mailbox").GetAttribute("aria-selected"));
    }

    [Fact]
    public void Mailbox_address_with_my_mail_disabled_says_so_instead_of_showing_the_tab()
    {
        var page = RenderPage("mailbox");

        page.WaitForAssertion(() => Assert.Contains("My mail is disabled", page.Find("#mailbox-module-disabled").TextContent));
        Assert.Empty(page.FindAll("#tab-mailbox"));
    }
}

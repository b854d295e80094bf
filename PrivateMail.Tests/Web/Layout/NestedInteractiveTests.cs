using Bunit;
using Microsoft.AspNetCore.Components;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Components.Layout;
using PrivateMail.Web.Components.Pages;
using PrivateMail.Web.Features.MySettings;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.SystemConfiguration;

namespace PrivateMail.Tests.Web.Layout;

/// <summary>No button inside a button (or a link) in the shell and the pages of the product page's journey, menus open.</summary>
public sealed class NestedInteractiveTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _adminId = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _adminId = await CreateUserAsync("ada", administrator: true);
        SignIn("ada", _adminId, administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    [Fact]
    public void The_layout_with_the_user_menu_open()
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var layout = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));
        layout.WaitForElement("#nav-menu");

        layout.Find("#user-menu-button button").Click();

        layout.WaitForAssertion(() => Assert.NotNull(layout.Find("#user-menu-my-settings")));
        Accessibility.AssertNoNestedInteractive(layout.Nodes);
    }

    [Fact]
    public async Task The_system_configuration_menu_home_and_my_settings()
    {
        Accessibility.AssertNoNestedInteractive(Render<AdminLayout>().Nodes);
        Accessibility.AssertNoNestedInteractive(Render<WithPopovers>(p => p.AddChildContent<Home>()).Nodes);
        // MudBlazor's providers exist once per page.
        await DisposeComponentsAsync();

        var settings = Render<WithPopovers>(p => p.AddChildContent<MySettingsPage>());
        settings.WaitForElement("#view-first-name");
        Accessibility.AssertNoNestedInteractive(settings.Nodes);
    }

    [Fact]
    public async Task A_ticket_page_with_its_status_menu_open()
    {
        var ticket = await new RecordFactory(Services).TicketAsync(_adminId, "Printer jammed");
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));
        page.WaitForElement("#ticket-status button");

        var button = page.Find("#ticket-status button");
        Assert.Equal("menu", button.GetAttribute("aria-haspopup"));
        button.Click();

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#ticket-status button").GetAttribute("aria-expanded")));
        Accessibility.AssertNoNestedInteractive(page.Nodes);
    }
}

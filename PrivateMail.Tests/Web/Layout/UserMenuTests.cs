using Bunit;
using MudBlazor;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Components.Layout;

namespace PrivateMail.Tests.Web.Layout;

public sealed class UserMenuTests : PrivateMailTestContext
{
    private IRenderedComponent<WithPopovers> OpenMenu()
    {
        var host = Render<WithPopovers>(p => p.AddChildContent<UserMenu>());
        host.Find("#user-menu-button button").Click();
        return host;
    }

    [Fact]
    public void Administrator_sees_my_settings_system_configuration_and_sign_out()
    {
        SignIn("admin", "id-admin", administrator: true);

        var popovers = OpenMenu();

        popovers.WaitForAssertion(() =>
        {
            Assert.Contains("admin", popovers.Markup);
            Assert.Equal("my-settings", popovers.Find("#user-menu-my-settings").GetAttribute("href"));
            Assert.Equal("admin", popovers.Find("#user-menu-system-configuration").GetAttribute("href"));
            var signOut = popovers.Find("#user-menu-sign-out");
            Assert.Equal("Sign out", signOut.TextContent.Trim());
            // Sign-out is a POST with an antiforgery token, never a link.
            var form = signOut.Closest("form")!;
            Assert.Equal("post", form.GetAttribute("method"));
            Assert.Equal("Account/Logout", form.GetAttribute("action"));
        });
    }

    [Fact]
    public void Ordinary_user_does_not_see_system_configuration()
    {
        SignIn("jan", "id-jan");

        var popovers = OpenMenu();

        popovers.WaitForAssertion(() => Assert.NotNull(popovers.Find("#user-menu-my-settings")));
        Assert.Empty(popovers.FindAll("#user-menu-system-configuration"));
        Assert.NotNull(popovers.Find("#user-menu-sign-out"));
    }

    [Fact]
    public void Menu_speaks_polish_for_a_polish_user()
    {
        UseCulture("pl");
        SignIn("anna", "id-anna");

        var popovers = OpenMenu();

        popovers.WaitForAssertion(() => Assert.Equal("Moje ustawienia", popovers.Find("#user-menu-my-settings").TextContent.Trim()));
        Assert.Equal("Wyloguj się", popovers.Find("#user-menu-sign-out").TextContent.Trim());
    }

    [Theory]
    [InlineData("en", "User menu")]
    [InlineData("pl", "Menu użytkownika")]
    public void The_activator_is_one_button_with_the_accessible_name_that_says_it_opens_a_menu(string culture, string name)
    {
        UseCulture(culture);
        SignIn("anna", "id-anna");
        var host = Render<WithPopovers>(p => p.AddChildContent<UserMenu>());

        var button = Assert.Single(host.FindAll("#user-menu-button button, #user-menu-button [role=button]"));
        Assert.Equal("button", button.LocalName);
        Assert.Equal(name, button.GetAttribute("aria-label"));
        Assert.Equal("menu", button.GetAttribute("aria-haspopup"));
        Assert.Equal("false", button.GetAttribute("aria-expanded"));

        button.Click();

        host.WaitForAssertion(() => Assert.Equal("true", host.Find("#user-menu-button button").GetAttribute("aria-expanded")));
        Assert.NotNull(host.Find("[role=menu] #user-menu-my-settings[role=menuitem]"));
        Assert.Equal("menuitem", host.Find("#user-menu-sign-out").GetAttribute("role"));
        Accessibility.AssertNoNestedInteractive(host.Nodes);
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Users;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.MySettings;

namespace PrivateMail.Tests.Web.Features.MySettings;

public sealed class MySettingsEditPageTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _userId = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _userId = await CreateUserAsync("jan", email: "jan@example.test");
        await CreateUserAsync("ola", email: "ola@example.test");
        SignIn("jan", _userId);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private IRenderedComponent<WithPopovers> RenderEdit()
    {
        var host = Render<WithPopovers>(p => p.AddChildContent<MySettingsEditPage>());
        host.WaitForElement("#my-settings-form");
        return host;
    }

    private async Task<ApplicationUser> LoadUserAsync()
    {
        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == _userId);
    }

    [Fact]
    public void Edit_view_shows_the_saved_values_in_both_sections()
    {
        var host = RenderEdit();

        Assert.Equal("Jan", host.Find("#edit-first-name").GetAttribute("value"));
        Assert.Equal("jan@example.test", host.Find("#edit-email").GetAttribute("value"));
        Assert.Contains("Account", host.Find("#section-account").TextContent);
        Assert.Contains("Mail integration", host.Find("#section-mail-integration").TextContent);
    }

    [Fact]
    public async Task Saving_the_mail_integration_section_persists_it_and_returns_to_the_view()
    {
        var host = RenderEdit();

        host.Find("#edit-signature").Input("Jan Kowalski\nSales");
        host.Find("#edit-mail-client-external").Click();
        host.Find("#edit-open-page").Click();
        await host.Find("#my-settings-form").SubmitAsync();

        var user = await LoadUserAsync();
        Assert.Equal("Jan Kowalski\nSales", user.Signature);
        Assert.Equal(MailClient.External, user.DefaultMailClient);
        Assert.Equal(MailOpenMode.Page, user.MailOpenMode);
        Assert.EndsWith("/my-settings", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task A_missing_required_field_shows_a_field_error_and_keeps_everything_typed()
    {
        var host = RenderEdit();

        host.Find("#edit-first-name").Input("");
        host.Find("#edit-signature").Input("Typed before the error");
        await host.Find("#my-settings-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Contains("First name is required.", host.Markup));
        Assert.Equal("Typed before the error", host.Find("#edit-signature").TextContent);
        Assert.Equal("", (await LoadUserAsync()).Signature);
        Assert.EndsWith("/", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task An_email_used_by_another_user_is_refused_on_the_field_without_losing_input()
    {
        var host = RenderEdit();

        host.Find("#edit-email").Input("OLA@example.test");
        host.Find("#edit-signature").Input("Keep me");
        await host.Find("#my-settings-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Contains("already used by another user", host.Markup));
        Assert.Equal("OLA@example.test", host.Find("#edit-email").GetAttribute("value"));
        Assert.Equal("Keep me", host.Find("#edit-signature").TextContent);
        Assert.Equal("jan@example.test", (await LoadUserAsync()).Email);
    }

    [Fact]
    public async Task Validation_messages_speak_polish_for_a_polish_user()
    {
        UseCulture("pl");
        var host = RenderEdit();

        host.Find("#edit-last-name").Input("");
        await host.Find("#my-settings-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Contains("Nazwisko: pole wymagane.", host.Markup));
        Assert.Contains("Integracja z pocztą e-mail", host.Find("#section-mail-integration").TextContent);
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Tests.Web.Security;

/// <summary>The record pages over real HTTP: sign-in required, and a disabled module's page serves the notice, not records.</summary>
public sealed class RecordPagesHttpTests(RecordPagesHttpTests.App app) : IClassFixture<RecordPagesHttpTests.App>
{
    private const string Password = "Test-password-1";

    public static TheoryData<string> RecordPaths => ["/contacts", "/accounts", "/leads", "/tickets", "/emails", "/contacts/1", "/tickets/new"];

    [Theory]
    [MemberData(nameof(RecordPaths))]
    public async Task An_anonymous_visitor_is_sent_to_sign_in(string path)
    {
        using var client = app.Factory.CreateHttpClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_navigation_and_the_old_placeholder_addresses_lead_to_the_real_pages()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("jan", Password);

        var home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        using var old = await client.GetAsync("/modules/contacts", TestContext.Current.CancellationToken);

        Assert.Contains("href=\"contacts\"", home);
        Assert.Contains("href=\"tickets\"", home);
        Assert.Contains("href=\"emails\"", home);
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.Equal("/contacts", new Uri(client.BaseAddress!, old.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_disabled_modules_page_serves_the_notice_instead_of_its_records()
    {
        using var client = await app.Factory.CreateSignedInClientAsync("jan", Password);
        var modules = app.Factory.Services.GetRequiredService<ModuleService>();

        var enabled = await client.GetStringAsync("/contacts", TestContext.Current.CancellationToken);
        await modules.SetEnabledAsync(CrmModule.Contacts, false, "test");
        try
        {
            var disabled = await client.GetStringAsync("/contacts", TestContext.Current.CancellationToken);

            Assert.Contains("contacts-grid", enabled);
            Assert.Contains("id=\"module-disabled\"", disabled);
            Assert.DoesNotContain("contacts-grid", disabled);
        }
        finally
        {
            await modules.SetEnabledAsync(CrmModule.Contacts, true, "test");
        }
    }

    public sealed class App : IAsyncLifetime
    {
        public PrivateMailAppFactory Factory { get; } = new();

        public async ValueTask InitializeAsync()
        {
            await Factory.CreateUserAsync("root", Password, administrator: true);
            await Factory.CreateUserAsync("jan", Password, administrator: false);
        }

        public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
    }
}

using System.Net;
using System.Text.RegularExpressions;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Web.Security;

/// <summary>
/// System configuration is for administrators only, enforced by the server on every request (not just hidden in
/// the menu); and the first-run setup page exists only until the first user does.
/// </summary>
public sealed partial class SystemConfigurationAuthorizationTests(SystemConfigurationAuthorizationTests.SeededApp app)
    : IClassFixture<SystemConfigurationAuthorizationTests.SeededApp>
{
    private const string AdminName = "root";
    private const string UserName = "jan";
    private const string Password = "Test-password-1";

    public static TheoryData<string> AdminPaths => ["/admin", "/admin/modules", "/admin/mail-servers", "/admin/users", "/admin/tickets", "/admin/demo-data", "/admin/scan-history", "/admin/global-exceptions", "/admin/scanner-settings"];

    /// <summary>Page title and a marker only the rendered page contains, per administration page.</summary>
    public static TheoryData<string, string, string> AdminPages => new()
    {
        { "/admin/modules", "Modules - installation – PrivateMail", "id=\"modules-table\"" },
        { "/admin/mail-servers", "Mail servers – PrivateMail", "id=\"mail-servers-empty\"" },
        { "/admin/users", "Users – PrivateMail", "id=\"users-table\"" },
        { "/admin/tickets", "Tickets – PrivateMail", "id=\"statuses-table\"" },
        { "/admin/demo-data", "Demo data – PrivateMail", "id=\"demo-data\"" },
        { "/admin/scan-history", "Scan history – PrivateMail", "id=\"scan-history-admin-empty\"" },
        { "/admin/global-exceptions", "Global exceptions – PrivateMail", "id=\"global-exceptions\"" },
        { "/admin/scanner-settings", "Scanner settings – PrivateMail", "id=\"scanner-settings\"" },
    };

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Anonymous_visitor_is_sent_to_sign_in(string path)
    {
        using var client = app.Factory.CreateHttpClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = Resolve(client, response);
        Assert.Equal("/Account/Login", location.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), location.Query, StringComparison.OrdinalIgnoreCase);
        AssertNoAdminContent(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Signed_in_user_without_administrator_role_is_denied(string path)
    {
        using var client = await app.Factory.CreateSignedInClientAsync(UserName, Password);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Equal("/Account/AccessDenied", Resolve(client, response).AbsolutePath);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        AssertNoAdminContent(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Signed_in_user_without_administrator_role_still_reaches_their_own_pages()
    {
        // Guards the test above: the denial must come from the role, not from a broken sign-in.
        using var client = await app.Factory.CreateSignedInClientAsync(UserName, Password);

        using var response = await client.GetAsync("/my-settings", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("My settings – PrivateMail", Title(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task Administrator_gets_the_page(string path, string title, string marker)
    {
        using var client = await app.Factory.CreateSignedInClientAsync(AdminName, Password);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(title, Title(html));
        Assert.Contains(marker, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrator_opening_system_configuration_lands_on_modules()
    {
        using var client = await app.Factory.CreateSignedInClientAsync(AdminName, Password);

        using var response = await client.GetAsync("/admin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/modules", Resolve(client, response).AbsolutePath);
    }

    [Fact]
    public async Task Setup_page_leads_every_request_until_the_first_user_exists_and_is_gone_afterwards()
    {
        await using var fresh = new PrivateMailAppFactory();
        using var client = fresh.CreateHttpClient();
        var ct = TestContext.Current.CancellationToken;

        using (var home = await client.GetAsync("/", ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal("/setup", Resolve(client, home).AbsolutePath);
        }

        using (var admin = await client.GetAsync("/admin/modules", ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
            Assert.Equal("/setup", Resolve(client, admin).AbsolutePath);
        }

        using (var setup = await client.GetAsync("/setup", ct))
        {
            Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
            Assert.Contains("id=\"setup-username\"", await setup.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        await fresh.CreateUserAsync("first", Password, administrator: true);

        using (var setup = await client.GetAsync("/setup", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, setup.StatusCode);
            Assert.DoesNotContain("setup-username", await setup.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var home = await client.GetAsync("/", ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal("/Account/Login", Resolve(client, home).AbsolutePath);
        }
    }

    private static Uri Resolve(HttpClient client, HttpResponseMessage response) =>
        new(client.BaseAddress!, response.Headers.Location ?? throw new InvalidOperationException("Redirect without Location."));

    private static void AssertNoAdminContent(string html)
    {
        foreach (var marker in new[] { "modules-table", "mail-servers-empty", "users-table", "statuses-table", "demo-data-load", "scan-history-admin", "global-exceptions", "scanner-settings", "admin-menu", "Modules - installation" })
        {
            Assert.DoesNotContain(marker, html, StringComparison.Ordinal);
        }
    }

    private static string Title(string html)
    {
        var match = TitleElement().Match(html);
        Assert.True(match.Success, "The page has no <title>.");
        return WebUtility.HtmlDecode(match.Groups["title"].Value).Trim();
    }

    [GeneratedRegex("<title>(?<title>.*?)</title>", RegexOptions.Singleline)]
    private static partial Regex TitleElement();

    /// <summary>One app for the class, past first run: an administrator and a plain user exist.</summary>
    public sealed class SeededApp : IAsyncLifetime
    {
        public PrivateMailAppFactory Factory { get; } = new();

        public async ValueTask InitializeAsync()
        {
            await Factory.CreateUserAsync(AdminName, Password, administrator: true);
            await Factory.CreateUserAsync(UserName, Password, administrator: false);
        }

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}

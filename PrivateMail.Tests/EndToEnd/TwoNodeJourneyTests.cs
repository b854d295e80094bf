using Microsoft.Playwright;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.LiveUpdates;
using static Microsoft.Playwright.Assertions;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>
/// Two app nodes on real Kestrel ports sharing one PostgreSQL, as behind a load balancer: a user's page served by node B
/// changes live when the administrator, on node A, switches My mail on and off — through PostgreSQL LISTEN/NOTIFY, with
/// no reload of the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TwoNodeJourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string AdminPassword = "Admin-password-1";
    private const string UserPassword = "User-password-1";

    private readonly string _connectionString = PostgreSqlServer.Shared.CreateDatabase();
    private PrivateMailAppFactory? _nodeA;
    private PrivateMailAppFactory? _nodeB;
    private BrowserSession? _admin;
    private BrowserSession? _user;

    private PrivateMailAppFactory Node(string name)
    {
        var node = new PrivateMailAppFactory();
        node.Settings[DatabaseProviders.ProviderKey] = "PostgreSql";
        node.Settings["ConnectionStrings:PrivateMail"] = _connectionString;
        node.Settings[$"{PrivateMail.Web.Features.Nodes.NodeOptions.SectionName}:{nameof(PrivateMail.Web.Features.Nodes.NodeOptions.NodeId)}"] = name;
        return node;
    }

    public async ValueTask InitializeAsync()
    {
        _nodeA = Node("node-a");
        _nodeB = Node("node-b");
        await _nodeA.CreateUserAsync("admin", AdminPassword, administrator: true);
        await _nodeA.CreateUserAsync("olga", UserPassword, administrator: false);
        _admin = await browser.NewSessionAsync(_nodeA.BaseAddress);
        _user = await browser.NewSessionAsync(_nodeB.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in new[] { _admin, _user })
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }

        foreach (var node in new[] { _nodeA, _nodeB })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        PostgreSqlServer.Shared.DropDatabase(_connectionString);
    }

    [Fact]
    public async Task A_module_switched_on_node_a_shows_live_on_a_page_served_by_node_b()
    {
        Assert.NotEqual(_nodeA!.BaseAddress, _nodeB!.BaseAddress);

        // Olga on node B, on My settings: no Mailbox tab while My mail is off.
        var olga = await _user!.NewPageAsync();
        await JourneySteps.SignInAsync(olga, "olga", UserPassword);
        await olga.GotoAsync("/my-settings");
        await olga.WaitForBlazorAsync();
        Assert.StartsWith(_nodeB.BaseAddress, olga.Url, StringComparison.Ordinal);
        await Expect(olga.Locator("#tab-my-settings")).ToBeVisibleAsync();
        await Expect(olga.Locator("#tab-mailbox")).ToHaveCountAsync(0);
        await Expect(olga.Locator("#nav-MyMail")).ToHaveCountAsync(0);
        // Survives only as long as the document does: proves the change arrives without a reload.
        await olga.EvaluateAsync("() => window.pmNotReloaded = true");

        // The administrator on node A switches My mail on.
        var admin = await _admin!.NewPageAsync();
        await JourneySteps.SignInAsync(admin, "admin", AdminPassword);
        await JourneySteps.EnableMyMailAsync(admin);
        Assert.StartsWith(_nodeA.BaseAddress, admin.Url, StringComparison.Ordinal);

        await Expect(olga.Locator("#tab-mailbox")).ToBeVisibleAsync();
        await Expect(olga.Locator("#nav-MyMail")).ToBeVisibleAsync();
        Assert.True(await olga.EvaluateAsync<bool>("() => window.pmNotReloaded === true"), "Node B's page reloaded.");

        // And off again on node A: the tab and the menu entry leave node B's page just as live.
        var myMail = admin.Locator("input#module-MyMail, #module-MyMail input[type=checkbox]");
        await myMail.ClickAsync();
        await Expect(myMail).Not.ToBeCheckedAsync();
        await Expect(olga.Locator("#tab-mailbox")).ToHaveCountAsync(0);
        await Expect(olga.Locator("#nav-MyMail")).ToHaveCountAsync(0);
        Assert.True(await olga.EvaluateAsync<bool>("() => window.pmNotReloaded === true"), "Node B's page reloaded.");

        await Expect(olga.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.True(_user.Errors.Count == 0, "The browser reported errors on node B:\n" + string.Join("\n", _user.Errors));
        Assert.True(_admin.Errors.Count == 0, "The browser reported errors on node A:\n" + string.Join("\n", _admin.Errors));
    }
}

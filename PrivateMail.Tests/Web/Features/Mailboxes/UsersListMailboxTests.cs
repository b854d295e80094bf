using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.Users;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

/// <summary>Administrators see that a user has a mailbox (name, server, status) in the Users list — never its login or password.</summary>
public sealed class UsersListMailboxTests : MailboxTestContext
{
    private const string ExecutedCommand = "Microsoft.EntityFrameworkCore.Database.Command";
    private readonly RecordingLoggerProvider _log = new();
    private string _adminId = "";

    public override async ValueTask InitializeAsync()
    {
        Services.AddSingleton<ILoggerProvider>(_log);
        await base.InitializeAsync();
        _adminId = await CreateUserAsync("admin", administrator: true);
    }

    private async Task GiveMailboxAsync(string userName, string userId, int serverId, string mailboxName)
    {
        SignIn(userName, userId);
        var model = await ValidModelAsync(serverId, password: "Hidden-Pa55");
        model.Name = mailboxName;
        model.Login = $"{userName}-imap-login";
        await SaveOrFailAsync(model);
    }

    [Fact]
    public async Task Each_row_shows_the_mailbox_name_server_and_status_and_nothing_secret()
    {
        var serverId = await AddServerAsync("Company mail");
        await GiveMailboxAsync("jan", JanId, serverId, "Jan's work mail");
        await CreateUserAsync("ola");
        SignIn("admin", _adminId, administrator: true);

        var rows = await Services.GetRequiredService<UserAdminService>().ListAsync();

        Assert.Equal(new UserMailboxSummary("Jan's work mail", "Company mail", MailboxStatus.Active), rows.Single(r => r.UserName == "jan").Mailbox);
        Assert.Null(rows.Single(r => r.UserName == "ola").Mailbox);

        var page = Render<WithPopovers>(p => p.AddChildContent<UsersPage>());
        page.WaitForAssertion(() => Assert.Equal("Jan's work mail", page.Find("[data-mailbox=jan]").TextContent));
        var janRow = page.Find("[data-mailbox=jan]").ParentElement!.TextContent;
        Assert.Contains("Company mail", janRow);
        Assert.Contains("Active", janRow);
        Assert.Contains("Mail server", page.Find("#users-table thead").TextContent);
        Assert.Equal("—", page.Find("[data-mailbox=ola]").TextContent);
        Assert.DoesNotContain("jan-imap-login", page.Markup);
        Assert.DoesNotContain("Hidden-Pa55", page.Markup);
    }

    [Fact]
    public async Task The_list_costs_the_same_number_of_queries_for_one_mailbox_as_for_many()
    {
        var serverId = await AddServerAsync("Company mail");
        await GiveMailboxAsync("jan", JanId, serverId, "Jan's mail");
        SignIn("admin", _adminId, administrator: true);
        var service = Services.GetRequiredService<UserAdminService>();
        var before = _log.Count(ExecutedCommand);
        await service.ListAsync();
        var withOne = _log.Count(ExecutedCommand) - before;

        foreach (var name in new[] { "ola", "piotr", "ewa" })
        {
            await GiveMailboxAsync(name, await CreateUserAsync(name), serverId, $"{name} mail");
        }

        SignIn("admin", _adminId, administrator: true);
        before = _log.Count(ExecutedCommand);
        var rows = await service.ListAsync();
        var withFour = _log.Count(ExecutedCommand) - before;

        Assert.Equal(4, rows.Count(r => r.Mailbox is not null));
        Assert.True(withOne > 0, "EF's executed-command log was not captured, so the count proves nothing.");
        Assert.Equal(withOne, withFour);
    }
}

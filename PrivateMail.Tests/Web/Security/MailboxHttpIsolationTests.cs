using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Web.Security;

/// <summary>Over HTTP, the Mailbox tab only ever shows the signed-in user's own mailbox.</summary>
public sealed class MailboxHttpIsolationTests : IAsyncLifetime
{
    private const string Password = "Test-password-1";
    private const string AliceMailboxName = "Alice-private-box-7c1";
    private const string AliceLogin = "alice.login.9f2";
    private readonly PrivateMailAppFactory _factory = new();

    public async ValueTask InitializeAsync()
    {
        var alice = await _factory.CreateUserAsync("alice", Password, administrator: false);
        await _factory.CreateUserAsync("bob", Password, administrator: false);
        await _factory.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");

        var factory = _factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var server = new MailServer { Name = "Company mail", ImapHost = "127.0.0.1", ImapPort = 143 };
        db.MailServers.Add(server);
        db.Mailboxes.Add(new Mailbox
        {
            OwnerId = alice.Id,
            Name = AliceMailboxName,
            MailServer = server,
            Login = AliceLogin,
            PasswordProtected = _factory.Services.GetRequiredService<SecretProtector>().Protect("Alice-secret-pw"),
            ImportSince = new DateOnly(2026, 11, 1),
        });
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private async Task<string> MailboxPageAsync(string userName)
    {
        using var client = await _factory.CreateSignedInClientAsync(userName, Password);
        using var response = await client.GetAsync("/my-settings/mailbox", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_owner_sees_their_mailbox_without_its_password()
    {
        var page = await MailboxPageAsync("alice");

        Assert.Contains(AliceMailboxName, page);
        Assert.Contains(AliceLogin, page);
        Assert.DoesNotContain("Alice-secret-pw", page);
    }

    [Fact]
    public async Task Another_user_gets_their_own_empty_mailbox_not_the_owners()
    {
        var page = await MailboxPageAsync("bob");

        Assert.Contains("id=\"tab-mailbox\"", page);
        Assert.DoesNotContain(AliceMailboxName, page);
        Assert.DoesNotContain(AliceLogin, page);
    }
}

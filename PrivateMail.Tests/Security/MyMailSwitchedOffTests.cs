using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, Medium): with My mail switched off by the administrator, a user keeps using the mailbox, scan,
/// reprocess and OAuth services through an open page or a crafted circuit call. Each service refuses on its own, in
/// the user's language; and switching a module needs an administrator in the service, not only on the page.
/// </summary>
public sealed class MyMailSwitchedOffTests : IAsyncLifetime
{
    private const string Password = "Test-password-1";
    private readonly PrivateMailAppFactory _factory = new();
    private string _userId = "";
    private int _mailboxId;
    private int _failedId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _factory.CreateUserAsync("root", Password, administrator: true);
        _userId = (await _factory.CreateUserAsync("ula", Password, administrator: false)).Id;
        _mailboxId = await new RecordFactory(_factory.Services).MailboxAsync(_userId);
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var failed = new FailedMessage { MailboxId = _mailboxId, Folder = "INBOX", UidValidity = 1, Uid = 7, Error = "broken", FailedAt = DateTimeOffset.UtcNow };
        db.FailedMessages.Add(failed);
        await db.SaveChangesAsync(Ct);
        _failedId = failed.Id;
        // My mail ships disabled; make sure of it whatever the defaults become.
        await _factory.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, false, "test", Ct);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("en", "The module My mail is switched off by an administrator.")]
    [InlineData("pl", "Moduł Moja poczta został wyłączony przez administratora.")]
    public async Task Every_mailbox_service_call_is_refused_in_the_users_language(string culture, string message)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
        await using var user = await UserScope.StartAsync(_factory.Services, "ula");
        var mailboxes = user.Get<MailboxService>();
        var model = new MailboxModel { Name = "Mine", Login = "ula", Password = "x", Folders = ["INBOX"] };

        var refusals = new List<ModuleDisabledException>
        {
            await Assert.ThrowsAsync<ModuleDisabledException>(() => mailboxes.GetAsync(Ct)),
            await Assert.ThrowsAsync<ModuleDisabledException>(() => mailboxes.CreateDefaultAsync(Ct)),
            await Assert.ThrowsAsync<ModuleDisabledException>(() => mailboxes.GetSelectableServersAsync(Ct)),
            await Assert.ThrowsAsync<ModuleDisabledException>(() => mailboxes.SaveAsync(model, Ct)),
            await Assert.ThrowsAsync<ModuleDisabledException>(() => mailboxes.TestConnectionAsync(model, Ct)),
            await Assert.ThrowsAsync<ModuleDisabledException>(() => mailboxes.LoadFoldersAsync(model, Ct)),
        };

        Assert.All(refusals, r => Assert.Equal(message, r.Message));
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal("Private", await db.Mailboxes.Where(m => m.Id == _mailboxId).Select(m => m.Name).SingleAsync(Ct));
    }

    [Fact]
    public async Task Scan_now_for_the_user_and_the_administrator_and_reprocessing_are_refused_and_nothing_runs()
    {
        await using (var user = await UserScope.StartAsync(_factory.Services, "ula"))
        {
            await Assert.ThrowsAsync<ModuleDisabledException>(() => user.Get<ScanService>().ScanNowAsync(Ct));
            await Assert.ThrowsAsync<ModuleDisabledException>(() => user.Get<FailedMessageService>().ReprocessAsync(_failedId, Ct));
        }

        await using (var admin = await UserScope.StartAsync(_factory.Services, "root"))
        {
            await Assert.ThrowsAsync<ModuleDisabledException>(() => admin.Get<ScanHistoryAdminService>().ScanNowAsync(_mailboxId, Ct));
            await Assert.ThrowsAsync<ModuleDisabledException>(() => admin.Get<FailedMessageService>().ReprocessAsync(_failedId, Ct));
        }

        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        Assert.False(await db.ScanRuns.AnyAsync(Ct));
        Assert.Null(await db.FailedMessages.Where(f => f.Id == _failedId).Select(f => f.ResolvedAt).SingleAsync(Ct));
    }

    [Fact]
    public async Task The_oauth_sign_in_neither_starts_nor_completes()
    {
        await using var user = await UserScope.StartAsync(_factory.Services, "ula");
        var signIn = user.Get<OAuthSignIn>();

        var start = await signIn.BeginAsync(_userId, "http://localhost/", null, Ct);
        var completion = await signIn.CompleteAsync(_userId, "any-state", "any-code", null, Ct);

        Assert.Equal((null, OAuthSignInOutcome.ModuleDisabled), (start.AuthorizeUrl, start.Failure));
        Assert.Equal(OAuthSignInOutcome.ModuleDisabled, completion.Outcome);
    }

    [Fact]
    public async Task A_plain_user_cannot_switch_a_module_through_the_service_and_an_administrator_can()
    {
        var modules = _factory.Services.GetRequiredService<ModuleService>();

        var user = await PrincipalAsync("ula");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => modules.SetEnabledAsync(CrmModule.MyMail, true, user, Ct));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => modules.SetEnabledAsync(CrmModule.MyMail, true, new ClaimsPrincipal(new ClaimsIdentity()), Ct));
        Assert.False(modules.IsEnabled(CrmModule.MyMail));

        await modules.SetEnabledAsync(CrmModule.MyMail, true, await PrincipalAsync("root"), Ct);
        Assert.True(modules.IsEnabled(CrmModule.MyMail));
    }

    private async Task<ClaimsPrincipal> PrincipalAsync(string userName)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException(userName);
        return await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>Mail tools → Scan history: every mailbox's runs, newest first, for administrators only.</summary>
public sealed class ScanHistoryPageTests : MailServerTestContext
{
    /// <summary>Scans and reprocessing need My mail enabled (it ships disabled).</summary>
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<PrivateMail.Web.Features.Modules.ModuleService>().SetEnabledAsync(PrivateMail.Domain.Modules.CrmModule.MyMail, true, "admin");
    }

    private IRenderedComponent<MailServersHost> RenderPage() =>
        Render<MailServersHost>(p => p.AddChildContent<ScanHistoryPage>());

    private async Task<int> MailboxOfAsync(string owner)
    {
        await AddMailboxAsync(await SaveServerAsync(NewServer("Server " + owner)), owner);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Mailboxes.Where(m => m.Owner!.UserName == owner).Select(m => m.Id).SingleAsync();
    }

    private async Task AddRunAsync(ScanRun run)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.ScanRuns.Add(run);
        await db.SaveChangesAsync();
    }

    [Fact]
    public void Without_runs_the_page_says_so()
    {
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("No scans yet", page.Find("#scan-history-admin-empty").TextContent));
    }

    [Fact]
    public async Task All_mailboxes_runs_show_newest_first_with_owner_counters_error_and_who_started_them()
    {
        var jan = await MailboxOfAsync("jan");
        var ola = await MailboxOfAsync("ola");
        var t0 = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        await AddRunAsync(new ScanRun { MailboxId = jan, StartedAt = t0, FinishedAt = t0.AddSeconds(5), Status = ScanRunStatus.Done, Fetched = 3, Stored = 2, Bound = 1, Skipped = 1 });
        await AddRunAsync(new ScanRun
        {
            MailboxId = ola, StartedAt = t0.AddMinutes(1), FinishedAt = t0.AddMinutes(2), Status = ScanRunStatus.Error, StartedById = AdminId,
            Fetched = 4, Failed = 1, TicketsCreated = 2, FirstError = "Authentication failed.",
        });

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#scan-history-admin tbody tr").Count));
        var rows = page.FindAll("#scan-history-admin tbody tr");
        Assert.Equal(nameof(ScanRunStatus.Error), rows[0].GetAttribute("data-status"));
        Assert.Contains("ola's mail", rows[0].TextContent);
        Assert.Contains("Ola Tester", rows[0].TextContent);
        Assert.Contains("Authentication failed.", rows[0].TextContent);
        Assert.Contains("0 / 2", rows[0].TextContent);
        Assert.Equal("user", rows[0].QuerySelector("[data-started-by]")!.GetAttribute("data-started-by"));
        Assert.Contains("Admin Tester", rows[0].QuerySelector("[data-started-by]")!.TextContent);
        Assert.Contains("jan's mail", rows[1].TextContent);
        Assert.Contains("3 / 2 / 1", rows[1].TextContent);
        Assert.Equal("Schedule", rows[1].QuerySelector("[data-started-by]")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_runs_messages_show_paged_with_their_outcome_and_reason_in_the_viewers_language()
    {
        UseCulture("pl");
        var jan = await MailboxOfAsync("jan");
        var t0 = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var run = new ScanRun { MailboxId = jan, StartedAt = t0, FinishedAt = t0.AddSeconds(5), Status = ScanRunStatus.Done, Fetched = 30, Stored = 29, Skipped = 1 };
        for (var i = 1; i <= 29; i++)
        {
            run.Outcomes.Add(new ScanOutcome { Folder = "INBOX", Uid = i, Kind = ScanOutcomeKind.Stored, Subject = $"Message {i}" });
        }

        run.Outcomes.Add(new ScanOutcome { Folder = "INBOX", Uid = 30, Kind = ScanOutcomeKind.Skipped, Subject = "From the shop", Reason = ScanNotes.Encode("SenderExcepted") });
        await AddRunAsync(run);

        var page = RenderPage();
        page.WaitForAssertion(() => page.Find($"#scan-outcomes-{run.Id}"));
        page.Find($"#scan-outcomes-{run.Id}").Click();

        page.WaitForAssertion(() => Assert.Equal(ScanOutcomeService.PageSize, page.FindAll("#scan-outcomes-admin tbody tr").Count));
        Assert.Contains("Strona 1 z 2", page.Find("#scan-outcomes-admin").TextContent);
        page.Find("#scan-outcomes-admin button[aria-label='Następna strona']").Click();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("#scan-outcomes-admin tbody tr").Count));
        var skipped = page.FindAll("#scan-outcomes-admin tbody tr")[^1];
        Assert.Equal(nameof(ScanOutcomeKind.Skipped), skipped.GetAttribute("data-outcome"));
        Assert.Contains("Pominięta", skipped.TextContent);
        Assert.Contains("Nadawca jest na liście wyjątków.", skipped.TextContent);
    }

    [Fact]
    public async Task A_non_administrator_cannot_read_the_history()
    {
        var userId = await CreateUserAsync("jan");
        SignIn("jan", userId);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Services.GetRequiredService<ScanHistoryAdminService>().LatestAsync());
    }

    [Fact]
    public async Task An_administrator_scans_any_mailbox_now_and_sees_it_locked_with_the_reason_without_a_reload()
    {
        var closed = NewServer("Closed port", host: "127.0.0.1");
        closed.ImapPort = 1;
        closed.ImapSecurity = PrivateMail.Domain.Mail.MailSecurity.None;
        await AddMailboxAsync(await SaveServerAsync(closed), "jan");

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#scan-mailboxes tbody tr")));
        var row = page.Find("#scan-mailboxes tbody tr");
        Assert.Contains("Jan Tester", row.TextContent);
        Assert.Contains("Never", row.TextContent);
        Assert.Contains("Active", row.TextContent);

        page.Find("#scan-mailboxes [id^=scan-now-]").Click();

        page.WaitForAssertion(() => Assert.Contains("Locked", page.Find("#scan-mailboxes tbody tr").TextContent), TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => Assert.Equal(nameof(ScanRunStatus.Error), page.Find("#scan-history-admin tbody tr").GetAttribute("data-status")));
        Assert.Contains("Admin Tester", page.Find("#scan-history-admin tbody tr [data-started-by]").TextContent);
        // The first error is shown under the result, in the row (no column of its own: the table fits beside the menus).
        Assert.False(string.IsNullOrWhiteSpace(page.Find("#scan-history-admin tbody tr td [data-first-error]").TextContent));
        Assert.Equal(6, page.FindAll("#scan-history-admin thead th").Count);
        page.WaitForAssertion(() => Assert.Contains("· Error", page.Find("#scan-mailboxes tbody tr").TextContent));
    }

    [Fact]
    public async Task A_non_administrator_cannot_list_scan_or_stop_mailboxes()
    {
        var mailboxId = await MailboxOfAsync("jan");
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            SignIn("jan", await db.Users.Where(u => u.UserName == "jan").Select(u => u.Id).SingleAsync());
        }

        var service = Services.GetRequiredService<ScanHistoryAdminService>();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.MailboxesAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.ScanNowAsync(mailboxId));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.StopAsync(mailboxId));
        Assert.False(Services.GetRequiredService<ScanCoordinator>().IsRunning(mailboxId));
    }

    [Fact]
    public async Task Times_show_in_the_administrators_own_time_zone_to_the_second()
    {
        var jan = await MailboxOfAsync("jan");
        var started = new DateTimeOffset(2026, 11, 1, 8, 0, 5, TimeSpan.Zero);
        await AddRunAsync(new ScanRun { MailboxId = jan, StartedAt = started, FinishedAt = started.AddSeconds(3), Status = ScanRunStatus.Done });
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.Users.Where(u => u.Id == AdminId).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, "Europe/Warsaw"));
        }

        var page = RenderPage();

        // 08:00:05 UTC is 09:00:05 in Warsaw in November, whatever zone the server runs in.
        page.WaitForAssertion(() => Assert.Contains("2026-11-01 09:00:05", page.Find("#scan-history-admin tbody tr").TextContent));
        Assert.Contains("3 s", page.Find("#scan-history-admin tbody tr").TextContent);
        Assert.Contains("2026-11-01 09:00:05", page.Find("#scan-mailboxes tbody tr").TextContent);
    }
}

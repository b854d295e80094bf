using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>The Mailbox tab's scan panel listens to its own mailbox's scans only, and stops listening when it closes.</summary>
public sealed class ScanPanelLiveUpdateTests : MailboxTestContext
{
    [Fact]
    public async Task The_panel_hears_only_its_mailbox_and_a_closed_page_is_unsubscribed()
    {
        var serverId = await AddServerAsync("Company mail");
        await SaveOrFailAsync(await ValidModelAsync(serverId));
        int mailboxId;
        await using (var db = await CreateDbAsync())
        {
            mailboxId = (await db.Mailboxes.SingleAsync(m => m.OwnerId == JanId)).Id;
        }

        var coordinator = Services.GetRequiredService<ScanCoordinator>();
        var before = coordinator.SubscriberCount;
        var page = RenderMailboxTab();
        page.WaitForElement("#scan-now");
        var panel = page.FindComponent<ScanPanel>();

        Assert.Equal(before + 1, coordinator.SubscriberCount);
        Assert.Equal(1, coordinator.SubscriberCountFor(mailboxId));
        Assert.Equal(0, coordinator.SubscriberCountFor(mailboxId + 1));

        // Its own mailbox's scan shows at once.
        coordinator.Report(new ScanProgress(mailboxId, 1, ScanRunStatus.Running, 3, 3, 0, 0, 0, 0, 0, null));
        page.WaitForAssertion(() => Assert.Contains("3", page.Find("#scan-progress").TextContent));
        var renders = panel.RenderCount;

        // Another mailbox's scan never reaches it: no re-render, its own counters stand.
        coordinator.Report(new ScanProgress(mailboxId + 1, 2, ScanRunStatus.Running, 7, 7, 0, 0, 0, 0, 0, null));
        await page.InvokeAsync(() => { });

        Assert.Equal(renders, panel.RenderCount);
        Assert.DoesNotContain("7", page.Find("#scan-progress").TextContent);

        await DisposeComponentsAsync();

        Assert.Equal(before, coordinator.SubscriberCount);
        Assert.Equal(0, coordinator.SubscriberCountFor(mailboxId));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateMail.Web.Data;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Keeps the scan history to <see cref="ScannerOptions.HistoryRetention"/>: older runs go with their outcomes, and
/// quarantined messages older than that go with their raw files. Runs left "Running" by a process that died are
/// closed as Interrupted when the app starts.
/// </summary>
public sealed class ScanHistoryRetention(
    IDbContextFactory<AppDbContext> dbFactory,
    Settings.ScannerSettingsService settings,
    IOptions<PrivateMailOptions> appOptions,
    TimeProvider time,
    ILogger<ScanHistoryRetention> logger)
{
    private readonly string _dataDirectory = appOptions.Value.DataDirectory;
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    /// <summary>Closes runs a crash left open. Only at start-up: then no scan of this process can be running.</summary>
    public static async Task<int> CloseInterruptedAsync(AppDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var note = ScanNotes.Encode(ScanNotes.Interrupted);
        return await db.ScanRuns.Where(r => r.Status == ScanRunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ScanRunStatus.Interrupted).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.FirstError, r => r.FirstError ?? note), cancellationToken);
    }

    /// <summary>Closes one mailbox's runs left Running, for a caller that holds the mailbox's gate (so none of them is alive).</summary>
    public static async Task<int> CloseInterruptedAsync(AppDbContext db, DateTimeOffset now, int mailboxId, CancellationToken cancellationToken = default)
    {
        var note = ScanNotes.Encode(ScanNotes.Interrupted);
        return await db.ScanRuns.Where(r => r.MailboxId == mailboxId && r.Status == ScanRunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ScanRunStatus.Interrupted).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.FirstError, r => r.FirstError ?? note), cancellationToken);
    }

    /// <summary>Purges at most once an hour (the schedule calls this every run).</summary>
    public async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - _lastPurge < TimeSpan.FromHours(1))
        {
            return;
        }

        _lastPurge = time.GetUtcNow();
        await PurgeAsync(cancellationToken);
    }

    /// <summary>Deletes what is older than the retention; returns the number of runs deleted.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - (await settings.GetAsync(cancellationToken)).HistoryRetention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.ScanRuns.Where(r => r.StartedAt < cutoff && r.Status != ScanRunStatus.Running).ExecuteDeleteAsync(cancellationToken);
        var failed = await db.FailedMessages.Where(f => f.FailedAt < cutoff).Select(f => new { f.Id, f.RawPath }).ToListAsync(cancellationToken);
        foreach (var chunk in failed.Chunk(500))
        {
            var ids = chunk.Select(f => f.Id).ToList();
            await db.FailedMessages.Where(f => ids.Contains(f.Id)).ExecuteDeleteAsync(cancellationToken);
            foreach (var path in chunk.Select(f => f.RawPath).OfType<string>())
            {
                var full = Path.GetFullPath(Path.Combine(_dataDirectory, path));
                // Only files under the data folder's quarantine: a row never names anything else.
                if (full.StartsWith(Path.Combine(_dataDirectory, "failed") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    File.Delete(full);
                }
            }
        }

        if (runs > 0 || failed.Count > 0)
        {
            logger.LogInformation("Scan history: {Runs} runs and {Failed} quarantined messages older than {Cutoff} deleted.", runs, failed.Count, cutoff);
        }

        return runs;
    }
}

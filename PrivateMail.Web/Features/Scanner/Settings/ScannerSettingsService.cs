using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.LiveUpdates;

namespace PrivateMail.Web.Features.Scanner.Settings;

/// <summary>
/// The scanner's effective settings: the configured <see cref="ScannerOptions"/> (appsettings) overlaid by the row an
/// administrator saved. The scanner, the schedule's tick and the history retention ask here on every run, so a saved
/// value applies to the next run without a restart. The row is read once and cached until a save or reset — on this
/// node or, heard through the <see cref="ILiveBackplane"/>, on another (or when the backplane may have missed one).
/// </summary>
public sealed class ScannerSettingsService(IDbContextFactory<AppDbContext> dbFactory, IOptions<ScannerOptions> defaults, ILiveBackplane? backplane = null)
{
    /// <summary>The backplane topic of a saved or reset row (no content: the receiver reads the database).</summary>
    public const string Topic = "scanner-settings";

    private readonly Lock _gate = new();
    private Cached? _cached;
    private bool _attached;

    /// <summary>The configured defaults (what "Reset to defaults" returns to).</summary>
    public ScannerOptions Defaults => defaults.Value;

    /// <summary>The settings the next run uses.</summary>
    public async ValueTask<ScannerOptions> GetAsync(CancellationToken cancellationToken = default)
    {
        var cached = _cached;
        if (cached is null)
        {
            // Listening before the first read: a save on another node after it is heard.
            AttachBackplane();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var row = await LoadRowAsync(db, cancellationToken);
            cached = new Cached(row);
            lock (_gate)
            {
                _cached ??= cached;
                cached = _cached;
            }
        }

        // No row: the configured object itself, so what configuration (or a test) sets on it is seen at once.
        return cached.Row is null ? defaults.Value : Overlay(defaults.Value, cached.Row);
    }

    /// <summary>Whether an administrator's values are in force (else the configured defaults).</summary>
    public async ValueTask<bool> IsCustomisedAsync(CancellationToken cancellationToken = default)
    {
        await GetAsync(cancellationToken);
        return _cached?.Row is not null;
    }

    /// <summary>The saved row, or null when none was saved. No user check: the scanner has no user.</summary>
    public static Task<ScannerAdminSettings?> LoadRowAsync(AppDbContext db, CancellationToken cancellationToken = default) =>
        db.ScannerAdminSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == ScannerAdminSettings.SingletonId, cancellationToken);

    /// <summary>The defaults with a saved row's values on top; a copy, the defaults stay as configured.</summary>
    public static ScannerOptions Overlay(ScannerOptions defaults, ScannerAdminSettings row)
    {
        var options = defaults.Clone();
        options.IntervalMinutes = row.IntervalMinutes;
        options.IntervalSeconds = row.IntervalSeconds;
        options.BatchSize = row.BatchSize;
        options.BatchBytes = row.BatchBytes;
        options.MaxMessagesPerRun = row.MaxMessagesPerRun;
        options.TimeBudget = row.TimeBudget;
        options.MaxMessageBytes = row.MaxMessageBytes;
        options.LockedRetryInterval = row.LockedRetryInterval;
        options.HistoryRetention = row.HistoryRetention;
        options.TicketCapPerSenderPerHour = row.TicketCapPerSenderPerHour;
        options.AmbiguityPolicy = row.AmbiguityPolicy;
        return options;
    }

    /// <summary>
    /// Forgets the cached row, here and on the other nodes: the next <see cref="GetAsync"/> reads the database again.
    /// </summary>
    internal void Invalidate()
    {
        Forget();
        backplane?.Publish(Topic, "");
    }

    private void Forget()
    {
        lock (_gate)
        {
            _cached = null;
        }
    }

    private void AttachBackplane()
    {
        if (backplane is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_attached)
            {
                return;
            }

            _attached = true;
        }

        backplane.Subscribe(Topic, _ => Forget());
        backplane.SubscribeResync(Forget);
    }

    private sealed record Cached(ScannerAdminSettings? Row);
}

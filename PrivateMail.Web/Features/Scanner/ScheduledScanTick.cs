using Coravel.Invocable;
using PrivateMail.Web.Features.Scanner.Settings;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// When the schedule's next run is due: at each multiple of the interval (as the cron step it replaces: every N minutes
/// on the minute, or every N seconds), the interval read from the settings in force at every tick.
/// </summary>
public sealed class ScanScheduleClock
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _next;
    private TimeSpan _interval;

    /// <summary>The interval the settings ask for: seconds when set, else minutes.</summary>
    public static TimeSpan IntervalOf(ScannerOptions options) =>
        options.IntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(options.IntervalMinutes);

    /// <summary>Whether a run is due at <paramref name="now"/>; when it is, the next one is a whole interval later.</summary>
    public bool IsDue(DateTimeOffset now, TimeSpan interval)
    {
        lock (_gate)
        {
            if (_next is null || interval != _interval)
            {
                // First tick, or the interval changed: the next boundary of the new interval (never more than one interval away).
                _interval = interval;
                _next = NextBoundary(now, interval);
                return false;
            }

            if (now < _next)
            {
                return false;
            }

            _next = NextBoundary(now, interval);
            return true;
        }
    }

    /// <summary>The next run's time, once the clock has ticked.</summary>
    public DateTimeOffset? Next
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    private static DateTimeOffset NextBoundary(DateTimeOffset now, TimeSpan interval) =>
        new((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
}

/// <summary>The schedule's one-second tick: runs <see cref="ScheduledScan"/> when the interval in force says so.</summary>
public sealed class ScheduledScanTick(ScanScheduleClock clock, ScannerSettingsService settings, ScheduledScan scan, TimeProvider time)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        var current = await settings.GetAsync(CancellationToken);
        if (!clock.IsDue(time.GetUtcNow(), ScanScheduleClock.IntervalOf(current)))
        {
            return;
        }

        scan.CancellationToken = CancellationToken;
        await scan.Invoke();
    }
}

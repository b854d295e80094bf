namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The tests' one hand-moved clock: <see cref="Now"/> is fixed at the start given (else it follows the system's time until
/// set or advanced), and its timers fire only when the test says so, and it knows which of them are still alive.
/// Timestamps (elapsed time) still come from the system.
/// </summary>
public sealed class ManualClock(DateTimeOffset? start = null) : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset? _now = start;

    public DateTimeOffset Now
    {
        get => _now ?? System.GetUtcNow();
        set => _now = value;
    }

    public void Advance(TimeSpan by) => Now += by;

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Timers with this period not yet disposed (MudBlazor keeps timers of its own on the same clock).</summary>
    public int LiveTimers(TimeSpan period)
    {
        lock (_timers)
        {
            return _timers.Count(t => !t.Disposed && t.Period == period);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state) { Period = period };
        lock (_timers)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>Runs the callback of every timer with this period not yet disposed.</summary>
    public void Fire(TimeSpan period)
    {
        List<ManualTimer> due;
        lock (_timers)
        {
            due = _timers.Where(t => !t.Disposed && t.Period == period).ToList();
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
    {
        public bool Disposed { get; private set; }

        public TimeSpan Period { get; init; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}

using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>The schedule's tick: runs on each multiple of the interval in force, and a changed interval applies at once.</summary>
public sealed class ScanScheduleClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 10, 0, 20, TimeSpan.Zero);

    [Fact]
    public void Runs_on_each_interval_boundary_once()
    {
        var clock = new ScanScheduleClock();
        var minute = TimeSpan.FromMinutes(1);

        Assert.False(clock.IsDue(Start, minute));
        Assert.Equal(Start.AddSeconds(40), clock.Next);
        Assert.False(clock.IsDue(Start.AddSeconds(39), minute));
        Assert.True(clock.IsDue(Start.AddSeconds(40), minute));
        Assert.False(clock.IsDue(Start.AddSeconds(41), minute));
        Assert.True(clock.IsDue(Start.AddSeconds(101), minute));
    }

    [Fact]
    public void A_saved_interval_takes_effect_at_the_next_tick_without_a_restart()
    {
        var clock = new ScanScheduleClock();
        clock.IsDue(Start, TimeSpan.FromMinutes(30));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero), clock.Next);

        // An administrator saves 5 seconds: the next run is at most 5 seconds away, not at half past.
        Assert.False(clock.IsDue(Start.AddSeconds(1), TimeSpan.FromSeconds(5)));
        Assert.Equal(Start.AddSeconds(5), clock.Next);
        Assert.True(clock.IsDue(Start.AddSeconds(5), TimeSpan.FromSeconds(5)));
        Assert.True(clock.IsDue(Start.AddSeconds(10), TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(3, null, 180)]
    [InlineData(3, 20, 20)]
    public void The_interval_is_seconds_when_set_else_minutes(int minutes, int? seconds, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ScanScheduleClock.IntervalOf(new ScannerOptions { IntervalMinutes = minutes, IntervalSeconds = seconds }));
}

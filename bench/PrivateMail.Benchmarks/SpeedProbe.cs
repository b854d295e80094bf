using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace PrivateMail.Benchmarks;

/// <summary>
/// How fast the machine is right now: a fixed single-threaded workload of the scan's kind (short strings, a dictionary,
/// allocation), timed just before each worker starts. On this shared virtual machine such work takes anywhere from about
/// 1× to 2× its quickest time from one minute to the next (other tenants on the same physical cores: caches and memory;
/// the kernel's steal time stays near 0 %, and a register-only loop does not slow down at all), and a scan's CPU seconds
/// move with it — the probe says which runs met a slow moment.
/// </summary>
internal static class SpeedProbe
{
    private const int Rounds = 1_000_000;

    /// <summary>Milliseconds the workload took (its code compiled and optimised by an unmeasured first pass).</summary>
    public static double Milliseconds()
    {
        Work(Rounds / 50);
        var stopwatch = Stopwatch.StartNew();
        var result = Work(Rounds);
        stopwatch.Stop();
        GC.KeepAlive(result);
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Work(int rounds)
    {
        var totals = new Dictionary<string, int>();
        var length = 0;
        for (var i = 0; i < rounds; i++)
        {
            var key = (i % 5000).ToString(CultureInfo.InvariantCulture);
            totals[key] = totals.GetValueOrDefault(key) + i;
            length += key.Length;
        }

        return length + totals.Count;
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PrivateMail.Benchmarks;

/// <summary>
/// How fast the machine is right now: a fixed single-threaded integer workload, timed just before each worker starts.
/// On this shared virtual machine the same loop takes anywhere from about 1× to 2× its quickest time from one minute to the
/// next (other tenants on the same physical cores; the kernel's steal time stays near 0 %), and a scan's CPU seconds
/// move with it — the probe says which runs met a slow moment.
/// </summary>
internal static class SpeedProbe
{
    private const int Rounds = 40_000_000;

    /// <summary>Milliseconds the workload took (its code compiled and optimised by an unmeasured first pass).</summary>
    public static double Milliseconds()
    {
        Spin(Rounds / 10);
        var stopwatch = Stopwatch.StartNew();
        var result = Spin(Rounds);
        stopwatch.Stop();
        GC.KeepAlive(result);
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static ulong Spin(int rounds)
    {
        // xorshift64: a dependent chain of cheap operations, no memory traffic, nothing the JIT can fold away.
        var x = 88172645463325252UL;
        for (var i = 0; i < rounds; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }

        return x;
    }
}

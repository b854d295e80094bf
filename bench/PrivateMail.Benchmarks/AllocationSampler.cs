using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace PrivateMail.Benchmarks;

/// <summary>
/// What the measured scan allocates, by type: the runtime's allocation-tick events (one about every 100 KB allocated,
/// naming the type that crossed it), summed per type — a sample, but one that does not vary with the machine's load the
/// way CPU time does. Opt-in (<c>PRIVATEMAIL_BENCH_ALLOCATIONS=1</c>): the events cost a little themselves.
/// </summary>
internal sealed class AllocationSampler : RuntimeEventSampler
{
    private readonly Dictionary<string, long> _bytes = [];

    protected override EventKeywords Keywords => (EventKeywords)0x1; // GC

    public static AllocationSampler? StartIfAsked()
    {
        if (Environment.GetEnvironmentVariable("PRIVATEMAIL_BENCH_ALLOCATIONS") != "1")
        {
            return null;
        }

        var sampler = new AllocationSampler();
        sampler.Start();
        return sampler;
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // AllocationTick_V4: AllocationAmount64 and TypeName among its payload.
        if (!On || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64");
        var type = eventData.PayloadNames.IndexOf("TypeName");
        if (amount < 0 || type < 0 || eventData.Payload is null)
        {
            return;
        }

        lock (Gate)
        {
            var key = eventData.Payload[type] as string ?? "?";
            _bytes[key] = _bytes.GetValueOrDefault(key) + Convert.ToInt64(eventData.Payload[amount], CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Stops sampling; the top types as lines for stderr.</summary>
    public string Report(int top = 25)
    {
        Stop();
        lock (Gate)
        {
            var total = _bytes.Values.Sum();
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"Allocations sampled during the measured scan: {total / 1e6:F0} MB, by type:\n"));
            foreach (var (type, bytes) in _bytes.OrderByDescending(b => b.Value).Take(top))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {bytes / 1e6,8:F1} MB  {100.0 * bytes / Math.Max(total, 1),5:F1} %  {type}\n");
            }

            return text.ToString();
        }
    }
}

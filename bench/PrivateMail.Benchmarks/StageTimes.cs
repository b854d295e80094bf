using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace PrivateMail.Benchmarks;

/// <summary>
/// Listens to the scanner's <c>privatemail.scanner.stage.*</c> counters during one scan: per stage, seconds busy (and
/// the thread CPU within them), seconds blocked waiting for the stage before it or after it, and batches.
/// </summary>
internal sealed class StageTimes : IDisposable
{
    private const string Prefix = "privatemail.scanner.stage.";
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Stage, string Measure), double> _values = [];
    private readonly Lock _gate = new();

    public StageTimes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The totals as worker counters (milliseconds; batches as counts), e.g. <c>stage.write.busy</c>.</summary>
    public Dictionary<string, long> Counters()
    {
        lock (_gate)
        {
            return _values.ToDictionary(
                v => $"stage.{v.Key.Stage}.{v.Key.Measure}",
                v => v.Key.Measure == "batches" ? (long)v.Value : (long)Math.Round(v.Value * 1000));
        }
    }

    /// <summary>A Markdown table of the totals, one row per stage.</summary>
    public string Table(double wallSeconds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Stage | Busy s | CPU s (same-thread part) | Waiting for input s | Waiting for output s | Batches | Busy per batch ms | Busy / wall ({wallSeconds:F2} s) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        lock (_gate)
        {
            foreach (var stage in _values.Keys.Select(k => k.Stage).Distinct())
            {
                double Get(string measure) => _values.GetValueOrDefault((stage, measure));
                var batches = Get("batches");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {stage} | {Get("busy"):F2} | {Get("cpu"):F2} | {Get("wait_input"):F2} | {Get("wait_output"):F2} | {batches:F0} | {(batches > 0 ? Get("busy") / batches * 1000 : 0):F1} | {(wallSeconds > 0 ? Get("busy") / wallSeconds : 0):P0} |");
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var stage = "?";
        foreach (var tag in tags)
        {
            if (tag.Key == "stage")
            {
                stage = tag.Value as string ?? "?";
            }
        }

        var key = (stage, instrument.Name[Prefix.Length..]);
        lock (_gate)
        {
            _values[key] = _values.GetValueOrDefault(key) + value;
        }
    }
}

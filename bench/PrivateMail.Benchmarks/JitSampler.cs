using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace PrivateMail.Benchmarks;

/// <summary>
/// What the JIT compiles during the measured scan, by tier and by the namespace of the method's type: the runtime's
/// method-load events (every compiled method, not a sample). Opt-in (<c>PRIVATEMAIL_BENCH_JIT=1</c>; or a namespace, e.g.
/// <c>PRIVATEMAIL_BENCH_JIT=System.Linq</c>, to list that namespace's methods one by one): the verbose JIT events slow a
/// cold scan down themselves, so its times are not comparable.
/// </summary>
internal sealed class JitSampler : RuntimeEventSampler
{
    private static readonly string[] Tiers = ["unknown", "min-opts", "optimised", "tier 0", "tier 1", "ReadyToRun", "pre-JIT", "tier-1 instrumented", "tier-1 OSR"];
    private readonly Dictionary<(string Tier, string Namespace), int> _methods = [];
    private readonly Dictionary<(string Tier, string Method), int> _listed = [];
    private string? _listing;

    protected override EventKeywords Keywords => (EventKeywords)0x10; // JIT

    public static JitSampler? StartIfAsked()
    {
        if (Environment.GetEnvironmentVariable("PRIVATEMAIL_BENCH_JIT") is not { Length: > 0 } asked)
        {
            return null;
        }

        var sampler = new JitSampler { _listing = asked == "1" ? null : asked };
        sampler.Start();
        return sampler;
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!On || eventData.EventName is not { } name || !name.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || eventData.PayloadNames is null || eventData.Payload is null)
        {
            return;
        }

        var flagsAt = eventData.PayloadNames.IndexOf("MethodFlags");
        var typeAt = eventData.PayloadNames.IndexOf("MethodNamespace");
        var nameAt = eventData.PayloadNames.IndexOf("MethodName");
        if (flagsAt < 0 || typeAt < 0)
        {
            return;
        }

        var flags = Convert.ToInt64(eventData.Payload[flagsAt], CultureInfo.InvariantCulture);
        var tierIndex = (int)((flags >> 7) & 0x7);
        var tier = (flags & 0x1) != 0 ? "dynamic" : tierIndex < Tiers.Length ? Tiers[tierIndex] : tierIndex.ToString(CultureInfo.InvariantCulture);
        var type = eventData.Payload[typeAt] as string ?? "?";
        // The namespace's first two parts, generic arguments left out: enough to say which library the code is.
        var plain = type.Split('[', '`', '+')[0];
        var parts = plain.Split('.');
        var space = parts.Length <= 2 ? plain : string.Join('.', parts.Take(2));
        lock (Gate)
        {
            _methods[(tier, space)] = _methods.GetValueOrDefault((tier, space)) + 1;
            if (_listing is not null && type.StartsWith(_listing, StringComparison.Ordinal))
            {
                var method = type + "::" + (nameAt >= 0 ? eventData.Payload[nameAt] as string : "?");
                _listed[(tier, method)] = _listed.GetValueOrDefault((tier, method)) + 1;
            }
        }
    }

    public string Report()
    {
        Stop();
        var text = new StringBuilder("Methods compiled during the measured scan, by tier and namespace:\n");
        lock (Gate)
        {
            foreach (var tier in _methods.GroupBy(m => m.Key.Tier).OrderByDescending(g => g.Sum(m => m.Value)))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {tier.Key}: {tier.Sum(m => m.Value):N0}\n");
                foreach (var (key, count) in tier.OrderByDescending(m => m.Value).Take(15))
                {
                    text.Append(CultureInfo.InvariantCulture, $"    {count,6:N0}  {key.Namespace}\n");
                }
            }

            foreach (var ((tier, method), count) in _listed.OrderBy(m => m.Key.Tier, StringComparer.Ordinal).ThenBy(m => m.Key.Method, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {tier}{(count > 1 ? $" ×{count}" : "")}: {method}\n");
            }
        }

        return text.ToString();
    }
}

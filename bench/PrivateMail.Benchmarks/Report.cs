using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace PrivateMail.Benchmarks;

/// <summary>
/// The results as markdown: machine, date, commit, then throughput against the limit, the targets with PASS/FAIL,
/// bind cost, latency and every single run. Written to bench/RESULTS.md and between the README's bench markers
/// (full runs; a --quick run only writes its copy under bench/results/ so a smoke run never replaces the real table).
/// </summary>
internal sealed class Report(
    BenchSettings settings, DateTimeOffset started, string loadBefore, string loadAfter, string dovecotVersion, bool mailOnTmpfs,
    Dictionary<int, double> appendRates, Dictionary<int, long> corpusBytes, List<Point> points, Dictionary<int, List<WorkerResult>> bind,
    WorkerResult? latency, List<string> failures)
{
    public const string StartMarker = "<!-- bench:start -->";
    public const string EndMarker = "<!-- bench:end -->";
    private const int TargetSize = 10_000;
    private static readonly CultureInfo En = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var small = settings.Contacts.Min();
        var large = settings.Contacts.Max();
        text.AppendLine(En, $"### Benchmark results{(settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql ? " on PostgreSQL" : "")}{(settings.Quick ? " (quick smoke run)" : "")}");
        text.AppendLine();
        text.AppendLine(En, $"`bench/run.sh{(settings.Quick ? " --quick" : "")}{(settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql ? " --provider postgresql" : "")}` on {Machine()}, {started:yyyy-MM-dd HH:mm} UTC, commit `{Commit()}`.");
        text.AppendLine(En, $"{dovecotVersion.Split(' ')[0]} with its mail on {(mailOnTmpfs ? "tmpfs" : "disk")}; {(settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql ? "**PostgreSQL 15** (private server, default durability) on " + FileSystem(Path.GetTempPath()) : $"SQLite on {FileSystem(settings.WorkDirectory)} ({settings.WorkDirectory})")}; batch {settings.BatchSize}; " +
            $"median of {settings.Repeat} runs; each run in its own process ({BenchRuntime.Describe()}). Load average before/after: {loadBefore} / {loadAfter} — the 2 cores are shared with other builds, so wall times are noisy; the CPU seconds of the measuring process (the limit's excludes Dovecot's share) are the steadier comparison — but not steady: the machine's own speed moves up to 2× from minute to minute (other tenants on the same physical cores), which the speed probe before each run shows (a fixed one-core workload of strings, a dictionary and allocation, in milliseconds; lower is faster).");
        text.AppendLine();

        var states = points.Select(p => p.State).Distinct().Order().ToList();
        if (states.Contains(ProcessState.Warm))
        {
            var warmWay = settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql
                ? "into a database of its own (a second copy of the template) in a service provider of its own (the app's singletons start afresh; EF Core's model and compiled " +
                  "queries are per process, so they are warm), then scans the measured folder into a fresh copy exactly as a cold run does"
                : "in the same service provider that then measures, as a running server does (its singletons, and EF Core's model and compiled queries — the worker checks " +
                  "those are the warm-up's), then the data directory is reset to a fresh copy of the template (the warm-up's files moved aside; every run's files are deleted only when the whole bench ends), " +
                  "the JIT's tier-up backlog is let settle (until no method was compiled for 0.5 s; ≈ 2.3 s), and the measured folder is scanned exactly as a cold run does";
            text.AppendLine(En, $"**Cold** is the first scan after a start: the measured work is the first thing the process does (JIT, tier-0 code, empty caches). " +
                $"**Warm** is every scan after that: the same process first scans {settings.WarmupSize:N0} other generated messages (`{Orchestrator.WarmupFolder}`), unmeasured, " +
                $"{warmWay} (the limit likewise fetches and parses the warm-up folder first). Both store the same e-mails, links and tickets.");
            text.AppendLine();
        }

        text.AppendLine("| Messages | Contacts | Process | Limit: bare MailKit fetch + MimeKit parse | Scanner end to end | Ratio (≥ 0.25) | Scanner time | CPU: limit / scanner | Peak working set | Database | Attachment files |");
        text.AppendLine("|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var point in points.OrderBy(p => p.Messages).ThenBy(p => p.Contacts).ThenBy(p => p.State))
        {
            var limit = MedianRate(point.Bare);
            var scan = MedianRate(point.Scan);
            var ratio = scan / limit;
            text.AppendLine(En, $"| {point.Messages:N0} | {point.Contacts:N0} | {Name(point.State)} | {limit:N0} msg/s | {scan:N0} msg/s | {ratio:F2} {Verdict(ratio >= 0.25)} | " +
                $"{Median(point.Scan, r => r.Seconds):F2} s | {Median(point.Bare, r => r.CpuSeconds):F2} / {Median(point.Scan, r => r.CpuSeconds):F2} s | {Median(point.Scan, r => r.PeakWorkingSet) / 1048576:F0} MB | {Median(point.Scan, r => r.DatabaseBytes) / 1048576:F1} MB | {Median(point.Scan, r => r.AttachmentBytes) / 1048576:F1} MB |");
        }

        text.AppendLine();
        text.AppendLine("| Target | Measured | |");
        text.AppendLine("|---|---:|---|");
        foreach (var state in states)
        {
            var of = states.Count > 1 ? $", {Name(state)}" : "";
            var target = points.FirstOrDefault(p => p.Messages == TargetSize && p.Contacts == small && p.State == state);
            if (target is not null)
            {
                var ratio = MedianRate(target.Scan) / MedianRate(target.Bare);
                var seconds = Median(target.Scan, r => r.Seconds);
                var peak = Median(target.Scan, r => r.PeakWorkingSet) / 1048576;
                text.AppendLine(En, $"| Scanner ÷ limit ≥ 0.25 ({TargetSize:N0} messages{of}) | {ratio:F2} | {Verdict(ratio >= 0.25)} |");
                text.AppendLine(En, $"| {TargetSize:N0} messages in under 6 s{of} | {seconds:F1} s | {Verdict(seconds < 6)} |");
                text.AppendLine(En, $"| Peak working set under 400 MB ({TargetSize:N0} messages{of}) | {peak:F0} MB | {Verdict(peak < 400)} |");
            }
            else
            {
                var largest = points.Where(p => p.Contacts == small && p.State == state).MaxBy(p => p.Messages)!;
                var ratio = MedianRate(largest.Scan) / MedianRate(largest.Bare);
                text.AppendLine(En, $"| Scanner ÷ limit ≥ 0.25 ({largest.Messages:N0} messages{of}) | {ratio:F2} | {Verdict(ratio >= 0.25)} |");
                text.AppendLine(En, $"| {TargetSize:N0} messages in under 6 s (extrapolated from {largest.Messages:N0}{of}) | {TargetSize / MedianRate(largest.Scan):F1} s | {Verdict(TargetSize / MedianRate(largest.Scan) < 6)} |");
                text.AppendLine(En, $"| Peak working set under 400 MB ({largest.Messages:N0} messages{of}) | {Median(largest.Scan, r => r.PeakWorkingSet) / 1048576:F0} MB | {Verdict(Median(largest.Scan, r => r.PeakWorkingSet) / 1048576 < 400)} |");
            }
        }

        if (small != large)
        {
            var bindRatio = Median(bind[large], r => r.Seconds) / Median(bind[small], r => r.Seconds);
            text.AppendLine(En, $"| Bind cost with {large:N0} contacts ≤ 1.2× that with {small:N0} | {bindRatio:F2}× | {Verdict(bindRatio <= 1.2)} |");
        }

        if (latency is { Latencies.Count: > 0 })
        {
            text.AppendLine(En, $"| Latency append → in the database, p95 < 1.5 s ({latency.Latencies.Count} messages, {How(settings)}) | median {Stats.Median(latency.Latencies):F2} s, p95 {Stats.Percentile(latency.Latencies, 0.95):F2} s | {Verdict(settings.IntervalSeconds > 0 || Stats.Percentile(latency.Latencies, 0.95) < 1.5)} |");
        }

        text.AppendLine();
        text.AppendLine(En, $"Bind cost ({settings.BindSize:N0} messages, batches of {settings.BatchSize}: the scanner's record lookup for each batch plus the domain's decision for each message, no IMAP, no writes):");
        text.AppendLine();
        text.AppendLine("| Contacts | Time | CPU | Per message | Messages/s | × the smallest (time) | × the smallest (CPU) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        var baseline = Median(bind[small], r => r.Seconds);
        var baselineCpu = Median(bind[small], r => r.CpuSeconds);
        foreach (var contacts in settings.Contacts)
        {
            var seconds = Median(bind[contacts], r => r.Seconds);
            var cpu = Median(bind[contacts], r => r.CpuSeconds);
            text.AppendLine(En, $"| {contacts:N0} | {seconds:F3} s | {cpu:F3} s | {seconds / settings.BindSize * 1e6:F0} µs | {settings.BindSize / seconds:N0} | {seconds / baseline:F2} | {cpu / baselineCpu:F2} |");
        }

        if (small != large)
        {
            text.AppendLine();
            text.Append("End to end, the scanner's time with ").Append(large.ToString("N0", En)).Append(" contacts ÷ with ").Append(small.ToString("N0", En)).Append(": ");
            text.AppendLine(string.Join(", ", settings.Sizes.SelectMany(size => states.Select(state =>
            {
                var s = points.Single(p => p.Messages == size && p.Contacts == small && p.State == state);
                var l = points.Single(p => p.Messages == size && p.Contacts == large && p.State == state);
                return string.Create(En, $"{size:N0} messages{(states.Count > 1 ? " " + Name(state) : "")} {Median(l.Scan, r => r.Seconds) / Median(s.Scan, r => r.Seconds):F2}×");
            }))) + ".");
        }

        if (latency is { Latencies.Count: > 0 })
        {
            text.AppendLine();
            text.AppendLine(En, $"Latency: the app in a running host with {How(settings)}; each message is appended at a random moment " +
                $"and timed until its row is in the database: median {Stats.Median(latency.Latencies) * 1000:F0} ms, p95 {Stats.Percentile(latency.Latencies, 0.95) * 1000:F0} ms, " +
                $"max {latency.Latencies.Max() * 1000:F0} ms over {latency.Latencies.Count} messages.");
        }

        var shown = points.Where(p => p.Contacts == small && p.State == states[0]).MaxBy(p => p.Messages);
        if (shown?.Scan.FirstOrDefault(r => r.Error is null) is { } sample)
        {
            var c = sample.Counters;
            text.AppendLine();
            text.AppendLine(En, $"What the scanner did with {shown.Messages:N0} messages: {c.GetValueOrDefault("stored"):N0} e-mails stored, {c.GetValueOrDefault("bound"):N0} bound " +
                $"({c.GetValueOrDefault("links"):N0} links), {c.GetValueOrDefault("ticketsOpened"):N0} ticket status changes, {c.GetValueOrDefault("ticketsCreated"):N0} tickets created, " +
                $"{c.GetValueOrDefault("skipped"):N0} skipped, {c.GetValueOrDefault("failed"):N0} failed. The corpus: sizes 2–50 KB " +
                $"({corpusBytes.GetValueOrDefault(shown.Messages) / 1048576.0:F0} MB), 10 % with an attachment; loaded with MULTIAPPEND at {appendRates.GetValueOrDefault(shown.Messages):N0} msg/s." +
                $"{(states.Count > 1 ? " Cold and warm runs did exactly this (their counters are compared; a difference is listed under Failures)." : "")}");
        }

        text.AppendLine();
        text.AppendLine("<details><summary>Every run (seconds)</summary>");
        text.AppendLine();
        foreach (var point in points.OrderBy(p => p.Messages).ThenBy(p => p.Contacts).ThenBy(p => p.State))
        {
            text.AppendLine(En, $"- {point.Messages:N0} messages, {point.Contacts:N0} contacts, {Name(point.State)} — limit: {Runs(point.Bare)}; scanner: {Runs(point.Scan)}" +
                $"{(point.State == ProcessState.Warm ? $" (warm-up, not measured: limit {Warmups(point.Bare)}; scanner {Warmups(point.Scan)})" : "")}");
        }

        foreach (var contacts in settings.Contacts)
        {
            text.AppendLine(En, $"- bind, {contacts:N0} contacts: {Runs(bind[contacts])}");
        }

        text.AppendLine();
        text.AppendLine("</details>");
        if (failures.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("**Failures:**");
            foreach (var failure in failures)
            {
                text.AppendLine(En, $"- {failure.ReplaceLineEndings(" ")}");
            }
        }

        return text.ToString();
    }

    public void Write(string markdown)
    {
        var bench = Path.Combine(settings.RepositoryRoot, "bench");
        var history = Directory.CreateDirectory(Path.Combine(bench, "results")).FullName;
        var name = $"{started:yyyyMMdd-HHmm}-{Commit().Replace("+", "-", StringComparison.Ordinal)}{(settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql ? "-postgresql" : "")}{(settings.Quick ? "-quick" : "")}.md";
        File.WriteAllText(Path.Combine(history, name), markdown);
        Orchestrator.Log($"Wrote bench/results/{name}");
        if (settings.Quick || !settings.WriteReadme)
        {
            return;
        }

        File.WriteAllText(Path.Combine(bench, "RESULTS.md"), "# PrivateMail benchmark results\n\nRegenerated by `bench/run.sh`; earlier runs are under `bench/results/`.\n\n" + markdown);
        var readme = Path.Combine(settings.RepositoryRoot, "README.md");
        var content = File.ReadAllText(readme);
        var start = content.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = content.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            Orchestrator.Log("README.md has no bench markers; only bench/RESULTS.md was written.");
            return;
        }

        File.WriteAllText(readme, content[..(start + StartMarker.Length)] + "\n" + markdown + content[end..]);
        Orchestrator.Log("Wrote bench/RESULTS.md and the README's results section");
    }

    private static string Verdict(bool pass) => pass ? "**PASS**" : "**FAIL**";

    private static string Name(ProcessState state) => state == ProcessState.Warm ? "warm" : "cold";

    private static string Warmups(List<WorkerResult> runs) =>
        string.Join(" / ", runs.Where(r => r.Error is null).Select(r => string.Create(En, $"{r.WarmupSeconds:F2} s, {r.WarmupCpuSeconds:F2} CPU-s")));

    private static double MedianRate(List<WorkerResult> runs) => Median(runs, r => r.PerSecond);

    private static double Median(List<WorkerResult> runs, Func<WorkerResult, double> value) =>
        Stats.Median(runs.Where(r => r.Error is null && r.Messages > 0).Select(value));

    private static string Runs(List<WorkerResult> runs) =>
        string.Join(" / ", runs.Select(r => r.Error is null ? string.Create(En, $"{r.Seconds:F2} ({r.CpuSeconds:F2} CPU-s{(r.SpeedProbeMilliseconds > 0 ? $", probe {r.SpeedProbeMilliseconds:F0} ms" : "")})") : "error"));

    private string Commit()
    {
        var sha = Git("rev-parse --short HEAD") ?? "unknown";
        return string.IsNullOrWhiteSpace(Git("status --porcelain --untracked-files=no")) ? sha : sha + "+dirty";
    }

    private string? Git(string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git", $"-C \"{settings.RepositoryRoot}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "Linux"
            : RuntimeInformation.OSDescription;
        return string.Create(En, $"{os}, {cpu}, {Environment.ProcessorCount} cores, {long.Parse(memory, En) / 1024 / 1024.0:F0} GB RAM, {RuntimeInformation.FrameworkDescription}");
    }

    private static string FileSystem(string path)
    {
        var mounts = File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2).ToList();
        var best = mounts.Where(m => path.StartsWith(m[1], StringComparison.Ordinal)).MaxBy(m => m[1].Length);
        return best is null ? "disk" : $"{best[2]}";
    }

    private static string How(BenchSettings settings) => settings.IntervalSeconds > 0
        ? $"polling every {settings.IntervalSeconds} s (`Scanner:IntervalSeconds`, push off)"
        : "the default settings (IMAP IDLE push; the schedule every minute as the safety net)";
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MailKit;
using MimeKit;

namespace PrivateMail.Benchmarks;

/// <summary>What to run. Defaults are the full run; <c>--quick</c> is the smoke run (1,000 messages).</summary>
internal sealed record BenchSettings(
    IReadOnlyList<int> Sizes, IReadOnlyList<int> Contacts, int BindSize, int Repeat, int BatchSize, int LatencyMessages, int IntervalSeconds,
    string RepositoryRoot, string WorkDirectory, bool Quick, bool WriteReadme, bool Hold = false,
    PrivateMail.Web.Data.Providers.DatabaseProvider Provider = PrivateMail.Web.Data.Providers.DatabaseProvider.Sqlite)
{
    public static BenchSettings From(Arguments args)
    {
        var quick = args.Has("quick");
        var root = Path.GetFullPath(args.Get("repo", Directory.GetCurrentDirectory()));
        var sizes = args.GetInts("sizes", quick ? [1_000] : [1_000, 10_000, 50_000]);
        // --provider postgresql: the same measurements with the app storing into a private PostgreSQL 15.
        var provider = PrivateMail.Web.Data.Providers.DatabaseProviders.Parse(args.Find("provider"));
        var postgreSql = provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql;
        return new BenchSettings(
            sizes,
            args.GetInts("contacts", [100, 100_000]),
            args.GetInt("bind-size", Math.Min(10_000, sizes.Max())),
            args.GetInt("repeat", 3),
            args.GetInt("batch", 100),
            // The latency probe reads the SQLite file directly: not measured on PostgreSQL.
            args.GetInt("latency", postgreSql ? 0 : quick ? 10 : 50),
            args.GetInt("interval", 0),
            root,
            // SQLite on the real disk, like the app: fsync costs are part of the product. The server's mail is on tmpfs.
            args.Get("work-dir", Path.Combine(Path.GetTempPath(), "privatemail-bench-" + Guid.NewGuid().ToString("N")[..8])),
            quick,
            // A PostgreSQL run never replaces the README's SQLite table: its row is copied in by hand.
            !args.Has("no-readme") && !postgreSql,
            args.Has("hold"),
            provider);
    }
}

/// <summary>One scale point's measured runs.</summary>
internal sealed record Point(int Messages, int Contacts, List<WorkerResult> Bare, List<WorkerResult> Scan);

internal static class Orchestrator
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var load = LoadAverage();
        Directory.CreateDirectory(settings.WorkDirectory);
        Log($"Work directory {settings.WorkDirectory}");
        await using var dovecot = await BenchDovecot.StartAsync(cancellationToken);
        Log($"Dovecot on 127.0.0.1:{dovecot.Port}, mail in {dovecot.Directory}{(dovecot.OnTmpfs ? " (tmpfs)" : "")}");
        await using var postgres = settings.Provider == PrivateMail.Web.Data.Providers.DatabaseProvider.PostgreSql ? BenchPostgreSql.Start(Path.GetTempPath()) : null;
        if (postgres is not null)
        {
            BenchDatabase.Use(settings.Provider, postgres.Port);
            Log($"{postgres.Version()} on 127.0.0.1:{postgres.Port}, data in {postgres.Directory}");
        }

        var plan = CrmPlan.Create(settings.Contacts.Max());
        var templates = new Dictionary<int, string>();
        foreach (var contacts in settings.Contacts)
        {
            var clock = Stopwatch.StartNew();
            templates[contacts] = await Seeder.CreateTemplateAsync(plan, contacts, Path.Combine(settings.WorkDirectory, $"template-{contacts}"), cancellationToken);
            Log($"Template with {contacts:N0} contacts in {clock.Elapsed.TotalSeconds:F1} s");
        }

        var appendRates = new Dictionary<int, double>();
        var corpusBytes = new Dictionary<int, long>();
        foreach (var size in settings.Sizes.Append(settings.BindSize).Distinct())
        {
            (appendRates[size], corpusBytes[size]) = await LoadCorpusAsync(dovecot, plan, size, cancellationToken);
            Log($"Loaded {size:N0} messages ({corpusBytes[size] / 1024.0 / 1024:F1} MB) with MULTIAPPEND at {appendRates[size]:N0} msg/s");
        }

        if (settings.Hold)
        {
            // For profiling by hand: the server, corpus and templates stay up and the worker command lines are printed.
            foreach (var contacts in settings.Contacts)
            {
                Log($"worker scan --host {dovecot.Host} --port {dovecot.Port} --folder {Folder(settings.Sizes[0])} --batch {settings.BatchSize} --count {settings.Sizes[0]} --template {templates[contacts]} --run-dir {Path.Combine(settings.WorkDirectory, "run")}");
            }

            Log("Holding: Ctrl+C or SIGTERM ends.");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var failures = new List<string>();
        var points = new List<Point>();
        foreach (var size in settings.Sizes)
        {
            var runs = settings.Contacts.ToDictionary(c => c, _ => new List<WorkerResult>());
            var bare = new List<WorkerResult>();
            for (var round = 1; round <= settings.Repeat; round++)
            {
                // Interleaved, so a burst of load from another process hits both sides rather than one.
                bare.Add(await ChildAsync("bare", settings, dovecot, Folder(size), size, null, failures, cancellationToken));
                foreach (var contacts in settings.Contacts)
                {
                    runs[contacts].Add(await ChildAsync("scan", settings, dovecot, Folder(size), size, templates[contacts], failures, cancellationToken));
                }
            }

            foreach (var contacts in settings.Contacts)
            {
                points.Add(new Point(size, contacts, bare, runs[contacts]));
            }
        }

        var bind = settings.Contacts.ToDictionary(c => c, _ => new List<WorkerResult>());
        for (var round = 1; round <= settings.Repeat; round++)
        {
            foreach (var contacts in settings.Contacts)
            {
                bind[contacts].Add(await ChildAsync("bind", settings, dovecot, Folder(settings.BindSize), settings.BindSize, templates[contacts], failures, cancellationToken));
            }
        }

        WorkerResult? latency = null;
        if (settings.LatencyMessages > 0)
        {
            using (var client = await dovecot.ConnectAsync(cancellationToken))
            {
                await BenchDovecot.FolderAsync(client, "Latency", cancellationToken);
            }

            latency = await ChildAsync("latency", settings, dovecot, "Latency", settings.LatencyMessages, templates[settings.Contacts.Min()], failures, cancellationToken);
        }

        var report = new Report(settings, started, load, LoadAverage(), dovecot.Version(), dovecot.OnTmpfs, appendRates, corpusBytes, points, bind, latency, failures);
        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        report.Write(markdown);
        try
        {
            Directory.Delete(settings.WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS: it is under the temp folder.
        }

        return failures.Count == 0 ? 0 : 1;
    }

    public static string Folder(int size) => "Bench-" + size.ToString(CultureInfo.InvariantCulture);

    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

    private static async Task<(double Rate, long Bytes)> LoadCorpusAsync(BenchDovecot dovecot, CrmPlan plan, int size, CancellationToken cancellationToken)
    {
        using var client = await dovecot.ConnectAsync(cancellationToken);
        var folder = await BenchDovecot.FolderAsync(client, Folder(size), cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        if (folder.Count == size)
        {
            return (0, 0);
        }

        var generator = new MessageGenerator(plan, size);
        long bytes = 0;
        var appending = TimeSpan.Zero;
        for (var start = 0; start < size; start += 250)
        {
            var requests = new List<IAppendRequest>();
            for (var i = start; i < Math.Min(size, start + 250); i++)
            {
                var message = generator.Next(i, $"b{size}");
                requests.Add(new AppendRequest(message, MessageFlags.Seen) { InternalDate = message.Date });
            }

            bytes += requests.Sum(r => r.Message.ToString().Length);
            var clock = Stopwatch.StartNew();
            // MailKit sends one MULTIAPPEND command for the list when the server has the capability.
            await folder.AppendAsync(requests, cancellationToken);
            appending += clock.Elapsed;
        }

        await client.DisconnectAsync(true, cancellationToken);
        return (size / appending.TotalSeconds, bytes);
    }

    private static async Task<WorkerResult> ChildAsync(string kind, BenchSettings settings, BenchDovecot dovecot, string folder, int count, string? template, List<string> failures, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(Orchestrator).Assembly.Location);
        }

        string[] arguments =
        [
            "worker", kind, "--host", dovecot.Host, "--port", dovecot.Port.ToString(CultureInfo.InvariantCulture), "--folder", folder,
            "--batch", settings.BatchSize.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture),
            "--interval", settings.IntervalSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var argument in arguments.Concat(BenchDatabase.WorkerArguments()))
        {
            info.ArgumentList.Add(argument);
        }

        if (template is not null)
        {
            info.ArgumentList.Add("--template");
            info.ArgumentList.Add(template);
            info.ArgumentList.Add("--run-dir");
            info.ArgumentList.Add(Path.Combine(settings.WorkDirectory, "run"));
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start a worker.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        WorkerResult? result = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<WorkerResult>(line[7..]);
            }
        }

        await process.WaitForExitAsync(cancellationToken);
        var errors = await stderr;
        if (result is null || process.ExitCode != 0)
        {
            failures.Add($"{kind} {folder}: exit {process.ExitCode}: {errors.Trim()}");
            Log($"{kind} {folder} FAILED: {errors.Trim()}");
            return new WorkerResult { Kind = kind, Error = errors.Trim() };
        }

        if (result.Error is not null)
        {
            failures.Add($"{kind} {folder}: {result.Error}");
        }

        var label = template is null ? "" : $" ({Path.GetFileName(Path.GetDirectoryName(template))})";
        Log(kind == "latency"
            ? $"latency: median {Stats.Median(result.Latencies) * 1000:F0} ms, p95 {Stats.Percentile(result.Latencies, 0.95) * 1000:F0} ms"
            : $"{kind} {folder}{label}: {result.Messages:N0} in {result.Seconds:F2} s = {result.PerSecond:N0} msg/s, peak {result.PeakWorkingSet / 1048576.0:F0} MB{(result.Error is null ? "" : " ERROR " + result.Error)}");
        return result;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest-rank percentile (the median of an even count is the mean of the middle two).</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        if (p == 0.5 && sorted.Count % 2 == 0)
        {
            return (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

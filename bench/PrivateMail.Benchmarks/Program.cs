using System.Globalization;
using System.Text.Json;
using PrivateMail.Benchmarks;

// bench/run.sh calls this. Without "worker" it orchestrates: Dovecot, templates, corpus, then one child process per
// measured run (so each run's peak memory is its own). "worker <kind>" is one such run and prints one RESULT line.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// SIGTERM (a CI timeout, kill) cancels like Ctrl+C, so the orchestrator still kills its Dovecot on the way out.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

try
{
    if (args.Length > 0 && args[0] == "mymail-page")
    {
        var page = Arguments.Parse(args[1..]);
        return await MyMailPageBench.RunAsync(page.GetInt("count", 10_000), page.GetInt("repeat", 10), cancel.Token);
    }

    // bench/run.sh nodes --nodes 2 --mailboxes 20 --per-mailbox 500 (run.sh puts --repo DIR first): several app processes
    // sharing one PostgreSQL.
    if (Array.IndexOf(args, "nodes") is var at and >= 0 && (at == 0 || (at == 2 && args[0] == "--repo")))
    {
        var nodes = Arguments.Parse([.. args[..at], .. args[(at + 1)..]]);
        return await NodesBench.RunAsync(nodes.GetInt("nodes", 2), nodes.GetInt("mailboxes", 20), nodes.GetInt("per-mailbox", 500),
            nodes.Get("repo", Directory.GetCurrentDirectory()), cancel.Token);
    }

    if (args.Length > 0 && args[0] == "worker")
    {
        var options = Arguments.Parse(args[2..]);
        if (options.Find("provider") is { } provider)
        {
            BenchDatabase.Use(PrivateMail.Web.Data.Providers.DatabaseProviders.Parse(provider), options.GetInt("pg-port", 0));
        }

        var workerArgs = new WorkerArgs(
            options.Get("host", "127.0.0.1"), options.GetInt("port", 143), options.Get("folder", "INBOX"), options.GetInt("batch", 100),
            options.Find("template"), options.Find("run-dir"), options.GetInt("count", 0), options.GetInt("interval", 1));
        var result = args[1] switch
        {
            "bare" => await Workers.BareAsync(workerArgs, cancel.Token),
            "scan" => await Workers.ScanAsync(workerArgs, cancel.Token),
            "bind" => await Workers.BindAsync(workerArgs, cancel.Token),
            "latency" => await Workers.LatencyAsync(workerArgs, cancel.Token),
            _ => throw new ArgumentException($"Unknown worker {args[1]}."),
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    return await Orchestrator.RunAsync(BenchSettings.From(Arguments.Parse(args)), cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}

namespace PrivateMail.Benchmarks
{
    /// <summary>--name value pairs and --flags.</summary>
    internal sealed class Arguments
    {
        private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

        public static Arguments Parse(IReadOnlyList<string> args)
        {
            var parsed = new Arguments();
            for (var i = 0; i < args.Count; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Unexpected argument {args[i]}.");
                }

                var name = args[i][2..];
                var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                parsed._values[name] = hasValue ? args[++i] : null;
            }

            return parsed;
        }

        public bool Has(string name) => _values.ContainsKey(name);

        public string? Find(string name) => _values.GetValueOrDefault(name);

        public string Get(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

        public int GetInt(string name, int fallback) => _values.GetValueOrDefault(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public IReadOnlyList<int> GetInts(string name, IReadOnlyList<int> fallback) =>
            _values.GetValueOrDefault(name) is { } v ? v.Split(',').Select(s => int.Parse(s.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)).ToList() : fallback;
    }
}

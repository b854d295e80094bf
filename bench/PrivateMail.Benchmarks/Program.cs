using System.Globalization;
using System.Text.Json;

namespace PrivateMail.Benchmarks;

/// <summary>
/// bench/run.sh calls this. Without "worker" it orchestrates: Dovecot, templates, corpus, then one child process per
/// measured run (so each run's peak memory is its own). "worker &lt;kind&gt;" is one such run and prints one RESULT line.
/// </summary>
/// <remarks>A named class rather than top-level statements, so the tests can see the harness' types beside the web app's <c>Program</c>.</remarks>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
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

            // bench/run.sh startup --variants "jit=DIR;r2r=DIR2,DOTNET_TieredCompilation=0" --repeat 5: published apps' start-up to the first 200.
            if (Array.IndexOf(args, "startup") is var startupAt and >= 0 && (startupAt == 0 || (startupAt == 2 && args[0] == "--repo")))
            {
                var startup = Arguments.Parse([.. args[..startupAt], .. args[(startupAt + 1)..]]);
                return await StartupBench.RunAsync(
                    StartupBench.Variant.ParseAll(startup.Find("variants") ?? throw new ArgumentException("--variants name=folder[,VAR=value…];… is required.")),
                    startup.GetInt("repeat", 5), cancel.Token);
            }

            // bench/run.sh parse-phases --folder MAILDIR/cur --rounds 3: the parse stage's steps timed on the corpus' files.
            if (Array.IndexOf(args, "parse-phases") is var phasesAt and >= 0 && (phasesAt == 0 || (phasesAt == 2 && args[0] == "--repo")))
            {
                var phases = Arguments.Parse([.. args[..phasesAt], .. args[(phasesAt + 1)..]]);
                return await ParsePhases.RunAsync(phases.Find("folder") ?? throw new ArgumentException("--folder DIR (a Maildir's cur/) is required."), phases.GetInt("rounds", 3), cancel.Token);
            }

            if (args.Length > 0 && args[0] == "worker")
            {
                var options = Arguments.Parse(args[2..]);
                if (options.Find("provider") is { } provider)
                {
                    BenchDatabase.Use(PrivateMail.Web.Data.Providers.DatabaseProviders.Parse(provider), options.GetInt("pg-port", 0));
                }

                var workerArgs = WorkerArgs.From(options);
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
    }
}

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

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PrivateMail.Benchmarks;

/// <summary>
/// App start-up as a deploy sees it: a published app folder started like the container starts it
/// (<c>dotnet PrivateMail.Web.dll</c>, Production, a fresh data folder, so migrations run on a new SQLite file), timed
/// until <c>GET /</c> answers 200 (a fresh install leads every page to the set-up page), with the process's CPU seconds
/// at that moment and the time of a second request. Variants run interleaved:
/// <c>startup --variants "jit=/tmp/pub;r2r=/tmp/pub-r2r;r2r-tc0=/tmp/pub-r2r,DOTNET_TieredCompilation=0" --repeat 5</c>.
/// </summary>
internal static class StartupBench
{
    /// <summary>One way of starting the app: a published folder and environment variables on top of the defaults.</summary>
    internal sealed record Variant(string Name, string AppDirectory, IReadOnlyDictionary<string, string> Environment)
    {
        /// <summary><c>name=folder[,VAR=value…]</c> separated by <c>;</c>.</summary>
        public static IReadOnlyList<Variant> ParseAll(string text) =>
            text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();

        private static Variant Parse(string text)
        {
            var (name, rest) = Split(text, '=') ?? throw new ArgumentException($"A variant is name=folder[,VAR=value…], not {text}.");
            var parts = rest.Split(',', StringSplitOptions.TrimEntries);
            var environment = parts.Skip(1).Select(p => Split(p, '=') ?? throw new ArgumentException($"{p} is not VAR=value.")).ToDictionary(p => p.Left, p => p.Right, StringComparer.Ordinal);
            return new Variant(name, parts[0], environment);
        }

        private static (string Left, string Right)? Split(string text, char separator) =>
            text.IndexOf(separator, StringComparison.Ordinal) is var at and > 0 ? (text[..at].Trim(), text[(at + 1)..].Trim()) : null;
    }

    internal sealed record Sample(double FirstOkSeconds, double CpuSeconds, double SecondRequestSeconds, long PeakWorkingSet);

    public static async Task<int> RunAsync(IReadOnlyList<Variant> variants, int repeat, CancellationToken cancellationToken)
    {
        var samples = variants.ToDictionary(v => v.Name, _ => new List<Sample>());
        var load = File.ReadAllText("/proc/loadavg").Trim();
        for (var round = 1; round <= repeat; round++)
        {
            foreach (var variant in variants)
            {
                var sample = await MeasureAsync(variant, cancellationToken);
                samples[variant.Name].Add(sample);
                Orchestrator.Log(string.Create(CultureInfo.InvariantCulture,
                    $"{variant.Name}: first 200 after {sample.FirstOkSeconds:F2} s, {sample.CpuSeconds:F2} CPU-s, second request {sample.SecondRequestSeconds * 1000:F0} ms, peak {sample.PeakWorkingSet / 1048576.0:F0} MB"));
            }
        }

        Console.WriteLine(Table(variants, samples, load, File.ReadAllText("/proc/loadavg").Trim(), repeat));
        return 0;
    }

    public static string Table(IReadOnlyList<Variant> variants, Dictionary<string, List<Sample>> samples, string loadBefore, string loadAfter, int repeat)
    {
        var text = new StringBuilder();
        var en = CultureInfo.InvariantCulture;
        text.AppendLine(en, $"Start-up to the first HTTP 200 on a fresh SQLite data folder, median of {repeat} (interleaved); load average {loadBefore} → {loadAfter}");
        text.AppendLine();
        text.AppendLine("| Variant | Folder, environment | First 200 | CPU-s until then | Second request | Peak working set | Every run (s) |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var variant in variants)
        {
            var runs = samples[variant.Name];
            var environment = string.Join(" ", variant.Environment.Select(e => $"{e.Key}={e.Value}"));
            text.AppendLine(en,
                $"| {variant.Name} | `{variant.AppDirectory}`{(environment.Length > 0 ? $" `{environment}`" : "")} | {Stats.Median(runs.Select(r => r.FirstOkSeconds)):F2} s | {Stats.Median(runs.Select(r => r.CpuSeconds)):F2} | " +
                $"{Stats.Median(runs.Select(r => r.SecondRequestSeconds)) * 1000:F0} ms | {Stats.Median(runs.Select(r => (double)r.PeakWorkingSet)) / 1048576:F0} MB | {string.Join(" / ", runs.Select(r => r.FirstOkSeconds.ToString("F2", en)))} |");
        }

        return text.ToString();
    }

    private static async Task<Sample> MeasureAsync(Variant variant, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("privatemail-startup-").FullName;
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = variant.AppDirectory };
        info.ArgumentList.Add(Path.Combine(variant.AppDirectory, "PrivateMail.Web.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["PrivateMail__DataDirectory"] = data;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in variant.Environment)
        {
            info.Environment[name] = value;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var address = new Uri($"http://127.0.0.1:{port}/");
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{variant.Name}: the app exited with {process.ExitCode}: {await errors}{await output}");
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new TimeoutException($"{variant.Name}: no 200 within 3 minutes.");
                }

                try
                {
                    using var response = await http.GetAsync(address, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(10, cancellationToken);
            }

            var firstOk = clock.Elapsed.TotalSeconds;
            var cpu = ProcessCpuSeconds(process.Id);
            var second = Stopwatch.StartNew();
            using (var response = await http.GetAsync(address, cancellationToken))
            {
                response.EnsureSuccessStatusCode();
            }

            var secondSeconds = second.Elapsed.TotalSeconds;
            return new Sample(firstOk, cpu, secondSeconds, PeakWorkingSet(process.Id));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Under the temp folder.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>utime + stime of another process, from /proc/PID/stat (clock ticks of 1/100 s on Linux).</summary>
    private static double ProcessCpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static long PeakWorkingSet(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}

using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// The scanner in a process of its own, so a test can SIGKILL it mid-import. The test executable itself is started
/// again with <see cref="Switch"/> (see TestSupport/TestEntryPoint.cs): it builds the app's core services over the
/// given data folder (SQLite file + Data Protection keys, exactly what the web app keeps there), enables My mail and
/// runs the schedule's own job (<see cref="ScheduledScan"/>) back to back until a pass fetches nothing, then exits 0.
/// Why not <c>dotnet PrivateMail.Web.dll</c>: its schedule is a minute cron, so every start would wait up to a minute
/// for its first scan; the job run here is the same code the cron calls, without the wait.
/// </summary>
internal sealed class ScanChildProcess : IAsyncDisposable
{
    public const string Switch = "--privatemail-scan-child";
    private const int MaxPasses = 50;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ScanChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet PrivateMail.Tests.dll --privatemail-scan-child DIR BATCH</c>.</summary>
    public static ScanChildProcess Start(string dataDirectory, int batchSize)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", typeof(ScanChildProcess).Assembly.Location, Switch, dataDirectory, batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return new ScanChildProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the scan child."));
    }

    /// <summary>SIGKILL: no finally block, no dispose, no flush runs in the child.</summary>
    public async Task KillAsync()
    {
        // On Linux Process.Kill sends SIGKILL.
        _process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The scan child did not finish in {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }

        // The parameterless wait also drains the redirected output.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The child's side: scan every active mailbox in the folder's database until nothing new comes.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        try
        {
            var dataDirectory = args[0];
            var batchSize = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            var services = new ServiceCollection();
            services.AddPrivateMailCore(new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(dataDirectory, "privatemail.db"),
                Cache = SqliteCacheMode.Shared,
            }.ToString());
            services.Configure<PrivateMailOptions>(o => o.DataDirectory = dataDirectory);
            services.Configure<ScannerOptions>(o => o.BatchSize = batchSize);
            services.AddDataProtection();
            services.Replace(ServiceDescriptor.Singleton(FaultScanHarness.KeyRing(Path.Combine(dataDirectory, "keys"))));
            services.AddLogging();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
            await using var provider = services.BuildServiceProvider();
            await DatabaseInitializer.InitializeAsync(provider);
            await provider.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "scan-child");
            var factory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
            Console.WriteLine($"scan-child: started, batch {provider.GetRequiredService<IOptions<ScannerOptions>>().Value.BatchSize}");

            for (var pass = 1; pass <= MaxPasses; pass++)
            {
                var job = ActivatorUtilities.CreateInstance<ScheduledScan>(provider);
                await job.Invoke();
                await using var db = await factory.CreateDbContextAsync();
                var last = await db.ScanRuns.AsNoTracking().OrderByDescending(r => r.Id).FirstAsync();
                Console.WriteLine($"scan-child: pass {pass} {last.Status} fetched {last.Fetched} stored {last.Stored} error {last.FirstError}");
                if (last.Status != ScanRunStatus.Done)
                {
                    return 2;
                }

                if (last.Fetched == 0)
                {
                    return 0;
                }
            }

            return 3;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine("scan-child: " + ex);
            return 1;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Hosting;
using PrivateMail.Web.Mail;

namespace PrivateMail.Benchmarks;

/// <summary>What one measured run reports to the orchestrator (one JSON line on stdout).</summary>
internal sealed record WorkerResult
{
    public required string Kind { get; init; }
    public int Messages { get; init; }
    public double Seconds { get; init; }
    /// <summary>CPU time of this process (user + system) over the measured part: steadier than wall time on a shared machine.</summary>
    public double CpuSeconds { get; init; }
    public long PeakWorkingSet { get; init; }
    public long DatabaseBytes { get; init; }
    public long AttachmentBytes { get; init; }
    public Dictionary<string, long> Counters { get; init; } = [];
    public List<double> Latencies { get; init; } = [];
    public string? Error { get; init; }
    /// <summary>Whether the process first ran the same work over a separate warm-up folder (JIT, tiering, caches warm).</summary>
    public bool Warm { get; init; }
    /// <summary>Messages, wall and CPU seconds of the unmeasured warm-up (0 for a cold run).</summary>
    public int WarmupMessages { get; init; }
    public double WarmupSeconds { get; init; }
    public double WarmupCpuSeconds { get; init; }
    /// <summary>The machine's speed just before the run (<see cref="SpeedProbe"/>, milliseconds; lower is faster).</summary>
    public double SpeedProbeMilliseconds { get; init; }

    public double PerSecond => Seconds > 0 ? Messages / Seconds : 0;
}

/// <summary>Where a worker finds the server, the folder and the template database.</summary>
/// <remarks>
/// <paramref name="WarmupFolder"/>: run the same work over that folder first in the same process, unmeasured (a warm
/// run: what every scan after the first costs a running server). Null: a cold run, the first scan after a start.
/// </remarks>
internal sealed record WorkerArgs(string Host, int Port, string Folder, int BatchSize, string? Template, string? RunDirectory, int Count, int IntervalSeconds,
    string? WarmupFolder = null, int WarmupCount = 0)
{
    /// <summary>A worker's command line after <c>worker &lt;kind&gt;</c>, as <see cref="Orchestrator"/> writes it.</summary>
    public static WorkerArgs From(Arguments options) => new(
        options.Get("host", "127.0.0.1"), options.GetInt("port", 143), options.Get("folder", "INBOX"), options.GetInt("batch", 100),
        options.Find("template"), options.Find("run-dir"), options.GetInt("count", 0), options.GetInt("interval", 1),
        options.Find("warmup-folder"), options.GetInt("warmup-count", 0));
}

/// <summary>
/// The measurements. Each runs in a child process of its own, so peak working set is that of one run and nothing else
/// (no seeding, no corpus generation, no earlier run's heap).
/// </summary>
internal static class Workers
{
    /// <summary>
    /// The limit: log in, EXAMINE, SEARCH, then one UID FETCH BODY.PEEK[] per batch of the scanner's size and a MimeKit
    /// parse of each body straight from MailKit's stream. Nothing is kept, decided or stored.
    /// </summary>
    public static async Task<WorkerResult> BareAsync(WorkerArgs args, CancellationToken cancellationToken)
    {
        Warmup? warmup = null;
        if (args.WarmupFolder is { } warmupFolder)
        {
            var warmCpu = Memory.CpuTime();
            var warmClock = Stopwatch.StartNew();
            var (warmParsed, _) = await FetchAndParseAsync(args, warmupFolder, cancellationToken);
            warmup = new Warmup(warmParsed, warmClock.Elapsed.TotalSeconds, (Memory.CpuTime() - warmCpu).TotalSeconds);
            CheckWarmup(args, warmup);
        }

        GC.Collect();
        var cpu = Memory.CpuTime();
        var stopwatch = Stopwatch.StartNew();
        var (parsed, bytes) = await FetchAndParseAsync(args, args.Folder, cancellationToken);
        stopwatch.Stop();
        return new WorkerResult
        {
            Kind = "bare", Messages = parsed, Seconds = stopwatch.Elapsed.TotalSeconds, CpuSeconds = (Memory.CpuTime() - cpu).TotalSeconds, PeakWorkingSet = Memory.PeakWorkingSet(),
            Counters = new() { ["bytes"] = bytes },
            Warm = warmup is not null, WarmupMessages = warmup?.Messages ?? 0, WarmupSeconds = warmup?.Seconds ?? 0, WarmupCpuSeconds = warmup?.CpuSeconds ?? 0,
        };
    }

    private static async Task<(int Parsed, long Bytes)> FetchAndParseAsync(WorkerArgs args, string folderName, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(args.Host, args.Port, MailKit.Security.SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(new MailKit.Security.SaslMechanismPlain(BenchDovecot.Login, BenchDovecot.Password), cancellationToken);
        var folder = (ImapFolder)await client.GetFolderAsync(folderName, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var uids = await folder.SearchAsync(SearchQuery.All, cancellationToken);
        var parsed = 0;
        long bytes = 0;
        foreach (var batch in uids.Chunk(args.BatchSize))
        {
            await folder.GetStreamsAsync(batch, async (_, _, _, stream, ct) =>
            {
                bytes += stream.Length;
                var message = await MimeMessage.LoadAsync(stream, ct);
                GC.KeepAlive(message);
                parsed++;
            }, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
        return (parsed, bytes);
    }

    /// <summary>
    /// The product: a fresh copy of the template database, the app's services, a mailbox with all four actions, and one
    /// scan through <see cref="ScanCoordinator"/> — connect, fetch, parse, exceptions, bind, store, tickets, cursor.
    /// </summary>
    /// <remarks>
    /// Warm (SQLite): the warm-up scans <see cref="WorkerArgs.WarmupFolder"/> in the same service provider that then
    /// measures, as a running server scans again with the singletons and EF Core state of its earlier scans (the worker
    /// checks that EF's model and compiled-query cache are the warm-up's). Between the two the data directory is reset to
    /// a fresh template — the pools cleared, the database and everything the warm-up wrote deleted, the template copied,
    /// WAL, statistics and module switches as the start-up gives a cold run's copy — so the measured scan finds exactly
    /// what a cold one finds (same decisions, tickets and database size).
    /// Warm on PostgreSQL: the warm-up runs in a service provider and database of its own (dropping the run database
    /// under the app's live backplane, which keeps a LISTEN connection to it, is not what a server does); EF Core's
    /// internal service provider is cached per process for the same options, so its model and queries are warm there too.
    /// </remarks>
    public static async Task<WorkerResult> ScanAsync(WorkerArgs args, CancellationToken cancellationToken)
    {
        var settings = ScannerSettingsFor(args);
        settings["Scanner:ScheduleEnabled"] = "false";
        Warmup? warmup = null;
        if (args.WarmupFolder is { } separateFolder && BenchDatabase.IsPostgreSql)
        {
            // The warm-up scans other messages into a database of its own (a second copy of the template), in a service
            // provider of its own: JIT, tiering and EF Core's per-process caches are warm, the app's singletons are new.
            var warmDirectory = PrepareRunDirectory(args with { RunDirectory = (args.RunDirectory ?? throw new InvalidOperationException("--run-dir is required.")) + "-warmup" });
            await using (var warmServices = await BenchApp.StartAsync(warmDirectory, settings))
            {
                warmup = await WarmUpAsync(warmServices, args, separateFolder, cancellationToken);
            }

            // Its files stay until the orchestrator deletes its work directory (see ResetDataDirectoryAsync: why not now).
        }

        var directory = PrepareRunDirectory(args);
        ScanProgress progress;
        Dictionary<string, long> counters;
        double seconds;
        double cpu;
        // The provider ends before the sizes are read, as a cold run's does: its pooled connections closed, the WAL folded back.
        await using (var services = await BenchApp.StartAsync(directory, settings))
        {
            (object QueryCache, object Model)? warmEntityFramework = null;
            if (args.WarmupFolder is { } warmupFolder && !BenchDatabase.IsPostgreSql)
            {
                await CheckTemplateMigratedAsync(services, cancellationToken);
                warmup = await WarmUpAsync(services, args, warmupFolder, cancellationToken);
                warmEntityFramework = await EntityFrameworkServicesAsync(services, cancellationToken);
                await ResetDataDirectoryAsync(services, args, directory);
                await SettleJitAsync(cancellationToken);
            }

            var mailboxId = await BenchApp.CreateMailboxAsync(services, args.Host, args.Port, args.Folder, cancellationToken);
            var coordinator = services.GetRequiredService<ScanCoordinator>();
            GC.Collect();
            Dictionary<string, long> stageCounters;
            using (var stages = new StageTimes())
            {
                var cpuStart = Memory.CpuTime();
                var written = Memory.BytesWritten();
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                var paused = GC.GetTotalPauseDuration();
                using var allocations = AllocationSampler.StartIfAsked();
                using var jitted = JitSampler.StartIfAsked();
                var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
                var jitTime = System.Runtime.JitInfo.GetCompilationTime();
                var stopwatch = Stopwatch.StartNew();
                progress = await coordinator.RunAsync(mailboxId, null, cancellationToken) ?? throw new InvalidOperationException("The scan did not run.");
                stopwatch.Stop();
                seconds = stopwatch.Elapsed.TotalSeconds;
                cpu = (Memory.CpuTime() - cpuStart).TotalSeconds;
                // What the JIT did meanwhile (all threads: tier-0, tier-1, OSR and dynamic methods such as EF's shapers).
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"JIT during the measured scan: {System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods:N0} methods compiled, {(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalSeconds:F2} s compiling"));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Written during the measured scan: {(Memory.BytesWritten() - written) / 1e6:F1} MB (database, WAL, files)"));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Allocated during the measured scan: {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6:F0} MB (managed heap, all threads); collections gen0/1/2 {GC.CollectionCount(0) - collections[0]}/{GC.CollectionCount(1) - collections[1]}/{GC.CollectionCount(2) - collections[2]}, paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2} s"));
                if (allocations is not null)
                {
                    Console.Error.Write(allocations.Report());
                }

                if (jitted is not null)
                {
                    Console.Error.Write(jitted.Report());
                }
                // Per stage: where the pipeline's time went (stderr, so the RESULT line on stdout stays one JSON line).
                Console.Error.WriteLine(stages.Table(seconds));
                stageCounters = stages.Counters();
            }

            if (warmEntityFramework is { } warm)
            {
                // The point of a warm run: EF's model and compiled queries built by the warm-up served the measured scan.
                var measured = await EntityFrameworkServicesAsync(services, cancellationToken);
                if (!ReferenceEquals(warm.QueryCache, measured.QueryCache) || !ReferenceEquals(warm.Model, measured.Model))
                {
                    throw new InvalidOperationException("The measured scan did not use the warm-up's EF Core model and compiled-query cache: it built them again, so it is not warm.");
                }

                Console.Error.WriteLine("Warm: the measured scan ran in the warm-up's service provider; EF Core's compiled-query cache and model are the warm-up's (same objects).");
            }

            await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken))
            {
                counters = new Dictionary<string, long>
                {
                    ["fetched"] = progress.Fetched, ["stored"] = progress.Stored, ["bound"] = progress.Bound, ["ticketsOpened"] = progress.TicketsOpened,
                    ["ticketsCreated"] = progress.TicketsCreated, ["skipped"] = progress.Skipped, ["failed"] = progress.Failed,
                    ["emails"] = await db.Emails.CountAsync(cancellationToken), ["links"] = await db.EmailLinks.CountAsync(cancellationToken),
                    ["tickets"] = await db.Tickets.CountAsync(cancellationToken),
                };
            }

            foreach (var (name, value) in stageCounters)
            {
                counters[name] = value;
            }
        }

        var peak = Memory.PeakWorkingSet();
        var error = progress.Status != ScanRunStatus.Done ? $"scan ended {progress.Status}: {progress.FirstError}"
            : progress.Fetched != args.Count ? $"fetched {progress.Fetched} of {args.Count}"
            : progress.Failed > 0 ? $"{progress.Failed} messages failed: {progress.FirstError}"
            : null;
        return new WorkerResult
        {
            Kind = "scan", Messages = progress.Fetched, Seconds = seconds, CpuSeconds = cpu, PeakWorkingSet = peak,
            DatabaseBytes = BenchDatabase.Bytes(directory),
            AttachmentBytes = BenchApp.FolderBytes(Path.Combine(directory, "attachments")),
            Counters = counters, Error = error,
            Warm = warmup is not null, WarmupMessages = warmup?.Messages ?? 0, WarmupSeconds = warmup?.Seconds ?? 0, WarmupCpuSeconds = warmup?.CpuSeconds ?? 0,
        };
    }

    /// <summary>The unmeasured warm-up: a mailbox on <paramref name="folder"/> and one full scan of it.</summary>
    private static async Task<Warmup> WarmUpAsync(ServiceProvider services, WorkerArgs args, string folder, CancellationToken cancellationToken)
    {
        var cpu = Memory.CpuTime();
        var clock = Stopwatch.StartNew();
        var mailbox = await BenchApp.CreateMailboxAsync(services, args.Host, args.Port, folder, cancellationToken);
        var progress = await services.GetRequiredService<ScanCoordinator>().RunAsync(mailbox, null, cancellationToken)
            ?? throw new InvalidOperationException("The warm-up scan did not run.");
        if (progress.Status != ScanRunStatus.Done || progress.Failed > 0)
        {
            throw new InvalidOperationException($"The warm-up scan ended {progress.Status} with {progress.Failed} failed: {progress.FirstError}");
        }

        var warmup = new Warmup(progress.Fetched, clock.Elapsed.TotalSeconds, (Memory.CpuTime() - cpu).TotalSeconds);
        CheckWarmup(args, warmup);
        return warmup;
    }

    /// <summary>
    /// What EF Core keeps per internal service provider: the memory cache its compiled queries live in (a singleton there) and the built model.
    /// (<c>IInfrastructure&lt;IServiceProvider&gt;.Instance</c> of a context is that context's own scope of the internal
    /// provider — a new object for every context — so it cannot tell whether two contexts share one.)
    /// </summary>
    private static async Task<(object QueryCache, object Model)> EntityFrameworkServicesAsync(ServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken);
        return (db.GetService<Microsoft.Extensions.Caching.Memory.IMemoryCache>(), db.Model);
    }

    /// <summary>
    /// SQLite: the data directory as a cold run finds it — a fresh copy of the template, no attachment files — under the
    /// same, running service provider. What the app's singletons keep from the database is the same in the warm-up's
    /// database and the template (module switches, the scanner's admin row, users' languages: the warm-up changes none of
    /// them; the mailbox id repeats and no scan is running), and the database gets what the start-up gives a cold run's
    /// copy (WAL and statistics, module switches read again).
    /// </summary>
    private static async Task ResetDataDirectoryAsync(ServiceProvider services, WorkerArgs args, string directory)
    {
        var database = Path.Combine(directory, "privatemail.db");
        BenchDatabase.Release();
        // The last connection to close folds the WAL back and deletes it: one still there means a connection still open
        // (it would keep the deleted file and the measured scan would not start from the template).
        if (File.Exists(database + "-wal"))
        {
            throw new InvalidOperationException($"A connection to the warm-up's database is still open after clearing the pools ({database}-wal remains).");
        }

        // Moved aside, left for the orchestrator to delete with its work directory at the end (it gives every worker a
        // run directory of its own): files deleted minutes before a scan make the file system's inode allocation skip
        // their recently freed inodes one by one (ext4 without a journal: `recently_deleted`, up to 6 minutes) for every
        // attachment file the scan creates — a cost of the harness deleting runs back to back, not of a running server.
        var spent = SpentDirectory(directory);
        Directory.CreateDirectory(spent);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(spent, entry.Name);
            if (entry is DirectoryInfo folder)
            {
                folder.MoveTo(target);
            }
            else
            {
                ((FileInfo)entry).MoveTo(target);
            }
        }

        BenchDatabase.CopyTemplate(args.Template ?? throw new InvalidOperationException("--template is required."), directory);
        // What the start-up's initialisation does to a fresh copy (a cold run's): the template is the app's own start-up
        // output (migrated, seeded, roles, module rows), so that leaves WAL and table statistics, and the module switches
        // read again. Not the whole of it: MigrateAsync builds EF's migration snapshot model and diffs it against the
        // model, and a second pass of that code in the process sends hundreds of its methods to tier-1 recompilation
        // on the background JIT thread during the measured scan — a start-up cost a running server pays once. (The
        // template's migrations are checked once, before the warm-up: <see cref="CheckTemplateMigratedAsync"/>.)
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await SqlDialect.For(db.Database).PrepareAsync(db);
        }

        await services.GetRequiredService<ModuleService>().LoadAsync();
    }

    /// <summary>Where <see cref="ResetDataDirectoryAsync"/> moves the warm-up's data (deleted with the orchestrator's work directory).</summary>
    private static string SpentDirectory(string directory) => directory + "-spent";

    /// <summary>The template the measured scan starts from has every migration the app has (the warm-up's copy is the same file).</summary>
    private static async Task CheckTemplateMigratedAsync(ServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken);
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            throw new InvalidOperationException("The template lacks migrations the app has: rebuild the bench templates.");
        }
    }

    /// <summary>
    /// A warm server's JIT has no backlog: the tiered JIT recompiles methods that got hot (30 calls) on a background
    /// thread, 100 ms after the last new tier-0 method at the earliest, so what the warm-up and the reset made hot last is
    /// still queued when the measured scan would start, and would be compiled inside its window (measured: 860–2,900
    /// methods, 0.6–2.2 s of a core). Waits until no method was compiled for half a second (at most 10 s) and prints what
    /// was compiled meanwhile; what the measured scan itself sends to the JIT still counts. PRIVATEMAIL_BENCH_NO_SETTLE=1
    /// starts the measured scan at once, as before.
    /// </summary>
    private static async Task SettleJitAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("PRIVATEMAIL_BENCH_NO_SETTLE") == "1")
        {
            // For comparing with the earlier definition of a warm run.
            Console.Error.WriteLine("JIT settled before the measured scan: not waited for (PRIVATEMAIL_BENCH_NO_SETTLE=1)");
            return;
        }

        var start = System.Runtime.JitInfo.GetCompiledMethodCount();
        var last = start;
        var clock = Stopwatch.StartNew();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && clock.Elapsed - quietSince < TimeSpan.FromMilliseconds(500))
        {
            await Task.Delay(50, cancellationToken);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != last)
            {
                last = now;
                quietSince = clock.Elapsed;
            }
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JIT settled before the measured scan: {last - start:N0} methods compiled in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>
    /// What binding costs, apart from IMAP and storage: per batch, the scanner's record lookup (one indexed query per
    /// record kind for the batch's addresses, domains, ticket numbers and threads) and the domain's decision for each
    /// message. Run over the same messages against 100 and 100,000 contacts, the ratio shows whether it grows with the CRM.
    /// </summary>
    public static async Task<WorkerResult> BindAsync(WorkerArgs args, CancellationToken cancellationToken)
    {
        var directory = PrepareRunDirectory(args);
        var snapshots = new List<MessageSnapshot>();
        using (var client = new ImapClient())
        {
            await client.ConnectAsync(args.Host, args.Port, MailKit.Security.SecureSocketOptions.None, cancellationToken);
            await client.AuthenticateAsync(new MailKit.Security.SaslMechanismPlain(BenchDovecot.Login, BenchDovecot.Password), cancellationToken);
            var folder = (ImapFolder)await client.GetFolderAsync(args.Folder, cancellationToken);
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            var uids = await folder.SearchAsync(SearchQuery.All, cancellationToken);
            foreach (var batch in uids.Chunk(args.BatchSize))
            {
                await folder.GetStreamsAsync(batch, async (_, _, _, stream, ct) => snapshots.Add(MimeSnapshotMapper.ToSnapshot(await MimeMessage.LoadAsync(stream, ct))), cancellationToken);
            }
        }

        await using var services = await BenchApp.StartAsync(directory, new Dictionary<string, string?> { ["Scanner:ScheduleEnabled"] = "false" });
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var names = await services.GetRequiredService<TicketStore>().GetStatusMappingAsync(cancellationToken);
        string owner;
        GlobalExceptions global;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            owner = await db.Users.Where(u => u.Email == CrmPlan.OwnerEmail).Select(u => u.Id).SingleAsync(cancellationToken);
            global = await GlobalExceptionsService.LoadAsync(db, cancellationToken);
        }

        var settings = new ScannerSettings(owner, ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket, SearchFields.DefaultKeys, [], []);
        var statuses = names;
        long bindings = 0;
        GC.Collect();
        var cpu = Memory.CpuTime();
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in snapshots.Chunk(args.BatchSize))
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var lookup = await BatchRecordLookup.LoadAsync(db, batch, names.Closing, owner, cancellationToken);
            foreach (var snapshot in batch)
            {
                bindings += MailScanner.Decide(snapshot, settings, global, statuses, lookup).Bindings.Count;
            }
        }

        stopwatch.Stop();
        return new WorkerResult
        {
            Kind = "bind", Messages = snapshots.Count, Seconds = stopwatch.Elapsed.TotalSeconds, CpuSeconds = (Memory.CpuTime() - cpu).TotalSeconds, PeakWorkingSet = Memory.PeakWorkingSet(),
            Counters = new() { ["bindings"] = bindings },
        };
    }

    /// <summary>
    /// Latency as a user sees it: the app's own schedule (Coravel, <c>Scanner:IntervalSeconds</c>) scanning in a running
    /// host; a message is appended at a random moment and the clock runs until its row is in the database.
    /// </summary>
    public static async Task<WorkerResult> LatencyAsync(WorkerArgs args, CancellationToken cancellationToken)
    {
        var directory = PrepareRunDirectory(args);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging();
        var settings = ScannerSettingsFor(args);
        settings["Scanner:ScheduleEnabled"] = "true";
        // 0: the defaults (IMAP IDLE push, the schedule every minute as the safety net); else polling every N seconds.
        if (args.IntervalSeconds > 0)
        {
            settings["Scanner:IntervalSeconds"] = args.IntervalSeconds.ToString(CultureInfo.InvariantCulture);
            settings["Scanner:Push"] = "false";
        }
        BenchApp.AddServices(builder.Services, builder.Configuration, directory, settings);
        using var host = builder.Build();
        await DatabaseInitializer.InitializeAsync(host.Services);
        await host.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "bench", cancellationToken);
        await BenchApp.CreateMailboxAsync(host.Services, args.Host, args.Port, args.Folder, cancellationToken);
        host.Services.UseScannerSchedule();
        await host.StartAsync(cancellationToken);

        using var client = new ImapClient();
        await client.ConnectAsync(args.Host, args.Port, MailKit.Security.SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(new MailKit.Security.SaslMechanismPlain(BenchDovecot.Login, BenchDovecot.Password), cancellationToken);
        var folder = await BenchDovecot.FolderAsync(client, args.Folder, cancellationToken);
        await using var probe = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "privatemail.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await probe.OpenAsync(cancellationToken);

        var random = new Random(CrmPlan.Seed);
        var latencies = new List<double>();
        // One unmeasured message first: the first scan pays for connection pools, JIT and the folder's first cursor.
        for (var i = -1; i < args.Count; i++)
        {
            // A random moment within the interval: appending right after the last find would lock onto the schedule's phase.
            await Task.Delay(random.Next(Math.Max(1, args.IntervalSeconds) * 1000), cancellationToken);
            var message = new MimeMessage { MessageId = $"latency-{i}-{Guid.NewGuid():N}@bench.example", Subject = $"Latency probe {i}", Date = DateTimeOffset.UtcNow };
            message.From.Add(new MailboxAddress("Stranger", "someone@stranger.example"));
            message.To.Add(new MailboxAddress("Support", CrmPlan.MailboxAddress));
            message.Body = new TextPart("plain") { Text = "Is anybody there?" };
            var id = MessageIdentity.NormaliseMessageId(message.MessageId);
            var started = Stopwatch.GetTimestamp();
            await folder.AppendAsync(message, MessageFlags.None, cancellationToken);
            while (!await ExistsAsync(probe, id!, cancellationToken))
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"Message {i} did not arrive within 60 s.");
                }

                await Task.Delay(5, cancellationToken);
            }

            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }

        await host.StopAsync(CancellationToken.None);
        return new WorkerResult { Kind = "latency", Messages = latencies.Count, Latencies = latencies, PeakWorkingSet = Memory.PeakWorkingSet() };
    }

    private static async Task<bool> ExistsAsync(SqliteConnection connection, string messageId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS(SELECT 1 FROM Emails WHERE MessageId = $id)";
        command.Parameters.AddWithValue("$id", messageId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    private sealed record Warmup(int Messages, double Seconds, double CpuSeconds);

    private static void CheckWarmup(WorkerArgs args, Warmup warmup)
    {
        if (args.WarmupCount > 0 && warmup.Messages != args.WarmupCount)
        {
            throw new InvalidOperationException($"The warm-up fetched {warmup.Messages} of {args.WarmupCount} messages.");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warm-up: {warmup.Messages:N0} messages in {warmup.Seconds:F2} s, {warmup.CpuSeconds:F2} CPU-s (not measured)"));
    }

    private static Dictionary<string, string?> ScannerSettingsFor(WorkerArgs args) => new()
    {
        ["Scanner:BatchSize"] = args.BatchSize.ToString(CultureInfo.InvariantCulture),
        // One run takes the whole corpus: the per-run cap and budget protect other mailboxes, not what is measured here.
        ["Scanner:MaxMessagesPerRun"] = "1000000",
        ["Scanner:TimeBudget"] = "01:00:00",
    };

    private static string PrepareRunDirectory(WorkerArgs args)
    {
        var directory = args.RunDirectory ?? throw new InvalidOperationException("--run-dir is required.");
        // Only when a worker line is run by hand again on the same directory (the orchestrator gives each worker a new one).
        foreach (var stale in new[] { directory, SpentDirectory(directory) }.Where(Directory.Exists))
        {
            Directory.Delete(stale, recursive: true);
        }

        Directory.CreateDirectory(directory);
        BenchDatabase.CopyTemplate(args.Template ?? throw new InvalidOperationException("--template is required."), directory);
        return directory;
    }
}

internal static class Memory
{
    public static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Bytes the process has written through write/pwrite system calls so far (<c>wchar</c> of /proc/self/io): the database, WAL and files.</summary>
    public static long BytesWritten()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>The process's peak resident set (VmHWM) — what the kernel saw, managed heap and native together.</summary>
    public static long PeakWorkingSet()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}

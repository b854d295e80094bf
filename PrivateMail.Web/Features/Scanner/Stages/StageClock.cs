using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>
/// Where one stage of a folder's pipeline spent its time: busy (doing its work, including its own I/O) and blocked
/// (waiting for the stage before it to hand over a batch, or for the stage after it to take one). The stage whose busy
/// time is nearly the whole run is the pipeline's critical path; the others show it as time blocked. CPU is the
/// thread's CPU time over the busy parts that stayed on one thread (an await that resumes elsewhere is left out).
/// </summary>
internal sealed class StageClock(string stage)
{
    private long _busy;
    private long _cpu;
    private long _waitIn;
    private long _waitOut;
    private long _maxBusy;
    private long _batchBusy;

    public string Stage => stage;

    public int Batches { get; private set; }

    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busy));

    /// <summary>Thread CPU time within the busy parts (Linux only; zero elsewhere).</summary>
    public TimeSpan Cpu => TimeSpan.FromTicks(Interlocked.Read(ref _cpu) / 100);

    public TimeSpan WaitIn => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitIn));

    public TimeSpan WaitOut => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _waitOut));

    /// <summary>The busiest batch.</summary>
    public TimeSpan MaxBatch => Stopwatch.GetElapsedTime(0, _maxBusy);

    /// <param name="cpu">Also the thread's CPU time: a system call at each end, too dear for a span per message.</param>
    public Span Work(bool cpu = true) => new(this, cpu ? Kind.Busy : Kind.BusyWallOnly);

    public Span WaitingForInput() => new(this, Kind.In);

    public Span WaitingForOutput() => new(this, Kind.Out);

    /// <summary>Closes a batch: its busy time counts towards <see cref="MaxBatch"/>.</summary>
    public void BatchDone()
    {
        Batches++;
        _maxBusy = Math.Max(_maxBusy, _batchBusy);
        _batchBusy = 0;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{stage}: busy {Busy.TotalSeconds:F2} s (CPU {Cpu.TotalSeconds:F2} s), waiting for input {WaitIn.TotalSeconds:F2} s, for output {WaitOut.TotalSeconds:F2} s, {Batches} batches, busiest {MaxBatch.TotalMilliseconds:F0} ms");

    private void Add(Kind kind, long elapsed, long cpu)
    {
        switch (kind)
        {
            case Kind.Busy or Kind.BusyWallOnly:
                Interlocked.Add(ref _busy, elapsed);
                Interlocked.Add(ref _cpu, cpu);
                _batchBusy += elapsed;
                break;
            case Kind.In:
                Interlocked.Add(ref _waitIn, elapsed);
                break;
            default:
                Interlocked.Add(ref _waitOut, elapsed);
                break;
        }
    }

    internal enum Kind
    {
        Busy,
        BusyWallOnly,
        In,
        Out,
    }

    /// <summary>One measured stretch; dispose to add it.</summary>
    internal readonly struct Span : IDisposable
    {
        private readonly StageClock _clock;
        private readonly Kind _kind;
        private readonly long _started;
        private readonly long _cpuStarted;
        private readonly int _thread;

        public Span(StageClock clock, Kind kind)
        {
            _clock = clock;
            _kind = kind;
            _started = Stopwatch.GetTimestamp();
            _thread = Environment.CurrentManagedThreadId;
            _cpuStarted = kind == Kind.Busy ? ThreadCpu.Nanoseconds() : 0;
        }

        public void Dispose()
        {
            var cpu = _kind == Kind.Busy && Environment.CurrentManagedThreadId == _thread ? ThreadCpu.Nanoseconds() - _cpuStarted : 0;
            _clock.Add(_kind, Stopwatch.GetTimestamp() - _started, cpu);
        }
    }
}

/// <summary>
/// The stage clocks of one folder's pipeline, published when it ends: logged at Debug and as the
/// <c>privatemail.scanner.stage.*</c> counters (seconds, tagged by stage) for a metrics listener such as the benchmark.
/// </summary>
internal sealed class PipelineClocks
{
    internal const string MeterName = "PrivateMail.Scanner";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<double> BusySeconds = Meter.CreateCounter<double>("privatemail.scanner.stage.busy", "s", "Time a scan stage spent working");
    private static readonly Counter<double> CpuSeconds = Meter.CreateCounter<double>("privatemail.scanner.stage.cpu", "s", "Thread CPU time of a scan stage's work");
    private static readonly Counter<double> WaitInSeconds = Meter.CreateCounter<double>("privatemail.scanner.stage.wait_input", "s", "Time a scan stage waited for the stage before it");
    private static readonly Counter<double> WaitOutSeconds = Meter.CreateCounter<double>("privatemail.scanner.stage.wait_output", "s", "Time a scan stage waited for the stage after it");
    private static readonly Counter<long> Batches = Meter.CreateCounter<long>("privatemail.scanner.stage.batches", "{batch}", "Batches a scan stage handled");

    public StageClock Fetch { get; } = new("fetch");

    public StageClock Parse { get; } = new("parse");

    /// <summary>Of the parse stage: the records read ahead for the next batch (contacts, accounts, leads, users, sender counts), beside the writer.</summary>
    public StageClock Records { get; } = new("records");

    /// <summary>Of the writer: the ticket half of the batch's record lookup (read before the batch's transaction).</summary>
    public StageClock Lookup { get; } = new("lookup");

    /// <summary>The domain's decisions, inside the writer.</summary>
    public StageClock Decide { get; } = new("decide");

    /// <summary>The writer as a whole (lookup, decisions, statements, commits).</summary>
    public StageClock Write { get; } = new("write");

    /// <summary>Of the writer: the commits.</summary>
    public StageClock Commit { get; } = new("commit");

    public StageClock Notify { get; } = new("notify");

    public IEnumerable<StageClock> All => [Fetch, Parse, Records, Write, Lookup, Decide, Commit, Notify];

    public void Publish(ILogger logger, int mailboxId, string folder, TimeSpan elapsed)
    {
        foreach (var clock in All)
        {
            var tag = new KeyValuePair<string, object?>("stage", clock.Stage);
            BusySeconds.Add(clock.Busy.TotalSeconds, tag);
            CpuSeconds.Add(clock.Cpu.TotalSeconds, tag);
            WaitInSeconds.Add(clock.WaitIn.TotalSeconds, tag);
            WaitOutSeconds.Add(clock.WaitOut.TotalSeconds, tag);
            Batches.Add(clock.Batches, tag);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Mailbox {MailboxId}, folder {Folder}: pipeline {Elapsed:F2} s; {Stages}", mailboxId, folder, elapsed.TotalSeconds, string.Join("; ", All));
        }
    }
}

/// <summary>The calling thread's CPU time.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    public static long Nanoseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        return ClockGetTime(ClockThreadCpuTime, out var value) == 0 ? (value.Seconds * 1_000_000_000) + value.Nanoseconds : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the project for one diagnostic call.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);
#pragma warning restore SYSLIB1054
}

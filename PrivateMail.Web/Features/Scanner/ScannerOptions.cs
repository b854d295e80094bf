using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>How the mail scanner runs; section <c>Scanner</c>.</summary>
public sealed class ScannerOptions
{
    public const string SectionName = "Scanner";

    /// <summary>Whether the schedule runs at all (tests and maintenance switch it off; Scan now still works).</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>Minutes between scheduled scans (a cron step, so 1–59).</summary>
    [Range(1, 59)]
    public int IntervalMinutes { get; set; } = 1;

    /// <summary>
    /// Seconds between scheduled scans (1–59); when set it replaces <see cref="IntervalMinutes"/>. A cron step cannot go
    /// below a minute; this is for mailboxes that must feel immediate and for the latency benchmark.
    /// </summary>
    [Range(1, 59)]
    public int? IntervalSeconds { get; set; }

    /// <summary>Messages fetched with one FETCH command.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>A batch also ends before it would hold more than this many bytes of mail (one larger message goes alone).</summary>
    [Range(1024, 2_000_000_000)]
    public long BatchBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>At most this many messages per mailbox and run, so one huge mailbox cannot starve the others.</summary>
    [Range(1, 1_000_000)]
    public int MaxMessagesPerRun { get; set; } = 2000;

    /// <summary>A run stops taking new messages after this long; the next run continues.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A mailbox locked by a connection or login failure is retried by the schedule this long after the failure, so a
    /// server outage heals by itself (fetching never stops silently) without hammering a server with a wrong password.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan LockedRetryInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Push: each Active mailbox keeps one connection in IMAP IDLE on its inbox and is scanned as soon as mail arrives
    /// (the schedule stays the safety net). Off together with <see cref="ScheduleEnabled"/>.
    /// </summary>
    public bool Push { get; set; } = true;

    /// <summary>IDLE is re-issued this often (RFC 2177 asks for less than 29 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:29:00")]
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromMinutes(25);

    /// <summary>How often the watched mailboxes are compared with their settings (a change closes or restarts a watch).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan WatchReconcileInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>At most this many IDLE connections to one server (servers limit connections per user and per address).</summary>
    [Range(1, 10_000)]
    public int IdleConnectionsPerServer { get; set; } = 50;

    /// <summary>Scan runs (with each message's outcome) and quarantined messages are kept this long.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Larger messages are not parsed: they are kept as failed messages for an administrator.</summary>
    [Range(1024, 1_000_000_000)]
    public long MaxMessageBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>
    /// Threads that parse one batch's messages (MIME, bodies, the e-mail prepared for storing); 0 = half the processor
    /// cores, 1 to 4. The order the writer sees is the batch's either way. On 2 cores one thread is faster: the scan is
    /// CPU-bound there, and a second parse thread cost ≈ 1.7 CPU-s and 1.2 s per 10,000 messages (bench/OPTIMISATION.md).
    /// </summary>
    [Range(0, 64)]
    public int ParseWorkers { get; set; }

    /// <summary><see cref="ParseWorkers"/> with 0 resolved.</summary>
    internal int EffectiveParseWorkers => ParseWorkers > 0 ? ParseWorkers : Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    /// <summary>At most this many tickets are created from one sender's mail per hour (loops, storms); 0 switches the cap off.</summary>
    [Range(0, 10_000)]
    public int TicketCapPerSenderPerHour { get; set; } = 5;

    /// <summary>What the scanner binds when one address matches several contacts, accounts or leads.</summary>
    public AmbiguityPolicy AmbiguityPolicy { get; set; } = AmbiguityPolicy.BindAll;

    /// <summary>A copy, so the effective settings never write through to the configured defaults.</summary>
    public ScannerOptions Clone() => (ScannerOptions)MemberwiseClone();
}

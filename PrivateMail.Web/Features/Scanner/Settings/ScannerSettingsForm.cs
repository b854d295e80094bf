using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Features.Scanner.Settings;

/// <summary>
/// The Scanner settings page's values in the units a person types (minutes, seconds, kilobytes, days). Nullable, so an
/// emptied field is reported as required rather than silently becoming zero.
/// </summary>
public sealed class ScannerSettingsForm
{
    public int? IntervalMinutes { get; set; }
    /// <summary>Optional: when set, the scan runs every this many seconds instead of every <see cref="IntervalMinutes"/>.</summary>
    public int? IntervalSeconds { get; set; }
    public int? BatchSize { get; set; }
    public long? BatchKilobytes { get; set; }
    public int? MaxMessagesPerRun { get; set; }
    public int? TimeBudgetSeconds { get; set; }
    public long? MaxMessageKilobytes { get; set; }
    public int? LockedRetryMinutes { get; set; }
    public int? HistoryRetentionDays { get; set; }
    public int? TicketCapPerSenderPerHour { get; set; }
    public AmbiguityPolicy AmbiguityPolicy { get; set; }

    public static ScannerSettingsForm From(ScannerOptions options) => new()
    {
        IntervalMinutes = options.IntervalMinutes,
        IntervalSeconds = options.IntervalSeconds,
        BatchSize = options.BatchSize,
        BatchKilobytes = options.BatchBytes / 1024,
        MaxMessagesPerRun = options.MaxMessagesPerRun,
        TimeBudgetSeconds = (int)Math.Round(options.TimeBudget.TotalSeconds),
        MaxMessageKilobytes = options.MaxMessageBytes / 1024,
        LockedRetryMinutes = (int)Math.Round(options.LockedRetryInterval.TotalMinutes),
        HistoryRetentionDays = (int)Math.Max(1, Math.Round(options.HistoryRetention.TotalDays)),
        TicketCapPerSenderPerHour = options.TicketCapPerSenderPerHour,
        AmbiguityPolicy = options.AmbiguityPolicy,
    };

    public ScannerSettingsForm Copy() => (ScannerSettingsForm)MemberwiseClone();
}

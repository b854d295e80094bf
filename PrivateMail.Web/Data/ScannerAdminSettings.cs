using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Data;

/// <summary>
/// The one row of scanner settings an administrator saved (System configuration → Mail tools → Scanner settings). No
/// row means the configured defaults (appsettings' <c>Scanner</c> section) apply; "Reset to defaults" deletes it.
/// </summary>
public sealed class ScannerAdminSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public int IntervalMinutes { get; set; }
    public int? IntervalSeconds { get; set; }
    public int BatchSize { get; set; }
    public long BatchBytes { get; set; }
    public int MaxMessagesPerRun { get; set; }
    public TimeSpan TimeBudget { get; set; }
    public long MaxMessageBytes { get; set; }
    public TimeSpan LockedRetryInterval { get; set; }
    public TimeSpan HistoryRetention { get; set; }
    public int TicketCapPerSenderPerHour { get; set; }
    public AmbiguityPolicy AmbiguityPolicy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedById { get; set; }
}

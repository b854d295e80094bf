using System.Globalization;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>
/// How record values read on screen. Ticket status names are data; the shipped ones read in the user's language until an administrator renames them,
/// after which the administrator's wording shows as typed.
/// </summary>
public static class RecordLabels
{
    public static string TicketStatus(string name) => ShippedStatusKey(name) is { } key ? RecordStrings.ResourceManager.GetString(key, RecordStrings.Culture)! : name;

    /// <summary>
    /// Every way a status can read on screen: its name and, for a shipped status, its label in each language of the app.
    /// Two statuses whose readings meet would look the same to some user (an added "Otwarte" beside the shipped "Open").
    /// </summary>
    public static IEnumerable<string> TicketStatusReadings(string name) => ShippedStatusKey(name) is { } key
        ? [name, .. UiLanguages.All.Select(language => RecordStrings.ResourceManager.GetString(key, new CultureInfo(language))!)]
        : [name];

    /// <summary>
    /// The shipped names are the statuses' well-known keys: the seeder writes them and nothing else does, so a status
    /// still carrying one is a default the administrator kept; a renamed one reads as typed.
    /// </summary>
    private static string? ShippedStatusKey(string name) => name switch
    {
        TicketStatuses.Open => nameof(RecordStrings.StatusOpen),
        TicketStatuses.InProgress => nameof(RecordStrings.StatusInProgress),
        TicketStatuses.WaitingForResponse => nameof(RecordStrings.StatusWaitingForResponse),
        TicketStatuses.Answered => nameof(RecordStrings.StatusAnswered),
        TicketStatuses.Resolved => nameof(RecordStrings.StatusResolved),
        TicketStatuses.Closed => nameof(RecordStrings.StatusClosed),
        TicketStatuses.Rejected => nameof(RecordStrings.StatusRejected),
        _ => null,
    };

    public static string Priority(TicketPriority priority) => priority switch
    {
        TicketPriority.Low => RecordStrings.PriorityLow,
        TicketPriority.High => RecordStrings.PriorityHigh,
        TicketPriority.Urgent => RecordStrings.PriorityUrgent,
        _ => RecordStrings.PriorityNormal,
    };

    public static MudBlazor.Color PriorityColor(TicketPriority priority) => priority switch
    {
        TicketPriority.Urgent => MudBlazor.Color.Error,
        TicketPriority.High => MudBlazor.Color.Warning,
        TicketPriority.Low => MudBlazor.Color.Default,
        _ => MudBlazor.Color.Info,
    };

    public static string LeadStatus(LeadStatus status) => status switch
    {
        Domain.Records.LeadStatus.Contacted => RecordStrings.LeadStatusContacted,
        Domain.Records.LeadStatus.Qualified => RecordStrings.LeadStatusQualified,
        Domain.Records.LeadStatus.Unqualified => RecordStrings.LeadStatusUnqualified,
        Domain.Records.LeadStatus.Converted => RecordStrings.LeadStatusConverted,
        _ => RecordStrings.LeadStatusNew,
    };
}

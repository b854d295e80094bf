using PrivateMail.Domain.Records;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>
/// How record values read on screen. Ticket status names are data; the shipped ones read in the user's language until an administrator renames them,
/// after which the administrator's wording shows as typed.
/// </summary>
public static class RecordLabels
{
    public static string TicketStatus(string name) => name switch
    {
        TicketStatuses.Open => RecordStrings.StatusOpen,
        TicketStatuses.InProgress => RecordStrings.StatusInProgress,
        TicketStatuses.WaitingForResponse => RecordStrings.StatusWaitingForResponse,
        TicketStatuses.Answered => RecordStrings.StatusAnswered,
        TicketStatuses.Resolved => RecordStrings.StatusResolved,
        TicketStatuses.Closed => RecordStrings.StatusClosed,
        TicketStatuses.Rejected => RecordStrings.StatusRejected,
        _ => name,
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

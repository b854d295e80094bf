using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Tickets;

public sealed record TicketRow(
    int Id, string Number, string Title, string Status, bool StatusIsClosing, TicketPriority Priority,
    int? ContactId, string? ContactName, int? AccountId, string? AccountName, string Owner, DateTimeOffset ModifiedAt);

public sealed record TicketDetails(
    int Id, string Number, string Title, string Description, int StatusId, string Status, bool StatusIsClosing, TicketPriority Priority,
    int? ContactId, string? ContactName, string? ContactEmail, int? AccountId, string? AccountName,
    string OwnerId, string Owner, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt);

/// <summary>A status to choose from.</summary>
public sealed record StatusOption(int Id, string Name, bool IsClosing)
{
    public string Label => RecordLabels.TicketStatus(Name);
}

/// <summary>Which tickets the list shows besides the search text.</summary>
public enum TicketScope
{
    /// <summary>Tickets not in a closing status.</summary>
    Open,
    All,
    Closed,
}

/// <summary>What the ticket form edits.</summary>
public sealed class TicketModel : IRecordModel
{
    [RequiredField, MaxLengthField(255)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Title))]
    public string Title { get; set; } = "";

    [MaxLengthField(100_000)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Description))]
    public string Description { get; set; } = "";

    [Range(1, int.MaxValue, ErrorMessageResourceType = typeof(Strings), ErrorMessageResourceName = nameof(Strings.ValidationRequired))]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Status))]
    public int StatusId { get; set; }

    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Priority))]
    public TicketPriority Priority { get; set; } = TicketPriority.Normal;

    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Contact))]
    public RecordOption? Contact { get; set; }

    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Account))]
    public RecordOption? Account { get; set; }

    [RequiredField]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Owner))]
    public string OwnerId { get; set; } = "";
}

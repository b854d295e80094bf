using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Features.Records;

/// <summary>What kind of record changed; e-mails are records too, though no search field binds to them.</summary>
public enum RecordChangeKind
{
    Email,
    Contact,
    Account,
    Lead,
    User,
    Ticket,
}

/// <summary>A record that was created or changed (a new e-mail, a new link to it, a ticket's status).</summary>
public sealed record RecordChange(RecordChangeKind Kind, string Id)
{
    public RecordChange(RecordKind kind, string id)
        : this(kind switch
        {
            RecordKind.Contact => RecordChangeKind.Contact,
            RecordKind.Account => RecordChangeKind.Account,
            RecordKind.Lead => RecordChangeKind.Lead,
            RecordKind.User => RecordChangeKind.User,
            RecordKind.Ticket => RecordChangeKind.Ticket,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A record kind without a change kind."),
        }, id)
    {
    }

    /// <summary>Whether this change concerns the record of that kind and id.</summary>
    public bool Is(RecordChangeKind kind, int id) =>
        Kind == kind && Id == id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Tells open pages that records changed behind their back (the scanner stored mail, bound it, moved or created a
/// ticket). A singleton; subscribers run on the publisher's thread and marshal with InvokeAsync (see LiveRecords).
/// </summary>
public sealed class RecordChangeNotifier(ILogger<RecordChangeNotifier> logger)
{
    public event Action<IReadOnlyList<RecordChange>>? Changed;

    public void Publish(IReadOnlyList<RecordChange> changes)
    {
        if (changes.Count == 0 || Changed is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<IReadOnlyList<RecordChange>>>())
        {
            try
            {
                handler(changes);
            }
            catch (Exception ex)
            {
                // One broken page must not stop the scanner or the other pages.
                logger.LogWarning(ex, "A record change subscriber failed.");
            }
        }
    }
}

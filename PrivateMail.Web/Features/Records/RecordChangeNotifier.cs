using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.LiveUpdates;

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
        : this(KindOf(kind), id)
    {
    }

    /// <summary>The change kind of a record kind the scanner binds mail to.</summary>
    public static RecordChangeKind KindOf(RecordKind kind) => kind switch
    {
        RecordKind.Contact => RecordChangeKind.Contact,
        RecordKind.Account => RecordChangeKind.Account,
        RecordKind.Lead => RecordChangeKind.Lead,
        RecordKind.User => RecordChangeKind.User,
        RecordKind.Ticket => RecordChangeKind.Ticket,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A record kind without a change kind."),
    };
}

/// <summary>What a page listens to: every record of a kind (<see cref="Id"/> null) or one record.</summary>
public readonly record struct RecordKey(RecordChangeKind Kind, string? Id);

/// <summary>
/// Tells open pages that records changed behind their back (the scanner stored mail, bound it, moved or created a
/// ticket). A singleton; a page subscribes to the record kind or the record it shows, hears only changes to those, and
/// disposes the subscription when it closes. Subscribers run on the publisher's thread and marshal with InvokeAsync
/// (see LiveRecords).
/// </summary>
public sealed class RecordChangeNotifier(ILogger<RecordChangeNotifier> logger)
{
    private readonly LiveSubscriptions<RecordKey, IReadOnlyList<RecordChange>> _subscriptions = new(logger);

    /// <summary>Open subscriptions: pages listening now.</summary>
    public int SubscriberCount => _subscriptions.Count;

    /// <summary>Hears every batch of changes that touches a record of <paramref name="kind"/>.</summary>
    public IDisposable Subscribe(RecordChangeKind kind, Action<IReadOnlyList<RecordChange>> handler) =>
        _subscriptions.Subscribe(new RecordKey(kind, null), handler);

    /// <summary>Hears every batch of changes that touches the one record.</summary>
    public IDisposable Subscribe(RecordChangeKind kind, int id, Action<IReadOnlyList<RecordChange>> handler) =>
        _subscriptions.Subscribe(new RecordKey(kind, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), handler);

    public void Publish(IReadOnlyList<RecordChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        // Each change reaches the listeners of its record and of its whole kind.
        var keys = changes.SelectMany(c => new[] { new RecordKey(c.Kind, null), new RecordKey(c.Kind, c.Id) }).ToHashSet();
        _subscriptions.Publish(keys, changes);
    }
}

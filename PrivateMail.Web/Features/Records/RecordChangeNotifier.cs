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
/// (see LiveRecords). Changes also cross to the app's other nodes through the <see cref="ILiveBackplane"/> (kinds and
/// ids only), and after the backplane may have missed some, every subscriber hears an empty list: reload everything.
/// </summary>
public sealed class RecordChangeNotifier
{
    /// <summary>The backplane topic of record changes.</summary>
    public const string Topic = "records";

    /// <summary>Changes per backplane message: a scan batch's worth stays far below NOTIFY's 8000 bytes per message.</summary>
    internal const int ChangesPerMessage = 150;

    private readonly LiveSubscriptions<RecordKey, IReadOnlyList<RecordChange>> _subscriptions;
    private readonly ILiveBackplane _backplane;

    public RecordChangeNotifier(ILogger<RecordChangeNotifier> logger, ILiveBackplane? backplane = null)
    {
        _subscriptions = new(logger);
        _backplane = backplane ?? InProcessLiveBackplane.Instance;
        _backplane.Subscribe<WireChange[]>(Topic, wire => PublishHere([.. wire.Select(w => new RecordChange(w.K, w.I))]));
        _backplane.SubscribeResync(() => _subscriptions.PublishToAll([]));
    }

    /// <summary>Open subscriptions: pages listening now.</summary>
    public int SubscriberCount => _subscriptions.Count;

    /// <summary>Hears every batch of changes that touches a record of <paramref name="kind"/>.</summary>
    public IDisposable Subscribe(RecordChangeKind kind, Action<IReadOnlyList<RecordChange>> handler) =>
        _subscriptions.Subscribe(new RecordKey(kind, null), handler);

    /// <summary>Hears every batch of changes that touches the one record.</summary>
    public IDisposable Subscribe(RecordChangeKind kind, int id, Action<IReadOnlyList<RecordChange>> handler) =>
        _subscriptions.Subscribe(new RecordKey(kind, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), handler);

    /// <summary>Tells this node's pages and the other nodes.</summary>
    public void Publish(IReadOnlyList<RecordChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        PublishHere(changes);
        if (!_backplane.ReachesOtherNodes)
        {
            return;
        }

        foreach (var chunk in changes.Select(c => new WireChange(c.Kind, c.Id)).Distinct().Chunk(ChangesPerMessage))
        {
            _backplane.Publish(Topic, chunk);
        }
    }

    private void PublishHere(IReadOnlyList<RecordChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        // Each change reaches the listeners of its record and of its whole kind.
        var keys = changes.SelectMany(c => new[] { new RecordKey(c.Kind, null), new RecordKey(c.Kind, c.Id) }).ToHashSet();
        _subscriptions.Publish(keys, changes);
    }

    /// <summary>A change on the wire: short names keep a batch small.</summary>
    private sealed record WireChange(RecordChangeKind K, string I);
}

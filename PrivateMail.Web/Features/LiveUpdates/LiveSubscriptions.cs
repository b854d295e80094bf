namespace PrivateMail.Web.Features.LiveUpdates;

/// <summary>
/// Tells open pages what changed behind their back, each only about what it shows: a page subscribes to keys (a mailbox,
/// a record kind or one record) or, for an overview, to everything, and disposes the subscription when it closes.
/// Handlers run on the publisher's thread (components marshal with InvokeAsync); one that throws is logged and the
/// others still hear. Thread-safe; a handler may dispose its own subscription while it runs.
/// </summary>
public sealed class LiveSubscriptions<TKey, TMessage>(ILogger logger)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Open subscriptions (for tests and diagnostics).</summary>
    public int Count => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Open subscriptions that would hear about <paramref name="key"/>, those to everything included.</summary>
    public int CountFor(TKey key) => Volatile.Read(ref _subscriptions).Count(s => s.Hears(key));

    /// <summary>Hears messages published for any of <paramref name="keys"/>, once per message.</summary>
    public IDisposable Subscribe(IReadOnlyCollection<TKey> keys, Action<TMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new Subscription(this, keys.ToHashSet(), handler));
    }

    public IDisposable Subscribe(TKey key, Action<TMessage> handler) => Subscribe([key], handler);

    /// <summary>Hears every message, whatever its keys (an administrator's overview).</summary>
    public IDisposable SubscribeAll(Action<TMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(new Subscription(this, null, handler));
    }

    public void Publish(TKey key, TMessage message) => Publish([key], message);

    /// <summary>Delivers <paramref name="message"/> to every subscriber, whatever its keys (a resync: reload everything).</summary>
    public void PublishToAll(TMessage message) => Deliver(static _ => true, message);

    /// <summary>Delivers <paramref name="message"/> once to every subscriber of any of <paramref name="keys"/>.</summary>
    public void Publish(IReadOnlyCollection<TKey> keys, TMessage message) => Deliver(s => keys.Any(s.Hears), message);

    private void Deliver(Func<Subscription, bool> hears, TMessage message)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Disposed || !hears(subscription))
            {
                continue;
            }

            try
            {
                subscription.Handler(message);
            }
            catch (Exception ex)
            {
                // One broken page must not stop the publisher (the scanner) or the other pages.
                logger.LogWarning(ex, "A live-update subscriber failed.");
            }
        }
    }

    private Subscription Add(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
        }
    }

    private sealed class Subscription(LiveSubscriptions<TKey, TMessage> owner, HashSet<TKey>? keys, Action<TMessage> handler) : IDisposable
    {
        public Action<TMessage> Handler { get; } = handler;

        public bool Disposed { get; private set; }

        /// <summary>Null keys: every message.</summary>
        public bool Hears(TKey key) => keys is null || keys.Contains(key);

        public void Dispose()
        {
            if (!Disposed)
            {
                Disposed = true;
                owner.Remove(this);
            }
        }
    }
}

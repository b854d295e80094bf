using System.Text.Json;

namespace PrivateMail.Web.Features.LiveUpdates;

/// <summary>
/// Carries small live-update messages (ids and counters, never data) to the app's other nodes, so a page served by one
/// node hears what another changed. The notifiers still tell their own node's pages directly; the backplane only crosses
/// nodes and never hands a node its own messages back. A receiver reads the database for anything more than the message.
/// </summary>
public interface ILiveBackplane
{
    /// <summary>This node, as it signs its messages.</summary>
    string NodeId { get; }

    /// <summary>Whether anything published here can reach another node: when not, typed messages are not even serialised.</summary>
    bool ReachesOtherNodes { get; }

    /// <summary>Sends a message on <paramref name="topic"/> to the other nodes; returns at once (never waits for the network).</summary>
    void Publish(string topic, string payload);

    /// <summary>Hears, until disposed, the other nodes' messages on <paramref name="topic"/>, on the backplane's thread.</summary>
    IDisposable Subscribe(string topic, Action<string> handler);

    /// <summary>
    /// Hears, until disposed, that messages may have been missed (the link to the other nodes was down and is back):
    /// caches reload and open pages read their data again.
    /// </summary>
    IDisposable SubscribeResync(Action handler);
}

/// <summary>Typed messages over the backplane (System.Text.Json).</summary>
public static class LiveBackplaneExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Publish<T>(this ILiveBackplane backplane, string topic, T message)
    {
        // One node (SQLite) has nobody to tell: the JSON would be thrown away (and a first scan would pay for building
        // the serialiser's metadata of every message type).
        if (backplane.ReachesOtherNodes)
        {
            backplane.Publish(topic, JsonSerializer.Serialize(message, Json));
        }
    }

    /// <summary>A message that does not parse is dropped (a node of another version), never thrown at the listener.</summary>
    public static IDisposable Subscribe<T>(this ILiveBackplane backplane, string topic, Action<T> handler) =>
        backplane.Subscribe(topic, payload =>
        {
            T? message;
            try
            {
                message = JsonSerializer.Deserialize<T>(payload, Json);
            }
            catch (JsonException)
            {
                return;
            }

            if (message is not null)
            {
                handler(message);
            }
        });
}

/// <summary>One node (SQLite): nothing crosses, nothing is ever missed.</summary>
public sealed class InProcessLiveBackplane : ILiveBackplane
{
    public static InProcessLiveBackplane Instance { get; } = new();

    public string NodeId { get; } = LiveNode.NewId(null);

    public bool ReachesOtherNodes => false;

    public void Publish(string topic, string payload)
    {
    }

    public IDisposable Subscribe(string topic, Action<string> handler) => Nothing.Instance;

    public IDisposable SubscribeResync(Action handler) => Nothing.Instance;

    private sealed class Nothing : IDisposable
    {
        public static Nothing Instance { get; } = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>A node's name on the backplane.</summary>
public static class LiveNode
{
    /// <summary>
    /// The node's name (<see cref="Nodes.NodeIdentity"/>: configured, or generated per start) plus a per-process suffix: two nodes given the same name by mistake still
    /// hear each other, and a restarted node is a new sender.
    /// </summary>
    public static string NewId(string? configured) =>
        $"{(string.IsNullOrWhiteSpace(configured) ? Environment.MachineName : configured.Trim())}/{Guid.NewGuid().ToString("N")[..8]}";
}

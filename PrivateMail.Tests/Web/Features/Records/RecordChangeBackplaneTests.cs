using Microsoft.Extensions.Logging.Abstractions;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Records;

namespace PrivateMail.Tests.Web.Features.Records;

/// <summary>
/// What record changes put on the backplane: on one node (nothing reaches another) nothing is serialised or sent, while
/// this node's pages still hear every change; with other nodes, the changes go out as JSON chunks.
/// </summary>
public sealed class RecordChangeBackplaneTests
{
    [Fact]
    public void One_node_hears_its_changes_and_sends_nothing_to_the_backplane()
    {
        var backplane = new RecordingBackplane(reachesOtherNodes: false);
        var notifier = new RecordChangeNotifier(NullLogger<RecordChangeNotifier>.Instance, backplane);
        var heard = new List<RecordChange>();
        using var subscription = notifier.Subscribe(RecordChangeKind.Ticket, changes => heard.AddRange(changes));

        notifier.Publish([new RecordChange(RecordChangeKind.Ticket, "7"), new RecordChange(RecordChangeKind.Email, "3")]);
        backplane.Publish("progress", new { Stored = 1 });

        Assert.Equal("7", Assert.Single(heard, c => c.Kind == RecordChangeKind.Ticket).Id);
        Assert.Empty(backplane.Sent);
    }

    [Fact]
    public void With_other_nodes_the_changes_and_typed_messages_go_out_as_json()
    {
        var backplane = new RecordingBackplane(reachesOtherNodes: true);
        var notifier = new RecordChangeNotifier(NullLogger<RecordChangeNotifier>.Instance, backplane);
        var changes = Enumerable.Range(1, RecordChangeNotifier.ChangesPerMessage + 1)
            .Select(i => new RecordChange(RecordChangeKind.Email, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

        notifier.Publish(changes);
        backplane.Publish("progress", new { Stored = 1 });

        var records = backplane.Sent.Where(s => s.Topic == RecordChangeNotifier.Topic).ToList();
        Assert.Equal(2, records.Count);
        Assert.Contains("\"i\":\"1\"", records[0].Payload, StringComparison.Ordinal);
        Assert.Equal("{\"stored\":1}", Assert.Single(backplane.Sent, s => s.Topic == "progress").Payload);
    }

    private sealed class RecordingBackplane(bool reachesOtherNodes) : ILiveBackplane
    {
        public List<(string Topic, string Payload)> Sent { get; } = [];

        public string NodeId => "test";

        public bool ReachesOtherNodes => reachesOtherNodes;

        public void Publish(string topic, string payload) => Sent.Add((topic, payload));

        public IDisposable Subscribe(string topic, Action<string> handler) => new Nothing();

        public IDisposable SubscribeResync(Action handler) => new Nothing();

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}

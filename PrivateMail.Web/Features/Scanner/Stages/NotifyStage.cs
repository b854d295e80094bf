using PrivateMail.Web.Features.Records;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>
/// Stage 5: once a transaction committed (never before), its outcomes are counted, open pages are told which records
/// changed, and the run's progress is reported.
/// </summary>
internal sealed class NotifyStage(RecordChangeNotifier notifier, ScanCounters counters, Action report)
{
    public void Committed(IReadOnlyList<MessageOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            counters.Add(outcome);
        }

        var changes = outcomes.SelectMany(o => o.Changes).ToList();
        if (changes.Count > 0)
        {
            notifier.Publish(changes);
        }
    }

    public void Progress() => report();
}

using System.Diagnostics.Tracing;

namespace PrivateMail.Benchmarks;

/// <summary>
/// A listener for one keyword of the runtime's own events (<c>Microsoft-Windows-DotNETRuntime</c>), counting only while
/// on: what <see cref="AllocationSampler"/> and <see cref="JitSampler"/> share.
/// </summary>
internal abstract class RuntimeEventSampler : EventListener
{
    private volatile bool _on;

    protected Lock Gate { get; } = new();

    /// <summary>Whether events are counted: from <see cref="Start"/> until the report stops it.</summary>
    protected bool On => _on;

    /// <summary>The keyword to listen to; asked from the base constructor, so a constant.</summary>
    protected abstract EventKeywords Keywords { get; }

    protected void Start() => _on = true;

    protected void Stop() => _on = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, Keywords);
        }
    }
}

using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Shared;

namespace PrivateMail.Tests.Web.Features.Records.Shared;

/// <summary>A page hears about changes to the records it shows, not to others, and stops listening when it closes.</summary>
public sealed class LiveRecordsTests : PrivateMailTestContext
{
    public LiveRecordsTests() => Services.AddSingleton(new RecordChangeNotifier(Microsoft.Extensions.Logging.Abstractions.NullLogger<RecordChangeNotifier>.Instance));

    [Fact]
    public async Task A_page_showing_one_ticket_hears_only_that_ticket_and_unsubscribes_when_closed()
    {
        var notifier = Services.GetRequiredService<RecordChangeNotifier>();
        var heard = 0;
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Render<LiveRecords>(p => p
            .Add(x => x.Kind, RecordChangeKind.Ticket)
            .Add(x => x.Id, 5)
            .Add(x => x.Delay, TimeSpan.Zero)
            .Add(x => x.Changed, () =>
            {
                heard++;
                called.TrySetResult();
            }));
        Assert.Equal(1, notifier.SubscriberCount);

        notifier.Publish([new RecordChange(RecordChangeKind.Email, "1"), new RecordChange(RecordChangeKind.Ticket, "5")]);

        await called.Task.WaitAsync(TimeSpan.FromSeconds(30), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(1, heard);

        await DisposeComponentsAsync();
        Assert.Equal(0, notifier.SubscriberCount);
        notifier.Publish([new RecordChange(RecordChangeKind.Ticket, "5")]);
        Assert.Equal(1, heard);
    }

    [Fact]
    public void The_notifier_delivers_a_batch_once_to_the_listeners_of_a_record_in_it_or_of_its_kind()
    {
        var notifier = Services.GetRequiredService<RecordChangeNotifier>();
        var (ticket5, ticket6, tickets, contacts) = (0, 0, 0, 0);
        using var a = notifier.Subscribe(RecordChangeKind.Ticket, 5, _ => ticket5++);
        using var b = notifier.Subscribe(RecordChangeKind.Ticket, 6, _ => ticket6++);
        using var c = notifier.Subscribe(RecordChangeKind.Ticket, _ => tickets++);
        using var d = notifier.Subscribe(RecordChangeKind.Contact, _ => contacts++);

        notifier.Publish([new RecordChange(RecordChangeKind.Ticket, "5"), new RecordChange(RecordChangeKind.Ticket, "7"), new RecordChange(RecordChangeKind.Email, "5")]);
        notifier.Publish([new RecordChange(RecordChangeKind.Contact, "5")]);

        Assert.Equal((1, 0, 1, 1), (ticket5, ticket6, tickets, contacts));
        a.Dispose();
        notifier.Publish([new RecordChange(RecordChangeKind.Ticket, "5")]);
        Assert.Equal((1, 2), (ticket5, tickets));
        Assert.Equal(3, notifier.SubscriberCount);
    }
}

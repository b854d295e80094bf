using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Domain.Scanning;

/// <summary>
/// Automatic mail that names a ticket — an out-of-office ("Automatyczna odpowiedź: … [T3]") or an Exchange NDR
/// ("Niedostarczalne: RE: … [T4]") — is filed with the ticket but must not answer or reopen it: nobody answered.
/// Found by the message corpus (files 14 and 17).
/// </summary>
public sealed class AutomaticMailTicketTests
{
    private const ScannerActions All = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket;

    [Theory]
    [InlineData("Waiting for response", false, false, false, "Answered")]
    [InlineData("Closed", true, false, false, "Open")]
    [InlineData("Waiting for response", false, true, false, null)]
    [InlineData("Closed", true, true, false, null)]
    [InlineData("Resolved", true, true, false, null)]
    [InlineData("Waiting for response", false, false, true, "Answered")]
    public void Automatic_mail_naming_a_ticket_is_linked_but_moves_nothing(string status, bool closing, bool autoSubmitted, bool bulk, string? to)
    {
        var records = new InMemoryRecords();
        records.User("u-owner", "owner@crm.example");
        records.Ticket("t3", 3, status, closing);
        var message = new MessageSnapshot
        {
            From = EmailAddress.Parse("jan@customer.example"),
            To = [EmailAddress.Parse("owner@crm.example")!],
            Subject = "Automatyczna odpowiedź: Awaria serwera [T3]",
            MessageId = "auto@customer.example",
            IsAutoSubmitted = autoSubmitted,
            IsBulk = bulk,
        };

        var decision = MailScanner.Decide(message, new ScannerSettings("u-owner", All, SearchFields.DefaultKeys.ToArray(), [], []), GlobalExceptions.None, TicketStatusMapping.Default, records);

        Assert.True(decision.Store);
        Assert.Equal("t3", decision.Ticket?.Id);
        Assert.Contains(decision.Bindings, b => b.Kind == RecordKind.Ticket && b.Id == "t3");
        Assert.Equal(to, decision.TicketChange?.To);
        Assert.Null(decision.NewTicket);
    }
}

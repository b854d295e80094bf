using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Domain.Scanning;

/// <summary>The ambiguity policy and the per-sender ticket cap, decided by the domain from tables.</summary>
public sealed class AmbiguityPolicyTests
{
    private const ScannerActions All = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket;

    private static MessageSnapshot Mail(string from, string subject = "Help") => new()
    {
        From = EmailAddress.Parse(from),
        To = [EmailAddress.Parse("owner@crm.example")!],
        Subject = subject,
        TextBody = "Body",
        MessageId = "m1@example.com",
    };

    private static ScannerSettings Settings(AmbiguityPolicy policy, int cap = 0) =>
        new ScannerSettings("u-owner", All, SearchFields.DefaultKeys.ToArray(), [], []) { Ambiguity = policy, TicketCapPerHour = cap };

    /// <summary>Three contacts share an address: c-old (oldest), c-recent (modified last), c-mid.</summary>
    private static InMemoryRecords ThreeContacts()
    {
        var records = new InMemoryRecords();
        records.User("u-owner", "owner@crm.example");
        records.Contact("c-old", "office@shared.example", accountId: "acc-old", modified: 100);
        records.Contact("c-recent", "office@shared.example", accountId: "acc-recent", modified: 300);
        records.Contact("c-mid", "office@shared.example", modified: 200);
        return records;
    }

    [Theory]
    [InlineData(AmbiguityPolicy.BindAll, "c-old c-recent c-mid", "c-old", "acc-old")]
    [InlineData(AmbiguityPolicy.BindNoneAndFlag, "", null, null)]
    [InlineData(AmbiguityPolicy.BindMostRecentlyModified, "c-recent", "c-recent", "acc-recent")]
    public void Three_contacts_with_one_address(AmbiguityPolicy policy, string bound, string? ticketContact, string? ticketAccount)
    {
        var decision = MailScanner.Decide(Mail("Office <office@shared.example>"), Settings(policy), GlobalExceptions.None, TicketStatusMapping.Default, ThreeContacts());

        Assert.Equal(bound, string.Join(' ', decision.Bindings.Where(b => b.Kind == RecordKind.Contact).Select(b => b.Id)));
        Assert.Equal(ticketContact, decision.NewTicket!.ContactId);
        Assert.Equal(ticketAccount, decision.NewTicket.AccountId);
        // Flagged under every policy, with every candidate, oldest first.
        var flag = Assert.Single(decision.Ambiguities);
        Assert.Equal((RecordKind.Contact, "office@shared.example"), (flag.Kind, flag.Value));
        Assert.Equal(["c-old", "c-recent", "c-mid"], flag.Candidates.Select(c => c.Id));
        Assert.Contains(decision.Reasons, r => r.Code == DecisionReasonCode.Ambiguous && r.Args[0] == "office@shared.example" && r.Args[2] == policy.ToString());
    }

    [Theory]
    [InlineData(AmbiguityPolicy.BindAll, "a-1 a-2")]
    [InlineData(AmbiguityPolicy.BindNoneAndFlag, "")]
    [InlineData(AmbiguityPolicy.BindMostRecentlyModified, "a-1")]
    public void Two_accounts_with_one_address(AmbiguityPolicy policy, string bound)
    {
        var records = new InMemoryRecords();
        records.Account("a-1", email: "sales@firm.example", modified: 500);
        records.Account("a-2", email: "sales@firm.example", modified: 400);

        var decision = MailScanner.Decide(Mail("sales@firm.example"), Settings(policy), GlobalExceptions.None, TicketStatusMapping.Default, records);

        Assert.Equal(bound, string.Join(' ', decision.Bindings.Where(b => b.Kind == RecordKind.Account).Select(b => b.Id)));
        Assert.Equal(RecordKind.Account, Assert.Single(decision.Ambiguities).Kind);
    }

    [Theory]
    [InlineData(AmbiguityPolicy.BindAll)]
    [InlineData(AmbiguityPolicy.BindNoneAndFlag)]
    [InlineData(AmbiguityPolicy.BindMostRecentlyModified)]
    public void Two_participants_each_matching_one_contact_are_not_ambiguous(AmbiguityPolicy policy)
    {
        var records = new InMemoryRecords();
        records.Contact("c-jan", "jan@customer.example");
        records.Contact("c-ewa", "ewa@customer.example");
        var message = Mail("jan@customer.example") with { Cc = [EmailAddress.Parse("ewa@customer.example")!] };

        var decision = MailScanner.Decide(message, Settings(policy), GlobalExceptions.None, TicketStatusMapping.Default, records);

        Assert.Equal(["c-ewa", "c-jan"], decision.Bindings.Where(b => b.Kind == RecordKind.Contact).Select(b => b.Id).Order());
        Assert.Empty(decision.Ambiguities);
    }

    [Theory]
    [InlineData(0, 4, true)]
    [InlineData(5, 4, true)]
    [InlineData(5, 5, false)]
    [InlineData(5, 9, false)]
    [InlineData(1, 0, true)]
    public void Ticket_cap_per_sender(int cap, int alreadyCreated, bool createsTicket)
    {
        var records = new InMemoryRecords();
        var counts = new FixedCounts("loop@robot.example", alreadyCreated);

        var decision = MailScanner.Decide(Mail("loop@robot.example"), Settings(AmbiguityPolicy.BindAll, cap), GlobalExceptions.None, TicketStatusMapping.Default, records, recentTickets: counts);

        Assert.Equal(createsTicket, decision.NewTicket is not null);
        Assert.Equal(!createsTicket, decision.TicketCapped);
        // Over the cap the mail is still stored.
        Assert.True(decision.Store);
        Assert.Equal(!createsTicket, decision.Reasons.Contains(new DecisionReason(DecisionReasonCode.NoTicketCap, "loop@robot.example", cap.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void The_cap_counts_per_sender()
    {
        var counts = new FixedCounts("loop@robot.example", 50);

        var decision = MailScanner.Decide(Mail("someone@else.example"), Settings(AmbiguityPolicy.BindAll, 5), GlobalExceptions.None, TicketStatusMapping.Default, new InMemoryRecords(), recentTickets: counts);

        Assert.NotNull(decision.NewTicket);
    }

    private sealed class FixedCounts(string sender, int count) : ISenderTicketCount
    {
        public int CreatedInLastHour(string address) => address == sender ? count : 0;
    }
}

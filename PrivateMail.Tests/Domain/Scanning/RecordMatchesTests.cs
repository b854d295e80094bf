using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Domain.Scanning;

/// <summary>
/// The scanner works out a decision's record half ahead (<see cref="MailScanner.Match"/>) and hands it to
/// <see cref="MailScanner.Decide"/> in its writer: the decision must be exactly the one made without it — bindings in
/// order, ambiguities, the new ticket's parties, every reason in order.
/// </summary>
public sealed class RecordMatchesTests
{
    private const ScannerActions All = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket;

    private static InMemoryRecords Crm()
    {
        var records = new InMemoryRecords();
        records.User("u-owner", "owner@crm.example");
        records.User("u-colleague", "colleague@crm.example");
        records.Contact("c-old", "office@shared.example", accountId: "acc-old", modified: 100);
        records.Contact("c-recent", "office@shared.example", accountId: "acc-recent", modified: 300);
        records.Contact("c-jan", "jan@firma.example", accountId: "a-firma", secondaryEmail: "jk@private.example");
        records.Account("a-firma", email: "biuro@firma.example", domain: "firma.example");
        records.Account("a-1", email: "sales@two.example", modified: 500);
        records.Account("a-2", email: "sales@two.example", modified: 900);
        records.Lead("l-1", "lead@prospect.example");
        records.Ticket("7", 42, "Open");
        records.Ticket("8", 43, "Closed", closing: true, "thread-root@firma.example");
        return records;
    }

    private static readonly (string From, string To, string Subject, string? InReplyTo, AmbiguityPolicy Policy)[] Rows =
    [
        ("Office <office@shared.example>", "owner@crm.example", "Help", null, AmbiguityPolicy.BindAll),
        ("Office <office@shared.example>", "owner@crm.example", "Help", null, AmbiguityPolicy.BindNoneAndFlag),
        ("Office <office@shared.example>", "owner@crm.example", "Help", null, AmbiguityPolicy.BindMostRecentlyModified),
        ("jan@firma.example", "owner@crm.example, lead@prospect.example", "Re: [T42] Invoice", null, AmbiguityPolicy.BindAll),
        ("jan@firma.example", "owner@crm.example", "Re: something", "thread-root@firma.example", AmbiguityPolicy.BindAll),
        ("sales@two.example", "owner@crm.example", "Offer", null, AmbiguityPolicy.BindMostRecentlyModified),
        ("someone@nowhere.example", "owner@crm.example", "Hello", null, AmbiguityPolicy.BindAll),
        ("owner@crm.example", "jan@firma.example", "Sent by a user", null, AmbiguityPolicy.BindAll),
        ("owner@crm.example", "colleague@crm.example", "Internal", null, AmbiguityPolicy.BindAll),
        ("nobody@firma.example", "owner@crm.example", "T43 again", null, AmbiguityPolicy.BindAll),
    ];

    public static TheoryData<int> Messages() => new(Enumerable.Range(0, Rows.Length));

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_decision_with_the_matches_worked_out_ahead_is_the_same(int row)
    {
        var (message, all) = Case(Rows[row]);
        // Every action, and the subsets for which Match leaves bindings or a new ticket's parties out.
        foreach (var actions in (ScannerActions[])[All, ScannerActions.CreateEmail | ScannerActions.CreateTicket, ScannerActions.CreateEmail | ScannerActions.BindEmail])
        {
            Same(message, all with { Actions = actions });
        }
    }

    private static void Same(MessageSnapshot message, ScannerSettings settings)
    {
        var records = Crm();

        var plain = MailScanner.Decide(message, settings, GlobalExceptions.None, TicketStatusMapping.Default, records);
        var ahead = MailScanner.Decide(message, settings, GlobalExceptions.None, TicketStatusMapping.Default, records,
            matches: MailScanner.Match(message, settings, records));

        Assert.Equal(plain.Type, ahead.Type);
        Assert.Equal(plain.Bindings, ahead.Bindings);
        Assert.Equal(plain.Ticket, ahead.Ticket);
        Assert.Equal(plain.TicketChange, ahead.TicketChange);
        Assert.Equal(Describe(plain.NewTicket), Describe(ahead.NewTicket));
        Assert.Equal(plain.Ambiguities.Select(a => (a.Kind, a.Value, string.Join(' ', a.Candidates.Select(c => c.Id)))),
            ahead.Ambiguities.Select(a => (a.Kind, a.Value, string.Join(' ', a.Candidates.Select(c => c.Id)))));
        Assert.Equal(plain.Reasons.Select(r => $"{r.Code}:{string.Join('|', r.Args)}"), ahead.Reasons.Select(r => $"{r.Code}:{string.Join('|', r.Args)}"));
        // Not a vacuous comparison: the table exercises bindings, ambiguity and tickets.
        Assert.NotEmpty(plain.Reasons);
    }

    [Fact]
    public void The_table_covers_bindings_ambiguities_and_tickets()
    {
        var records = Crm();
        var decisions = Rows.Select(Case).Select(c => MailScanner.Decide(c.Message, c.Settings, GlobalExceptions.None, TicketStatusMapping.Default, records)).ToList();

        Assert.Contains(decisions, d => d.Bindings.Count >= 2);
        Assert.Contains(decisions, d => d.Ambiguities.Count > 0);
        Assert.Contains(decisions, d => d.Ticket is not null);
        Assert.Contains(decisions, d => d.NewTicket is { ContactId: not null });
        Assert.Contains(decisions, d => d.Type == MailType.Sent);
        Assert.Contains(decisions, d => d.Type == MailType.Internal);
    }

    [Fact]
    public void The_decision_takes_its_bindings_from_the_matches_worked_out_ahead()
    {
        var (message, settings) = Case(Rows[3]);
        var matches = MailScanner.Match(message, settings, Crm());

        // Handed records that know nobody, the decision still binds what the matches found (and the ticket it names is not found).
        var decision = MailScanner.Decide(message, settings, GlobalExceptions.None, TicketStatusMapping.Default, new InMemoryRecords(), matches: matches);

        Assert.Equal(["a-firma", "c-jan", "l-1", "u-owner"], decision.Bindings.Select(b => b.Id).Order(StringComparer.Ordinal));
        Assert.Null(decision.Ticket);
        Assert.Equal("c-jan", decision.NewTicket?.ContactId);
    }

    private static (MessageSnapshot Message, ScannerSettings Settings) Case((string From, string To, string Subject, string? InReplyTo, AmbiguityPolicy Policy) row) => (
        new MessageSnapshot
        {
            From = EmailAddress.Parse(row.From),
            To = row.To.Split(", ").Select(a => EmailAddress.Parse(a)!).ToList(),
            Subject = row.Subject,
            TextBody = "Body",
            MessageId = "m1@example.com",
            InReplyTo = row.InReplyTo,
        },
        new ScannerSettings("u-owner", All, SearchFields.All.Select(f => f.Key).ToArray(), [], []) { Ambiguity = row.Policy });

    private static string Describe(TicketDraft? draft) =>
        draft is null ? "none" : $"{draft.Title}|{draft.Status}|{draft.ContactId}|{draft.AccountId}|{string.Join(' ', draft.OtherContacts.Select(c => c.Id))}";
}

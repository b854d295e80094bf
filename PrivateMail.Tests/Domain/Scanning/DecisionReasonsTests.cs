using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Domain.Scanning;

/// <summary>The decision explains itself: each rule that ran leaves a code with its arguments, in order.</summary>
public sealed class DecisionReasonsTests
{
    private const ScannerActions All = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket;
    private readonly InMemoryRecords _records = new();

    public DecisionReasonsTests()
    {
        _records.User("Owner", "owner@crm.example");
        _records.User("Colleague", "colleague@crm.example");
        _records.Contact("Jan Kowalski", "jan@x.pl", accountId: "Klient");
        _records.Contact("Anna Nowak", "shared@x.pl");
        _records.Contact("Piotr Zieliński", "shared@x.pl");
        _records.Account("Klient", domain: "klient.pl");
        _records.Ticket("t42", 42, "Waiting for response", false, "question@crm.example");
        _records.Ticket("t43", 43, "Closed", true);
        _records.Ticket("t44", 44, "Open");
    }

    public static TheoryData<string, string, string, string, string, string> Cases => new()
    {
        // scenario, from, to, subject, settings (actions|email exceptions|domain exceptions|fields), expected reasons
        { "new conversation from a contact", "Jan <jan@x.pl>", "owner@crm.example", "Hello", "",
            "Received; Stores; Matches(jan@x.pl, Contact, Jan Kowalski, Contacts.Email); Matches(owner@crm.example, User, Owner, Users.Email); CreatesTicket(Hello)" },
        { "domain exception", "someone@klient.pl", "owner@crm.example", "Hi", "|x|klient.pl",
            "Received; SenderExcepted(someone@klient.pl, klient.pl)" },
        { "address exception", "Jan@X.pl", "owner@crm.example", "Hi", "|jan@x.pl|",
            "Received; SenderExcepted(jan@x.pl, jan@x.pl)" },
        { "sent mail to an excepted recipient", "owner@crm.example", "boss@klient.pl", "Offer", "|x|klient.pl",
            "Sent(owner@crm.example); RecipientExcepted(boss@klient.pl, klient.pl)" },
        { "internal mail", "owner@crm.example", "colleague@crm.example", "Lunch", "CreateEmail",
            "Internal(owner@crm.example); Stores" },
        { "no actions", "jan@x.pl", "owner@crm.example", "Hi", "None",
            "Received; NoActions" },
        { "answers a waiting ticket", "jan@x.pl", "owner@crm.example", "Re: [T42] Printer", "CreateEmail,OpenTicket",
            "Received; Stores; TicketInSubject(T42); TicketAnswered(T42, Waiting for response, Answered)" },
        { "reopens a closed ticket", "jan@x.pl", "owner@crm.example", "Re: [T43] Printer", "CreateEmail,OpenTicket,CreateTicket",
            "Received; Stores; TicketInSubject(T43); TicketReopened(T43, Closed, Open)" },
        { "open ticket stays open", "jan@x.pl", "owner@crm.example", "Re: [T44] Printer", "CreateEmail,OpenTicket",
            "Received; Stores; TicketInSubject(T44); TicketUnchanged(T44, Open)" },
        { "ticket number binds", "nobody@nowhere.example", "someone@elsewhere.example", "Re: [T44] Printer", "CreateEmail,BindEmail||x|Tickets.Number",
            "Received; Stores; TicketInSubject(T44); Matches(T44, Ticket, T44, Tickets.Number)" },
        { "nothing matches", "nobody@nowhere.example", "someone@elsewhere.example", "Hi", "CreateEmail,BindEmail",
            "Received; Stores; NothingMatched" },
        { "account by domain", "boss@klient.pl", "someone@elsewhere.example", "Hi", "CreateEmail,BindEmail",
            "Received; Stores; Matches(klient.pl, Account, Klient, Accounts.Domain)" },
        { "two contacts share the address", "shared@x.pl", "someone@elsewhere.example", "Question", "CreateEmail,CreateTicket",
            "Received; Stores; CreatesTicket(Question); TicketContactAmbiguous(Anna Nowak, Piotr Zieliński)" },
        { "no ticket without a sender", "not an address", "someone@elsewhere.example", "Question", "CreateTicket",
            "Received; NotStored; NoTicketNoSender" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_step_leaves_its_reason(string scenario, string from, string to, string subject, string settings, string expected)
    {
        var decision = Decide(Mail(from, to, subject), settings);

        Assert.True(expected == string.Join("; ", decision.Reasons), $"{scenario}: {string.Join("; ", decision.Reasons)}");
    }

    [Theory]
    [InlineData(true, false, "NoTicketAutomatic")]
    [InlineData(false, true, "NoTicketBulk")]
    public void Automatic_and_bulk_mail_say_why_no_ticket(bool automatic, bool bulk, string expected)
    {
        var message = Mail("jan@x.pl", "owner@crm.example", "Out of office") with { IsAutoSubmitted = automatic, IsBulk = bulk };

        var decision = Decide(message, "CreateTicket");

        Assert.Null(decision.NewTicket);
        Assert.Equal(expected, decision.Reasons[^1].ToString());
    }

    [Fact]
    public void An_automatic_reply_to_a_ticket_changes_nothing_and_says_so()
    {
        var message = Mail("jan@x.pl", "owner@crm.example", "Re: [T42] Printer") with { IsAutoSubmitted = true };

        var decision = Decide(message, "CreateEmail,OpenTicket");

        Assert.Null(decision.TicketChange);
        Assert.Equal("TicketUnchangedAutomatic(T42)", decision.Reasons[^1].ToString());
    }

    [Fact]
    public void A_reply_in_a_ticket_thread_names_the_thread()
    {
        var message = Mail("jan@x.pl", "owner@crm.example", "Re: Printer") with { InReplyTo = "question@crm.example" };

        var decision = Decide(message, "CreateEmail,OpenTicket");

        Assert.Contains(new DecisionReason(DecisionReasonCode.TicketInThread, "T42"), decision.Reasons);
        Assert.Contains(new DecisionReason(DecisionReasonCode.TicketAnswered, "T42", "Waiting for response", "Answered"), decision.Reasons);
    }

    [Fact]
    public void Reasons_do_not_change_what_is_decided()
    {
        var message = Mail("jan@x.pl", "owner@crm.example", "Hello");

        var decision = Decide(message, "");

        Assert.True(decision.Store);
        Assert.Equal(["Jan Kowalski", "Owner"], decision.Bindings.Select(b => b.DisplayName));
        Assert.Equal("Klient", decision.NewTicket?.AccountId);
    }

    [Fact]
    public void The_scan_skips_naming_the_address_behind_each_match_and_decides_the_same()
    {
        var message = Mail("jan@x.pl", "owner@crm.example", "Hello");
        var explained = Decide(message, "");

        var scanned = MailScanner.Decide(message, new ScannerSettings("Owner", All, SearchFields.DefaultKeys.ToArray(), [], []), GlobalExceptions.None, TicketStatusMapping.Default, _records);

        Assert.Contains(explained.Reasons, r => r.Code == DecisionReasonCode.Matches);
        Assert.DoesNotContain(scanned.Reasons, r => r.Code == DecisionReasonCode.Matches);
        Assert.Equal(explained.Bindings, scanned.Bindings);
        Assert.Equal(explained.NewTicket?.AccountId, scanned.NewTicket?.AccountId);
        Assert.Equal(explained.Reasons.Where(r => r.Code != DecisionReasonCode.Matches), scanned.Reasons);
    }

    private static MessageSnapshot Mail(string from, string to, string subject) => new()
    {
        From = EmailAddress.Parse(from),
        To = to.Split(',').Select(EmailAddress.Parse).OfType<EmailAddress>().ToList(),
        Subject = subject,
        TextBody = "Body",
        MessageId = "m1@example.com",
    };

    /// <summary>"actions|email exceptions|domain exceptions|fields", each part optional (commas inside).</summary>
    private ScanDecision Decide(MessageSnapshot message, string settings)
    {
        var parts = settings.Split('|');
        string[] Part(int i) => parts.Length > i && parts[i].Length > 0 && parts[i] != "x" ? parts[i].Split(',') : [];
        var actions = parts[0].Length == 0 ? All : Enum.Parse<ScannerActions>(parts[0]);
        var fields = Part(3) is { Length: > 0 } chosen ? chosen : SearchFields.DefaultKeys.ToArray();
        return MailScanner.Decide(message, new ScannerSettings("Owner", actions, fields, Part(1), Part(2)), GlobalExceptions.None, TicketStatusMapping.Default, _records, explainMatches: true);
    }
}

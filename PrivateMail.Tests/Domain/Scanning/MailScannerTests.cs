using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Domain.Scanning;

public sealed class MailScannerTests
{
    private const ScannerActions All = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket;
    private readonly InMemoryRecords _records = new();

    public MailScannerTests()
    {
        _records.User("u-owner", "owner@crm.example");
        _records.User("u-colleague", "colleague@crm.example");
    }

    private static MessageSnapshot Mail(string from, string to = "owner@crm.example", string subject = "Hello", string? cc = null) => new()
    {
        From = EmailAddress.Parse(from),
        To = to.Split(',').Select(EmailAddress.Parse).OfType<EmailAddress>().ToList(),
        Cc = cc is null ? [] : cc.Split(',').Select(EmailAddress.Parse).OfType<EmailAddress>().ToList(),
        Subject = subject,
        TextBody = "Body text",
        MessageId = "m1@example.com",
    };

    private static ScannerSettings Settings(
        ScannerActions actions = All,
        string[]? fields = null,
        string[]? emailExceptions = null,
        string[]? domainExceptions = null) =>
        new("u-owner", actions, fields ?? SearchFields.DefaultKeys.ToArray(), emailExceptions ?? [], domainExceptions ?? []);

    private ScanDecision Decide(MessageSnapshot message, ScannerSettings? settings = null, GlobalExceptions? global = null) =>
        MailScanner.Decide(message, settings ?? Settings(), global ?? GlobalExceptions.None, TicketStatusMapping.Default, _records);

    [Theory]
    [InlineData("client@customer.example", "owner@crm.example", MailType.Received)]
    [InlineData("owner@crm.example", "client@customer.example", MailType.Sent)]
    [InlineData("OWNER@CRM.example", "client@customer.example,colleague@crm.example", MailType.Sent)]
    [InlineData("owner@crm.example", "colleague@crm.example", MailType.Internal)]
    [InlineData("Owner <owner@crm.example>", "Colleague@CRM.example", MailType.Internal)]
    public void Mail_type_follows_who_the_parties_are(string from, string to, MailType expected) =>
        Assert.Equal(expected, Decide(Mail(from, to)).Type);

    [Theory]
    [InlineData(3)]
    [InlineData(25)]
    public void Bindings_are_each_record_once_by_kind_then_oldest_first_however_many_match(int leadsPerAddress)
    {
        // Found in a mixed order: leads before contacts and accounts, the same records through two addresses and two
        // fields; more than 16 found records take the sorting's other path.
        var leads = new List<RecordRef>();
        for (var i = 0; i < leadsPerAddress; i++)
        {
            leads.Add(_records.Lead($"lead-{i}", i % 2 == 0 ? "anna@customer.example" : "piotr@customer.example"));
        }

        var contact = _records.Contact("contact-anna", "anna@customer.example", secondaryEmail: "piotr@customer.example");
        var account = _records.Account("account", email: "anna@customer.example", domain: "customer.example");
        var message = Mail("Anna <anna@customer.example>", "owner@crm.example, Piotr <piotr@customer.example>, ANNA@customer.example", cc: "piotr@customer.example");

        var bindings = Decide(message, Settings() with { Ambiguity = AmbiguityPolicy.BindAll }).Bindings;

        Assert.Equal([(RecordKind.Contact, contact.Id), (RecordKind.Account, account.Id), .. leads.Select(l => (RecordKind.Lead, l.Id)), (RecordKind.User, "u-owner")],
            bindings.Select(b => (b.Kind, b.Id)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    public void Participants_and_recipients_keep_each_address_once_in_order_sender_first(int recipients)
    {
        var to = Enumerable.Range(0, recipients).Select(i => EmailAddress.Parse($"person{i % (recipients / 2)}@customer.example")!).ToList();
        var message = new MessageSnapshot
        {
            From = EmailAddress.Parse("Person0 <PERSON0@customer.example>"),
            To = to,
            Cc = [EmailAddress.Parse("late@customer.example")!, EmailAddress.Parse("person1@CUSTOMER.example")!],
            Bcc = [EmailAddress.Parse("late@customer.example")!],
        };
        var distinct = Enumerable.Range(0, recipients / 2).Select(i => $"person{i}@customer.example").ToList();

        Assert.Equal([.. distinct, "late@customer.example"], message.Participants.Select(a => a.Normalised));
        Assert.Equal("PERSON0@customer.example", message.Participants[0].Address);
        Assert.Equal([.. distinct, "late@customer.example"], message.Recipients.Select(a => a.Normalised));
    }

    [Fact]
    public void Mail_without_a_sender_is_received() =>
        Assert.Equal(MailType.Received, Decide(Mail("not an address")).Type);

    [Theory]
    [InlineData("spam@ads.example", new[] { "spam@ads.example" }, new string[0], true)]
    [InlineData("SPAM@Ads.Example", new[] { "spam@ads.example" }, new string[0], true)]
    [InlineData("spam@ads.example", new[] { "Spam@ADS.example" }, new string[0], true)]
    [InlineData("anyone@ads.example", new string[0], new[] { "ads.example" }, true)]
    [InlineData("anyone@ads.example", new string[0], new[] { "*@ADS.example" }, true)]
    [InlineData("anyone@news.ads.example", new string[0], new[] { "ads.example" }, true)]
    [InlineData("anyone@badads.example", new string[0], new[] { "ads.example" }, false)]
    [InlineData("client@customer.example", new[] { "spam@ads.example" }, new[] { "ads.example" }, false)]
    [InlineData("anyone@bücher.example", new string[0], new[] { "xn--bcher-kva.example" }, true)]
    public void Received_mail_from_an_excepted_sender_is_skipped(string from, string[] emails, string[] domains, bool skipped)
    {
        var decision = Decide(Mail(from), Settings(emailExceptions: emails, domainExceptions: domains));

        Assert.Equal(skipped ? SkipReason.SenderExcepted : null, decision.Skipped);
        Assert.Equal(!skipped, decision.Store);
        if (skipped)
        {
            Assert.Null(decision.NewTicket);
            Assert.Empty(decision.Bindings);
        }
    }

    [Fact]
    public void Mailbox_and_global_exceptions_merge()
    {
        var global = new GlobalExceptions(["global@ads.example"], ["spam.example"]);
        var settings = Settings(emailExceptions: ["mine@ads.example"]);

        Assert.Equal(SkipReason.SenderExcepted, Decide(Mail("mine@ads.example"), settings, global).Skipped);
        Assert.Equal(SkipReason.SenderExcepted, Decide(Mail("global@ads.example"), settings, global).Skipped);
        Assert.Equal(SkipReason.SenderExcepted, Decide(Mail("x@spam.example"), settings, global).Skipped);
        Assert.Null(Decide(Mail("client@customer.example"), settings, global).Skipped);
    }

    [Fact]
    public void Cleared_exception_lists_skip_nothing() =>
        Assert.True(Decide(Mail("spam@ads.example"), Settings(emailExceptions: [], domainExceptions: [])).Store);

    [Theory]
    [InlineData("client@customer.example,SPAM@ads.example", "spam@ads.example", SkipReason.RecipientExcepted)]
    [InlineData("client@customer.example,other@ads.example", "ads.example", SkipReason.RecipientExcepted)]
    [InlineData("client@customer.example", "owner@crm.example", null)]
    public void Sent_mail_checks_the_recipients_not_the_sender(string to, string exception, SkipReason? expected)
    {
        var settings = exception.Contains('@') ? Settings(emailExceptions: [exception]) : Settings(domainExceptions: [exception]);

        Assert.Equal(expected, Decide(Mail("owner@crm.example", to), settings).Skipped);
    }

    [Fact]
    public void No_actions_means_nothing_happens() =>
        Assert.Equal(SkipReason.NoActions, Decide(Mail("client@customer.example"), Settings(ScannerActions.None)).Skipped);

    [Fact]
    public void Binds_every_kind_of_search_field()
    {
        var contact = _records.Contact("c1", "Jan.Kowalski@Customer.example");
        var secondary = _records.Contact("c2", "other@elsewhere.example", secondaryEmail: "jan.kowalski@customer.example");
        var accountByMail = _records.Account("a1", email: "office@customer.example");
        var accountByDomain = _records.Account("a2", domain: "customer.example");
        var lead = _records.Lead("l1", "JAN.KOWALSKI@customer.example");
        _records.Ticket("t1", 42, "Open");
        var message = Mail("\"Kowalski, Jan\" <jan.kowalski@customer.example>", "owner@crm.example", "Re: [T42] Order", cc: "office@customer.example");

        var decision = Decide(message);

        Assert.Equal(
            [(RecordKind.Contact, "c1"), (RecordKind.Contact, "c2"), (RecordKind.Account, "a1"), (RecordKind.Account, "a2"),
             (RecordKind.Lead, "l1"), (RecordKind.User, "u-owner"), (RecordKind.Ticket, "t1")],
            decision.Bindings.Select(b => (b.Kind, b.Id)).ToArray());
        Assert.Contains(contact, decision.Bindings);
        Assert.Contains(secondary, decision.Bindings);
        Assert.Contains(accountByMail, decision.Bindings);
        Assert.Contains(accountByDomain, decision.Bindings);
        Assert.Contains(lead, decision.Bindings);
    }

    [Theory]
    [InlineData("Contacts.Email", RecordKind.Contact)]
    [InlineData("Accounts.Domain", RecordKind.Account)]
    [InlineData("Leads.Email", RecordKind.Lead)]
    [InlineData("Users.Email", RecordKind.User)]
    [InlineData("Tickets.Number", RecordKind.Ticket)]
    public void Only_the_chosen_search_fields_bind(string field, RecordKind only)
    {
        _records.Contact("c1", "jan@customer.example");
        _records.Account("a1", domain: "customer.example");
        _records.Lead("l1", "jan@customer.example");
        _records.Ticket("t1", 7, "Open");

        var decision = Decide(Mail("jan@customer.example", subject: "[T7] hi"), Settings(fields: [field]));

        Assert.NotEmpty(decision.Bindings);
        Assert.All(decision.Bindings, b => Assert.Equal(only, b.Kind));
    }

    [Fact]
    public void Unknown_and_repeated_search_field_keys_decide_as_the_clean_list()
    {
        _records.Contact("c1", "jan@customer.example");
        _records.Account("a1", domain: "customer.example");

        // With the matches explained (as the preview asks): a field searched twice would say so twice.
        ScanDecision Explained(params string[] fields) => MailScanner.Decide(
            Mail("jan@customer.example"), Settings(fields: fields), GlobalExceptions.None, TicketStatusMapping.Default, _records, explainMatches: true);
        var clean = Explained("Contacts.Email", "Accounts.Domain");
        var messy = Explained("Contacts.Email", "Nope.Field", "Accounts.Domain", "Contacts.Email", "Accounts.Domain");

        Assert.Equal(2, clean.Bindings.Count);
        Assert.Equal(clean.Bindings, messy.Bindings);
        Assert.Equal(clean.Reasons.Select(r => $"{r.Code}:{string.Join("|", r.Args)}"), messy.Reasons.Select(r => $"{r.Code}:{string.Join("|", r.Args)}"));
    }

    [Fact]
    public void Bind_without_create_binds_nothing()
    {
        _records.Contact("c1", "jan@customer.example");

        var decision = Decide(Mail("jan@customer.example"), Settings(ScannerActions.BindEmail));

        Assert.False(decision.Store);
        Assert.Empty(decision.Bindings);
    }

    [Fact]
    public void An_address_matching_two_contacts_binds_both_and_the_ticket_goes_to_the_oldest()
    {
        var older = _records.Contact("c-old", "shared@customer.example", accountId: "acc-1");
        var newer = _records.Contact("c-new", "SHARED@customer.example");

        var decision = Decide(Mail("shared@customer.example", subject: "Help"));

        Assert.Contains(older, decision.Bindings);
        Assert.Contains(newer, decision.Bindings);
        Assert.Equal("c-old", decision.NewTicket!.ContactId);
        Assert.Equal("acc-1", decision.NewTicket.AccountId);
        Assert.Equal([newer], decision.NewTicket.OtherContacts);
    }

    [Theory]
    [InlineData("Waiting for response", false, "Answered")]
    [InlineData("waiting FOR response", false, "Answered")]
    [InlineData("Closed", true, "Open")]
    [InlineData("Rejected", true, "Open")]
    [InlineData("In progress", false, null)]
    [InlineData("Open", false, null)]
    public void A_reply_moves_the_ticket_named_in_the_subject(string status, bool closing, string? to)
    {
        _records.Ticket("t1", 42, status, closing);

        var decision = Decide(Mail("client@customer.example", subject: "RE: AW: [T42] Printer"));

        Assert.Equal(to, decision.TicketChange?.To);
        Assert.Equal("t1", decision.Ticket?.Id);
        Assert.Null(decision.NewTicket);
    }

    [Fact]
    public void Sent_replies_do_not_move_tickets()
    {
        _records.Ticket("t1", 42, "Waiting for response");

        var decision = Decide(Mail("owner@crm.example", "client@customer.example", "Re: [T42] Printer"));

        Assert.Null(decision.TicketChange);
        Assert.Null(decision.NewTicket);
    }

    [Fact]
    public void A_reply_without_the_number_finds_its_ticket_through_the_thread()
    {
        _records.Ticket("t9", 9, "Waiting for response", threadMessageIds: "first@customer.example");
        var message = Mail("client@customer.example", subject: "Re: Printer") with { InReplyTo = "first@customer.example" };

        var decision = Decide(message);

        Assert.Equal("Answered", decision.TicketChange?.To);
        Assert.Null(decision.NewTicket);
    }

    [Fact]
    public void A_number_of_a_ticket_that_does_not_exist_creates_a_new_ticket()
    {
        var decision = Decide(Mail("client@customer.example", subject: "[T999] Something"));

        Assert.Null(decision.TicketChange);
        Assert.Equal("[T999] Something", decision.NewTicket?.Title);
    }

    [Theory]
    [InlineData("Zażółć gęślą jaźń — ‘quotes’ «» \u200b <b>", "Zażółć gęślą jaźń — ‘quotes’ «» \u200b <b>")]
    [InlineData("   padded   ", "padded")]
    [InlineData("", "")]
    public void A_new_ticket_takes_the_subject_as_it_is(string subject, string title)
    {
        var decision = Decide(Mail("client@customer.example", subject: subject));

        Assert.Equal(title, decision.NewTicket?.Title);
        Assert.Equal("Open", decision.NewTicket?.Status);
        Assert.Equal("u-owner", decision.NewTicket?.OwnerId);
        Assert.Equal("Body text", decision.NewTicket?.Description);
    }

    [Fact]
    public void Account_prefers_the_sender_address_then_the_domain_then_the_contact()
    {
        _records.Contact("c1", "jan@customer.example", accountId: "from-contact");
        Assert.Equal("from-contact", Decide(Mail("jan@customer.example")).NewTicket?.AccountId);

        _records.Account("by-domain", domain: "customer.example");
        Assert.Equal("by-domain", Decide(Mail("jan@customer.example")).NewTicket?.AccountId);

        _records.Account("by-email", email: "jan@customer.example");
        Assert.Equal("by-email", Decide(Mail("jan@customer.example")).NewTicket?.AccountId);
    }

    [Fact]
    public void Auto_replies_and_bulk_mail_are_stored_but_create_no_ticket()
    {
        var auto = Decide(Mail("client@customer.example") with { IsAutoSubmitted = true });
        var bulk = Decide(Mail("news@customer.example") with { IsBulk = true });

        Assert.True(auto.Store);
        Assert.Null(auto.NewTicket);
        Assert.True(bulk.Store);
        Assert.Null(bulk.NewTicket);
    }

    [Fact]
    public void Tickets_are_only_created_when_chosen()
    {
        var decision = Decide(Mail("client@customer.example"), Settings(ScannerActions.CreateEmail | ScannerActions.BindEmail));

        Assert.True(decision.Store);
        Assert.Null(decision.NewTicket);
    }

    [Fact]
    public void Mail_without_a_message_id_is_decided_like_any_other()
    {
        var decision = Decide(Mail("client@customer.example") with { MessageId = null });

        Assert.True(decision.Store);
        Assert.NotNull(decision.NewTicket);
    }
}

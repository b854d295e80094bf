using System.Globalization;
using System.Text;
using MimeKit;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Features.Records.DemoData;

namespace PrivateMail.Benchmarks;

/// <summary>
/// The CRM the benchmark scans into, generated from the product's own demo generator so addresses look like real ones
/// (Polish and English names, odd case, IDN domains). The first <see cref="KnownContacts"/> contacts are the ones mail
/// comes from; a database with more contacts only adds people who never write, so the 100 and the 100,000 contact runs
/// scan exactly the same messages and do exactly the same work — only the tables they look in differ.
/// </summary>
internal sealed class CrmPlan
{
    public const int Seed = 20261127;
    public const int KnownContacts = 100;
    public const int ExistingTickets = 200;
    public const string OwnerEmail = "olga.owner@privatemail.example";
    public const string MailboxAddress = "support@privatemail.example";

    private CrmPlan(DemoSet set) => Set = set;

    public DemoSet Set { get; }

    public static CrmPlan Create(int contacts)
    {
        // One account per hundred contacts keeps "first.last@domain" addresses unique without endless retries.
        var counts = new DemoCounts(Accounts: Math.Max(80, contacts / 100), Contacts: Math.Max(contacts, KnownContacts), Leads: 50, Tickets: 0, TicketsWithMail: 0);
        return new CrmPlan(DemoSetGenerator.Generate(Seed, counts));
    }

    /// <summary>Accounts the known contacts work for; stored in every database so the small one binds the same.</summary>
    public IEnumerable<int> KnownAccounts => Set.Contacts.Take(KnownContacts).Select(c => c.Account).OfType<int>().Distinct().Order();
}

/// <summary>
/// Generates the messages: sizes spread log-uniformly over 2–50 KB, 10 % with an attachment, 30 % with an HTML part,
/// senders from the known contacts, strangers at their companies' domains and at free-mail domains, some sent by the
/// mailbox's owner, some newsletters, some answering an existing ticket by its [T&lt;n&gt;] tag and some replying to an
/// earlier message of the corpus by In-Reply-To/References. So all four actions do work: the e-mail is stored, bound to
/// contacts and accounts, tickets are answered or reopened, and new conversations open tickets. Deterministic per seed.
/// </summary>
internal sealed class MessageGenerator(CrmPlan plan, int seed)
{
    private static readonly string[] Words =
    [
        "invoice", "delivery", "order", "printer", "meeting", "tomorrow", "please", "confirm", "contract", "offer", "price",
        "faktura", "dostawa", "zamówienie", "spotkanie", "jutro", "proszę", "potwierdzić", "umowa", "oferta", "cena", "dziękuję",
        "the", "a", "and", "we", "you", "is", "will", "send", "copy", "attached", "regards", "question", "about", "issue", "still",
        "working", "since", "Monday", "łącze", "serwis", "zgłoszenie", "pilne", "termin", "płatność", "wysyłka", "reklamacja",
    ];

    private static readonly string[] Topics =
    [
        "Question about the last invoice", "Delivery date for order", "Printer does not work", "Pytanie o fakturę", "Termin dostawy",
        "Reklamacja towaru", "Meeting next week", "Price list 2027", "Access to the portal", "Zmiana danych firmy", "Contract renewal",
        "Problem z logowaniem", "Wrong amount on the bill", "Prośba o kontakt", "New employee account",
    ];

    private readonly Random _random = new(seed);
    private readonly List<(string MessageId, string Subject, MailboxAddress From)> _roots = [];
    private readonly DateTimeOffset _start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The <paramref name="index"/>-th message of the corpus (call in order: replies point back at earlier ones).</summary>
    public MimeMessage Next(int index, string idPrefix)
    {
        var r = _random.NextDouble();
        var message = new MimeMessage
        {
            MessageId = string.Create(CultureInfo.InvariantCulture, $"{idPrefix}-{index}-{_random.Next():x}@bench.example"),
            Date = _start.AddMinutes(index).ToOffset(TimeSpan.FromHours(_random.Next(3) - 1)),
        };
        var mailbox = new MailboxAddress("Support", CrmPlan.MailboxAddress);
        MailboxAddress from;
        string subject;
        if (r < 0.05)
        {
            // Sent by the mailbox's owner (a CRM user) to a customer: stored and bound, never a ticket.
            from = new MailboxAddress("Olga Owner", CrmPlan.OwnerEmail);
            message.To.Add(Contact(_random.Next(CrmPlan.KnownContacts)));
            subject = "Re: " + Pick(Topics);
        }
        else if (r < 0.20)
        {
            // Answers an existing ticket by its number: Open ticket moves it (waiting → answered, closed → reopened).
            from = Contact(_random.Next(CrmPlan.KnownContacts));
            message.To.Add(mailbox);
            var ticket = 1 + _random.Next(CrmPlan.ExistingTickets);
            subject = $"Re: {new RecordNumber(RecordNumber.TicketPrefix, ticket).ToSubjectTag()} {Pick(Topics)}";
        }
        else if (r < 0.30 && _roots.Count > 0)
        {
            // A reply in a conversation the corpus started: found by its thread, it joins that conversation's ticket.
            var root = _roots[Math.Max(0, _roots.Count - 1 - _random.Next(Math.Min(_roots.Count, 300)))];
            from = root.From;
            message.To.Add(mailbox);
            message.InReplyTo = root.MessageId;
            message.References.Add(root.MessageId);
            subject = "Re: " + root.Subject;
        }
        else if (r < 0.33)
        {
            // A newsletter: stored and bound, but bulk mail never opens a ticket.
            from = new MailboxAddress("Newsletter", $"news@shop{_random.Next(20)}.example");
            message.To.Add(mailbox);
            message.Headers.Add("Precedence", "bulk");
            message.Headers.Add("List-Unsubscribe", "<mailto:unsubscribe@shop.example>");
            subject = "News of the week " + index.ToString(CultureInfo.InvariantCulture);
        }
        else if (r < 0.41)
        {
            // Someone new at a customer's company: bound to the account by its domain.
            var known = plan.Set.Contacts[_random.Next(CrmPlan.KnownContacts)];
            var domain = known.Email[(known.Email.IndexOf('@', StringComparison.Ordinal) + 1)..];
            from = new MailboxAddress("New Colleague", $"new.person{_random.Next(1000)}@{domain}");
            message.To.Add(mailbox);
            subject = Pick(Topics);
        }
        else if (r < 0.56)
        {
            // A stranger on free mail: a ticket without a contact.
            from = new MailboxAddress("Stranger", $"someone{_random.Next(5000)}@stranger{_random.Next(50)}.example");
            message.To.Add(mailbox);
            subject = Pick(Topics);
        }
        else
        {
            from = Contact(_random.Next(CrmPlan.KnownContacts));
            message.To.Add(mailbox);
            subject = Pick(Topics);
        }

        message.From.Add(from);
        if (_random.Next(5) == 0)
        {
            message.Cc.Add(Contact(_random.Next(CrmPlan.KnownContacts)));
        }

        message.Subject = subject;
        if (message.InReplyTo is null && r >= 0.33)
        {
            _roots.Add((message.MessageId, subject, from));
        }

        // Sizes log-uniform over 2–50 KB (many small mails, a tail of big ones); ~1 KB goes to headers and structure.
        var target = (int)Math.Exp(Math.Log(2048) + (_random.NextDouble() * (Math.Log(50 * 1024) - Math.Log(2048))));
        var attachment = _random.Next(10) == 0;
        var html = _random.Next(10) < 3;
        var bodyBytes = Math.Max(600, target - 900);
        var attachmentBytes = 0;
        if (attachment)
        {
            // Base64 grows an attachment by 4/3: keep the whole message within the target.
            attachmentBytes = bodyBytes * 6 / 10 * 3 / 4;
            bodyBytes -= attachmentBytes * 4 / 3;
        }

        var text = Text(html ? bodyBytes / 2 : bodyBytes);
        var builder = new BodyBuilder { TextBody = text };
        if (html)
        {
            builder.HtmlBody = "<html><body><p>" + text.Replace("\n\n", "</p><p>", StringComparison.Ordinal) + "</p></body></html>";
        }

        if (attachment)
        {
            var bytes = new byte[attachmentBytes];
            _random.NextBytes(bytes);
            builder.Attachments.Add($"document-{index}.pdf", bytes, new ContentType("application", "pdf"));
        }

        message.Body = builder.ToMessageBody();
        return message;
    }

    private MailboxAddress Contact(int index)
    {
        var c = plan.Set.Contacts[index];
        return new MailboxAddress($"{c.FirstName} {c.LastName}", c.Email);
    }

    private string Pick(string[] items) => items[_random.Next(items.Length)];

    private string Text(int bytes)
    {
        var text = new StringBuilder(bytes + 64);
        var sentence = 0;
        while (text.Length < bytes)
        {
            var word = Words[_random.Next(Words.Length)];
            text.Append(sentence == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            sentence++;
            if (sentence > 6 + _random.Next(10))
            {
                text.Append(_random.Next(6) == 0 ? ".\n\n" : ". ");
                sentence = 0;
            }
            else
            {
                text.Append(' ');
            }
        }

        return text.ToString();
    }
}

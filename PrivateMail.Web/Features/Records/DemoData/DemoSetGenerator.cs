using System.Globalization;
using System.Text;
using PrivateMail.Domain.Records;

namespace PrivateMail.Web.Features.Records.DemoData;

/// <summary>How many records of each kind a demo set holds.</summary>
public sealed record DemoCounts(int Accounts = 80, int Contacts = 300, int Leads = 150, int Tickets = 70, int TicketsWithMail = 40)
{
    public static DemoCounts Default { get; } = new();
}

/// <summary>A demo account. <paramref name="Owner"/> indexes the owners the caller supplies.</summary>
public sealed record DemoAccount(string Name, string Email, string Website, string Phone, int Owner);

/// <summary>A demo contact; <paramref name="Account"/> indexes <see cref="DemoSet.Accounts"/>.</summary>
public sealed record DemoContact(string FirstName, string LastName, string Email, string? SecondaryEmail, string Phone, int? Account, int Owner);

public sealed record DemoLead(string Company, string FirstName, string LastName, string Email, LeadStatus Status, int Owner);

/// <summary>A demo ticket; contact and account index the set's lists. <paramref name="AgeDays"/>: how long ago it was opened.</summary>
public sealed record DemoTicket(string Title, string Description, string Status, TicketPriority Priority, int? Contact, int? Account, int Owner, int AgeDays);

/// <summary>
/// One message of a demo ticket's conversation: the customer's first mail (step 0), then replies alternating between the
/// ticket's owner and the customer. The caller builds the subject (replies carry the ticket number) and addresses.
/// </summary>
public sealed record DemoMessage(int Ticket, int Step, bool FromCustomer, TimeSpan AfterOpening, int UtcOffsetMinutes, string Text);

/// <summary>A generated demo data set: plain values, no storage.</summary>
public sealed record DemoSet(
    IReadOnlyList<DemoAccount> Accounts,
    IReadOnlyList<DemoContact> Contacts,
    IReadOnlyList<DemoLead> Leads,
    IReadOnlyList<DemoTicket> Tickets,
    IReadOnlyList<DemoMessage> Messages);

/// <summary>
/// A realistic, deterministic CRM data set for trying the product and for benchmarks: Polish and English names, addresses
/// in odd case and on IDN domains (<c>Anna.Wiśniewska@Drukarnia-Żak.pl</c>), tickets in every status, conversations.
/// The same seed and counts always give the same set.
/// </summary>
public static class DemoSetGenerator
{
    private static readonly (string Male, string Female)[] PolishSurnames =
    [
        ("Kowalski", "Kowalska"), ("Nowak", "Nowak"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"), ("Kamiński", "Kamińska"),
        ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"),
        ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"),
        ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"), ("Żak", "Żak"), ("Łuczak", "Łuczak"),
        ("Śliwiński", "Śliwińska"), ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"), ("Król", "Król"), ("Wieczorek", "Wieczorek"),
        ("Jabłoński", "Jabłońska"), ("Wróbel", "Wróbel"), ("Nowakowski", "Nowakowska"), ("Majewski", "Majewska"), ("Olszewski", "Olszewska"),
    ];

    private static readonly string[] PolishMen =
        ["Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Łukasz", "Grzegorz", "Mateusz", "Jakub", "Wojciech", "Bartłomiej", "Marcin", "Zbigniew", "Rafał"];

    private static readonly string[] PolishWomen =
        ["Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Ewa", "Joanna", "Magdalena", "Zofia", "Dorota", "Barbara", "Beata", "Żaneta", "Urszula", "Elżbieta", "Justyna", "Grażyna"];

    private static readonly string[] EnglishFirst =
        ["James", "Emma", "Oliver", "Charlotte", "George", "Amelia", "Harry", "Sophie", "Jack", "Olivia", "William", "Grace", "Thomas", "Emily", "Noah", "Isla"];

    private static readonly string[] EnglishLast =
        ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "O'Brien", "Clarke", "Hughes"];

    private static readonly string[] PolishTrades =
        ["Drukarnia", "Piekarnia", "Hurtownia", "Biuro Rachunkowe", "Kancelaria", "Stolarnia", "Przychodnia", "Serwis", "Księgarnia", "Transport", "Zakład Ślusarski", "Apteka"];

    private static readonly string[] EnglishAdjectives =
        ["Northwind", "Bluebell", "Redwood", "Silverline", "Harbour", "Kestrel", "Oakfield", "Brightwater", "Granite", "Meadow", "Copperleaf", "Highgate"];

    private static readonly string[] EnglishNouns =
        ["Logistics", "Bakery", "Consulting", "Software", "Printing", "Dental", "Engineering", "Outfitters", "Analytics", "Foods", "Legal", "Studios"];

    private static readonly string[] FreeMail = ["poczta.example", "mail.example", "inbox.example"];

    private static readonly (string Title, string Description)[] TicketTopics =
    [
        ("Printer on the 2nd floor is jammed again", "The printer shows error 13.B2 and nothing prints. We already restarted it twice."),
        ("Invoice 2026/03/114 is missing", "We have not received invoice 2026/03/114 for the March delivery. Please send a copy."),
        ("Nie działa logowanie do panelu klienta", "Od rana przy logowaniu pojawia się komunikat „Nieprawidłowy token”. Dotyczy wszystkich pracowników."),
        ("Prośba o fakturę korygującą", "Na fakturze FV/2026/02/87 jest błędny NIP nabywcy. Prosimy o korektę."),
        ("Delivery delayed – order 4471", "Order 4471 was promised for Monday and has not arrived. When can we expect it?"),
        ("Zmiana adresu dostawy", "Od przyszłego miesiąca prosimy o dostawy na ul. Żelazną 12, 00-844 Warszawa."),
        ("VPN drops every hour", "The VPN connection drops roughly every 60 minutes and has to be re-established by hand."),
        ("Reklamacja zamówienia 5530", "Część towaru dotarła uszkodzona (3 kartony). Zdjęcia w załączeniu."),
        ("Password reset e-mail never arrives", "Users requesting a password reset do not receive the e-mail, not even in spam."),
        ("Pytanie o przedłużenie umowy serwisowej", "Umowa wygasa 30 czerwca. Jakie są warunki przedłużenia na kolejny rok?"),
        ("Wrong VAT rate on the quote", "The quote Q-2291 uses 23% VAT, but the books are exempt (5%). Please correct it."),
        ("Awaria drukarki fiskalnej", "Drukarka fiskalna w sklepie nr 2 zgłasza błąd pamięci. Sprzedaż wstrzymana."),
        ("Request for a training session", "Could we book a two-hour training for five new colleagues next week?"),
        ("Brak dostępu do faktur w portalu", "Po zmianie hasła nie widzę zakładki Faktury w portalu klienta."),
        ("Website contact form sends nothing", "Messages sent through the contact form on our website never reach us."),
        ("Zamówienie części zamiennych", "Potrzebujemy 4 szt. pasków napędowych do maszyny XR-200. Proszę o ofertę."),
    ];

    private static readonly string[] CustomerReplies =
    [
        "Thank you, that solved it.", "Unfortunately the problem is back since this morning.", "Dziękuję, wszystko działa.",
        "Niestety nadal to samo. Czy możecie sprawdzić jeszcze raz?", "Attached is the screenshot you asked for.", "Potwierdzam, dostawa dotarła.",
    ];

    private static readonly string[] AgentReplies =
    [
        "Thank you for your message. We are looking into it and will get back to you today.",
        "Dziękujemy za zgłoszenie. Sprawdzamy problem i odezwiemy się jeszcze dziś.",
        "Could you send us a screenshot of the error message?", "Czy mogą Państwo przesłać zdjęcie komunikatu błędu?",
        "The fix has been deployed. Please let us know whether it works for you.", "Poprawka jest już wdrożona. Prosimy o potwierdzenie.",
    ];

    /// <summary>Generates a set for <paramref name="owners"/> owners (indices 0…owners-1), spread evenly with some randomness.</summary>
    public static DemoSet Generate(int seed, DemoCounts counts, int owners = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(owners, 1);
        var random = new Random(seed);
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        var accounts = new List<DemoAccount>(counts.Accounts);
        var accountDomains = new List<string>(counts.Accounts);
        var accountPolish = new List<bool>(counts.Accounts);
        for (var i = 0; i < counts.Accounts; i++)
        {
            var polish = random.Next(3) != 0;
            var (name, domainStem) = polish ? PolishCompany(random) : EnglishCompany(random);
            // Account names repeat in real life too, but a demo reads better without twins.
            for (var attempt = 0; attempt < 20 && !names.Add(name); attempt++)
            {
                (name, domainStem) = polish ? PolishCompany(random) : EnglishCompany(random);
            }

            var tld = polish ? ".pl" : random.Next(2) == 0 ? ".co.uk" : ".com";
            var domain = Unique(domains, domainStem, tld);
            accounts.Add(new DemoAccount(
                name,
                OddCase(random, $"{(polish ? Pick(random, ["biuro", "kontakt", "sekretariat"]) : Pick(random, ["info", "office", "hello"]))}@{domain}"),
                random.Next(4) == 0 ? $"https://www.{domain}/" : random.Next(2) == 0 ? $"www.{domain}" : $"https://{domain}",
                Phone(random, polish),
                random.Next(owners)));
            accountDomains.Add(domain);
            accountPolish.Add(polish);
        }

        var contacts = new List<DemoContact>(counts.Contacts);
        for (var i = 0; i < counts.Contacts; i++)
        {
            // Most people work for an account; some write from free mail.
            int? account = accounts.Count > 0 && random.Next(5) != 0 ? random.Next(accounts.Count) : null;
            var polish = account is { } a ? accountPolish[a] : random.Next(2) == 0;
            var (first, last) = Person(random, polish);
            var domain = account is { } b ? accountDomains[b] : Pick(random, FreeMail);
            var local = Ascii($"{first}.{last}").ToLowerInvariant();
            var email = OddCase(random, UniqueAddress(addresses, local, domain, random));
            string? secondary = random.Next(5) == 0 ? UniqueAddress(addresses, Ascii(first).ToLowerInvariant() + random.Next(70, 99), Pick(random, FreeMail), random) : null;
            contacts.Add(new DemoContact(first, last, email, secondary, Phone(random, polish), account,
                account is { } c && random.Next(4) != 0 ? accounts[c].Owner : random.Next(owners)));
        }

        var leads = new List<DemoLead>(counts.Leads);
        var leadStatuses = Enum.GetValues<LeadStatus>();
        for (var i = 0; i < counts.Leads; i++)
        {
            var polish = random.Next(2) == 0;
            var (company, stem) = polish ? PolishCompany(random) : EnglishCompany(random);
            var (first, last) = Person(random, polish);
            var domain = polish ? $"{stem}.pl" : $"{stem}.com";
            var email = OddCase(random, UniqueAddress(addresses, Ascii(first).ToLowerInvariant(), domain, random));
            leads.Add(new DemoLead(company, first, last, email, leadStatuses[random.Next(leadStatuses.Length)], random.Next(owners)));
        }

        var tickets = new List<DemoTicket>(counts.Tickets);
        var statuses = TicketStatuses.Defaults;
        for (var i = 0; i < counts.Tickets; i++)
        {
            var (title, description) = TicketTopics[random.Next(TicketTopics.Length)];
            int? contact = contacts.Count > 0 && random.Next(8) != 0 ? random.Next(contacts.Count) : null;
            var account = contact is { } c ? contacts[c].Account : accounts.Count > 0 && random.Next(2) == 0 ? random.Next(accounts.Count) : null;
            // Every status gets tickets: cycle through them, then shuffle the rest of the attributes.
            var status = statuses[i % statuses.Count];
            var priority = random.Next(10) switch { 0 => TicketPriority.Urgent, < 3 => TicketPriority.High, < 8 => TicketPriority.Normal, _ => TicketPriority.Low };
            var owner = contact is { } d ? contacts[d].Owner : random.Next(owners);
            var age = status.IsClosing ? random.Next(10, 120) : random.Next(0, 20);
            tickets.Add(new DemoTicket(title, description, status.Name, priority, contact, account, owner, age));
        }

        var messages = new List<DemoMessage>();
        for (var t = 0; t < Math.Min(counts.TicketsWithMail, tickets.Count); t++)
        {
            if (tickets[t].Contact is null)
            {
                continue;
            }

            var customerOffset = Pick(random, [60, 120, 0, -300]);
            var replies = random.Next(1, 4);
            var at = TimeSpan.Zero;
            messages.Add(new DemoMessage(t, 0, true, at, customerOffset, tickets[t].Description));
            for (var step = 1; step <= replies; step++)
            {
                at += TimeSpan.FromMinutes(random.Next(20, 60 * 20));
                var fromCustomer = step % 2 == 0;
                messages.Add(new DemoMessage(t, step, fromCustomer, at, fromCustomer ? customerOffset : 60,
                    fromCustomer ? Pick(random, CustomerReplies) : Pick(random, AgentReplies)));
            }
        }

        return new DemoSet(accounts, contacts, leads, tickets, messages);
    }

    private static (string First, string Last) Person(Random random, bool polish)
    {
        if (!polish)
        {
            return (Pick(random, EnglishFirst), Pick(random, EnglishLast));
        }

        var surname = Pick(random, PolishSurnames);
        return random.Next(2) == 0 ? (Pick(random, PolishMen), surname.Male) : (Pick(random, PolishWomen), surname.Female);
    }

    private static (string Name, string DomainStem) PolishCompany(Random random)
    {
        var trade = Pick(random, PolishTrades);
        var surname = Pick(random, PolishSurnames).Male;
        var suffix = Pick(random, ["", " Sp. z o.o.", " S.C.", " S.A."]);
        // Half of the Polish companies keep their diacritics in the domain: an IDN, e.g. drukarnia-żak.pl.
        var stem = $"{trade.Split(' ')[0]}-{surname}".ToLowerInvariant();
        return ($"{trade} {surname}{suffix}", random.Next(2) == 0 ? stem : Ascii(stem));
    }

    private static (string Name, string DomainStem) EnglishCompany(Random random)
    {
        var adjective = Pick(random, EnglishAdjectives);
        var noun = Pick(random, EnglishNouns);
        var suffix = Pick(random, [" Ltd", " LLC", " Group", ""]);
        return ($"{adjective} {noun}{suffix}", $"{adjective}-{noun}".ToLowerInvariant());
    }

    private static string Unique(HashSet<string> taken, string stem, string tld)
    {
        var candidate = stem + tld;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{stem}{n}{tld}";
        }

        return candidate;
    }

    private static string UniqueAddress(HashSet<string> taken, string local, string domain, Random random)
    {
        var candidate = $"{local}@{domain}";
        while (!taken.Add(candidate))
        {
            candidate = $"{local}{random.Next(2, 999)}@{domain}";
        }

        return candidate;
    }

    /// <summary>About one address in five is written in odd case, as people do: <c>Jan.Kowalski@Firma.Pl</c>, now and then all capitals.</summary>
    private static string OddCase(Random random, string address) => random.Next(20) switch
    {
        0 => address.ToUpperInvariant(),
        1 or 2 or 3 => string.Join('.', address.Split('.').Select(part => part.Length > 0 ? char.ToUpperInvariant(part[0]) + part[1..] : part)),
        _ => address,
    };

    private static string Phone(Random random, bool polish) =>
        polish
            ? string.Create(CultureInfo.InvariantCulture, $"+48 {random.Next(500, 899)} {random.Next(100, 999)} {random.Next(100, 999)}")
            : string.Create(CultureInfo.InvariantCulture, $"+44 20 {random.Next(7000, 8999)} {random.Next(1000, 9999)}");

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Polish letters to ASCII for the local part of an address: Łukasz Żak → lukasz.zak.</summary>
    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                'ą' => 'a', 'ć' => 'c', 'ę' => 'e', 'ł' => 'l', 'ń' => 'n', 'ó' => 'o', 'ś' => 's', 'ź' or 'ż' => 'z',
                'Ą' => 'A', 'Ć' => 'C', 'Ę' => 'E', 'Ł' => 'L', 'Ń' => 'N', 'Ó' => 'O', 'Ś' => 'S', 'Ź' or 'Ż' => 'Z',
                '\'' or ' ' => '-',
                _ => c,
            });
        }

        return builder.ToString().Replace("--", "-", StringComparison.Ordinal);
    }
}

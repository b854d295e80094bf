using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration.Corpus;

/// <summary>
/// Real-world-shaped mail (Outlook, Gmail, Thunderbird, Apple Mail, Polish webmail, Exchange NDRs, Postfix DSNs,
/// vacation responders, mailing lists, broken MIME) delivered byte for byte to Dovecot and scanned with all four
/// actions: the table below says, per file, exactly what is stored, bound and created.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class CorpusScanTests(DovecotFixture dovecot) : IAsyncLifetime
{
    private const string Olga = "User Olga Nowak";
    private const string Jan = "Contact Jan Kowalski";
    private const string Anna = "Contact Anna Wiśniewska";
    private const string Katarzyna = "Contact Katarzyna Wójcik";
    private const string Klient = "Account Klient Sp. z o.o.";
    private const string Zolw = "Account Hurtownia Żółw S.A.";

    private readonly TestDatabase _database = new();
    private readonly string _folder = "Corpus-" + Guid.NewGuid().ToString("N")[..8];
    private AppServices? _app;

    private IServiceProvider Services => _app!.Services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    /// <summary>What one message must become. Links and tickets are named by what a user sees: "Contact Jan Kowalski", "Ticket Title".</summary>
    /// <param name="Outcome">"Received", "Sent" or "Internal" when stored; "skipped: reason" otherwise.</param>
    /// <param name="NewTicket">"title | contact | account" of the ticket this message created, "-" for none.</param>
    /// <param name="Attachments">"name | type | size" with " | inline" for inline parts; size -1 when it is not the point.</param>
    private sealed record Expected(string File, string Outcome, string Subject, string[] Links, string NewTicket, string[] Attachments, string? Body);

    private static Expected Stored(string file, string subject, string body, string[] links, string newTicket = "-", string[]? attachments = null, string type = "Received") =>
        new(file, type, subject, links, newTicket, attachments ?? [], body);

    private static Expected Skipped(string file, SkipReason reason) => new(file, "skipped: " + reason, "", [], "-", [], null);

    private static string T(string title) => "Ticket " + title;

    private static readonly Expected[] Table =
    [
        Stored("01-outlook-alternative.eml", "Pytanie o fakturę 03/2026", "Zażółć gęślą jaźń.",
            [Jan, Klient, T("Pytanie o fakturę 03/2026")], "Pytanie o fakturę 03/2026 | Jan Kowalski | Klient Sp. z o.o."),
        Stored("02-thunderbird-nested-related.eml", "Oferta – zdjęcia i cennik", "w załączeniu cennik. Logo firmy poniżej.",
            [Anna, T("Oferta – zdjęcia i cennik")], "Oferta – zdjęcia i cennik | Anna Wiśniewska | -",
            ["logo.png | image/png | 69 | inline", "Cennik źródłowy.pdf | application/pdf | 142"]),
        Stored("03-gmail-rfc2231-attachments.eml", "Dokumenty do umowy", "przesyłam sprawozdanie i umowę do podpisu.",
            [T("Dokumenty do umowy")], "Dokumenty do umowy | - | -",
            [
                "Sprawozdanie finansowe za rok 2025 – część pierwsza.xlsx | application/vnd.openxmlformats-officedocument.spreadsheetml.sheet | 271",
                "Umowa_łódź_2026.docx | application/vnd.openxmlformats-officedocument.wordprocessingml.document | 277",
            ]),
        Stored("04-iso-8859-2-8bit.eml", "Zgłoszenie reklamacji żółtej lampy", "Zażółć gęślą jaźń. ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż",
            [T("Zgłoszenie reklamacji żółtej lampy")], "Zgłoszenie reklamacji żółtej lampy | - | -"),
        Stored("05-wp-windows-1250-qp.eml", "Prośba o kontakt w sprawie świadczeń", "Zażółć gęślą jaźń – ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ.",
            [T("Prośba o kontakt w sprawie świadczeń")], "Prośba o kontakt w sprawie świadczeń | - | -"),
        Stored("06-interia-windows-1250-raw-8bit-headers.eml", "Pilne: źle naliczona opłata za łącze", "opłata za łącze została źle naliczona",
            [T("Pilne: źle naliczona opłata za łącze")], "Pilne: źle naliczona opłata za łącze | - | -"),
        Stored("07-apple-mail-split-encoded-words.eml", "Prośba o przesunięcie terminu spotkania – źródła, łączność, gęś", "czy możemy przesunąć spotkanie na czwartek?",
            [T("Prośba o przesunięcie terminu spotkania – źródła, łączność, gęś")], "Prośba o przesunięcie terminu spotkania – źródła, łączność, gęś | - | -"),
        Stored("08-missing-date.eml", "Wycena ulotek bez daty", "1000 ulotek A5",
            [T("Wycena ulotek bez daty")], "Wycena ulotek bez daty | - | -"),
        Stored("09-missing-message-id.eml", "Czujnik temperatury w serwerowni – 28°C", "przekroczyła próg: 28°C",
            [T("Czujnik temperatury w serwerowni – 28°C")], "Czujnik temperatury w serwerowni – 28°C | - | -"),
        Stored("10-invalid-message-id.eml", "Zamowienie nr 2026/03/15", "Dziekujemy za zamowienie.",
            [T("Zamowienie nr 2026/03/15")], "Zamowienie nr 2026/03/15 | - | -"),
        // The same broken program, next order: its Message-ID differs only after the spaces MimeKit would cut off.
        Stored("10b-invalid-message-id-same-program.eml", "Zamowienie nr 2026/03/16", "Dziekujemy za drugie zamowienie.",
            [T("Zamowienie nr 2026/03/16")], "Zamowienie nr 2026/03/16 | - | -"),
        Stored("11-long-line.eml", "Raport z bardzo dluga linia", "Koniec raportu.",
            [T("Raport z bardzo dluga linia")], "Raport z bardzo dluga linia | - | -"),
        Stored("12-broken-final-boundary.eml", "Protokol naprawy (ucieta wiadomosc)", "W załączeniu skan protokołu naprawy pralki.",
            [T("Protokol naprawy (ucieta wiadomosc)")], "Protokol naprawy (ucieta wiadomosc) | - | -",
            ["protokol.jpg | image/jpeg | 613"]),
        Stored("13-boundary-declared-but-absent.eml", "Formularz kontaktowy: zapytanie o wycene", "Proszę o wycenę ogrodzenia działki",
            [T("Formularz kontaktowy: zapytanie o wycene")], "Formularz kontaktowy: zapytanie o wycene | - | -"),
        // An out-of-office naming a ticket is filed with it, but answers nothing and opens nothing.
        Stored("14-outlook-auto-reply-ticket.eml", "Automatyczna odpowiedź: Awaria serwera [T3]", "Jestem na urlopie do 9 marca 2026",
            [Jan, Klient, T("Awaria serwera")]),
        Stored("15-vacation-responder.eml", "Nieobecność w biurze", "Jestem nieobecna do 6 marca.", []),
        Stored("16-postfix-dsn-bounce.eml", "Undelivered Mail Returned to Sender", "could not\nbe delivered to one or more recipients", [],
            attachments: ["delivery-status.txt | message/delivery-status | -1", "Potwierdzenie zgłoszenia.eml | message/rfc822 | -1"]),
        // A bounce of a reply to a closed ticket must not reopen it.
        Stored("17-exchange-ndr-ticket.eml", "Niedostarczalne: RE: Faktura 03/2026 [T4]", "Skrzynka pocztowa adresata jest pełna",
            [Olga, Klient, T("Faktura 03/2026")],
            attachments: ["delivery-status.txt | message/delivery-status | -1", "rfc822-headers.txt | text/rfc822-headers | -1"]),
        Stored("18-mailing-list.eml", "[dev] Wydanie 2.4 - lista zmian", "lista zmian do wydania 2.4 jest w repozytorium", []),
        Stored("19-reply-with-ticket-number.eml", "RE: Drukarka się zacina [T1]", "po wymianie wałka drukarka działa poprawnie",
            [Jan, Klient, T("Drukarka się zacina")]),
        Stored("20-new-question-creates-ticket.eml", "Problem z logowaniem do panelu", "od rana nie mogę zalogować się do panelu klienta",
            [T("Problem z logowaniem do panelu")], "Problem z logowaniem do panelu | - | -"),
        Stored("21-reply-in-reply-to-created-ticket.eml", "Re: Problem z logowaniem do panelu", "Nieprawidłowy token sesji",
            [T("Problem z logowaniem do panelu")]),
        Stored("22-reply-reopens-closed-ticket.eml", "Re: Zwrot towaru", "pieniądze za zwrot jeszcze nie wróciły",
            [Anna, T("Zwrot towaru")]),
        Stored("23-sent-by-crm-user.eml", "Korekta faktury 03/2026 wysłana", "korekta faktury została wysłana pocztą",
            [Olga, Jan, Klient], type: "Sent"),
        // Olga's mailbox binds only to what Olga may see (issue 13, H1): herself, not her colleague Piotr.
        Stored("24-internal-between-users.eml", "Zastępstwo w piątek", "czy możesz mnie zastąpić w piątek",
            [Olga], type: "Internal"),
        Skipped("25-excepted-address.eml", SkipReason.SenderExcepted),
        Skipped("26-excepted-domain.eml", SkipReason.SenderExcepted),
        Stored("27-sender-matches-two-contacts.eml", "Zmiana adresu dostawy", "ul. Różana 5, Gdańsk",
            ["Contact Ewa Lewandowska", "Contact Tomasz Lewandowski", T("Zmiana adresu dostawy")], "Zmiana adresu dostawy | Ewa Lewandowska | -"),
        Stored("28-account-website-domain-only.eml", "Zamówienie hurtowe nr 88", "Zamawiamy 40 palet",
            [Zolw, T("Zamówienie hurtowe nr 88")], "Zamówienie hurtowe nr 88 | - | Hurtownia Żółw S.A."),
        Stored("29-lead-address.eml", "Zapytanie ofertowe - system CRM dla 25 osob", "wdrozenie CRM dla 25 uzytkownikow",
            ["Lead Nowa Firma Sp. j.", T("Zapytanie ofertowe - system CRM dla 25 osob")], "Zapytanie ofertowe - system CRM dla 25 osob | - | -"),
        Stored("30-cc-contact.eml", "Harmonogram prac na marzec", "W kopii pani Katarzyna",
            [Katarzyna, T("Harmonogram prac na marzec")], "Harmonogram prac na marzec | - | -"),
        Stored("31-sent-with-bcc-contact.eml", "Oferta na serwis", "Pan Paweł w ukrytej kopii.",
            [Olga, "Contact Paweł Kamiński"], type: "Sent"),
        // Sent mail is checked against its recipients: a user writing to an excepted domain is not archived.
        Skipped("31b-sent-to-excepted-recipient.eml", SkipReason.RecipientExcepted),
        Stored("32-group-address.eml", "Spotkanie projektowe w czwartek", "Zapraszam zespół na spotkanie",
            [Jan, Katarzyna, Klient, T("Spotkanie projektowe w czwartek")], "Spotkanie projektowe w czwartek | - | -"),
        Stored("33-polish-display-names-with-commas.eml", "Wspólne spotkanie – piątek", "Żaneta Łukasiewicz",
            [Anna, Jan, Klient, T("Wspólne spotkanie – piątek")], "Wspólne spotkanie – piątek | - | -"),
        Stored("34-onet-html-only-iso-8859-2.eml", "Zamówienie się nie zgadza", "łyżki i żółte ściereczki",
            [T("Zamówienie się nie zgadza")], "Zamówienie się nie zgadza | - | -"),
        Stored("35-outlook-tnef-winmail.eml", "Cennik stali - marzec", "w załączeniu cennik (Outlook wysłał go w formacie RTF)",
            [T("Cennik stali - marzec")], "Cennik stali - marzec | - | -",
            ["winmail.dat | application/ms-tnef | 404"]),
        Stored("36-teams-calendar-invite.eml", "Przegląd wdrożenia", "Zapraszam na przegląd wdrożenia w środę o 11:00.",
            [Jan, Klient, T("Przegląd wdrożenia")], "Przegląd wdrożenia | Jan Kowalski | Klient Sp. z o.o.",
            ["invite.ics | text/calendar | -1"]),
        Stored("37-forwarded-as-attachment.eml", "Fwd: Potwierdzenie płatności", "Przesyłam potwierdzenie płatności z banku",
            [Anna, T("Fwd: Potwierdzenie płatności")], "Fwd: Potwierdzenie płatności | Anna Wiśniewska | -",
            ["Potwierdzenie.eml | message/rfc822 | -1"]),
        Stored("38-many-headers.eml", "Raport SIEM z tysiacem naglowkow", "Raport: 1000 naglowkow, jedna linia tresci.",
            [T("Raport SIEM z tysiacem naglowkow")], "Raport SIEM z tysiacem naglowkow | - | -"),
        Stored(CorpusMessages.TwentyMegabytesFile, "Nagranie ze spotkania – 20 MB", "W załączeniu nagranie ze spotkania (20 MB).",
            [Jan, Klient, T("Nagranie ze spotkania – 20 MB")], "Nagranie ze spotkania – 20 MB | Jan Kowalski | Klient Sp. z o.o.",
            [$"nagranie-spotkania.mp4 | video/mp4 | {CorpusMessages.TwentyMegabytes}"]),
    ];

    [Fact]
    public async Task The_corpus_is_stored_bound_and_ticketed_exactly_as_the_table_says_and_a_second_scan_adds_nothing()
    {
        var crm = await SeedAsync();
        var files = CorpusMessages.Load();
        Assert.True(files.Count >= 40, $"The corpus files were not copied to {CorpusMessages.Directory}.");
        Assert.Equal(Table.Select(e => e.File).Order(StringComparer.Ordinal), files.Select(f => f.File).Append(CorpusMessages.TwentyMegabytesFile).Order(StringComparer.Ordinal));
        var big = CorpusMessages.TwentyMegabyteContent();
        var uids = new Dictionary<long, string>();
        await using (var imap = await RawImapAppender.OpenAsync(dovecot, dovecot.Bob, Ct))
        {
            await imap.CreateFolderAsync(_folder, Ct);
            foreach (var (file, bytes) in files)
            {
                uids[await imap.AppendAsync(_folder, bytes, Ct)] = file;
            }

            uids[await imap.AppendAsync(_folder, CorpusMessages.TwentyMegabyteMessage(big), Ct)] = CorpusMessages.TwentyMegabytesFile;
        }

        var run = await ScanAsync(crm.MailboxId);

        var problems = new List<string>();
        await using var db = await Db();
        var failed = await db.FailedMessages.AsNoTracking().ToListAsync(Ct);
        problems.AddRange(failed.Select(f => $"{uids[f.Uid]}: quarantined ({f.Error})"));
        Assert.All(failed, f => Assert.False(string.IsNullOrWhiteSpace(f.Error)));
        var emails = await db.Emails.AsNoTracking().Where(e => e.MailboxId == crm.MailboxId).Include(e => e.Links).Include(e => e.Attachments).ToListAsync(Ct);
        var byFile = emails.ToDictionary(e => uids[e.Uid!.Value]);
        var labels = await LabelsAsync(db);
        var tickets = await db.Tickets.AsNoTracking().Include(t => t.Status).Include(t => t.Contact).Include(t => t.Account).ToListAsync(Ct);
        var linkedTickets = new HashSet<int>();
        foreach (var expected in Table)
        {
            var email = byFile.GetValueOrDefault(expected.File);
            var outcome = email?.Type.ToString()
                ?? (failed.Any(f => uids[f.Uid] == expected.File) ? "quarantined" : "skipped: " + ReplaySkipReason(files, expected.File, crm));
            Check(problems, expected.File, "outcome", expected.Outcome, outcome);
            if (email is null)
            {
                continue;
            }

            Check(problems, expected.File, "subject", expected.Subject, email.Subject);
            if (expected.Body is { } body && !email.TextBody.Contains(body, StringComparison.Ordinal))
            {
                problems.Add($"{expected.File}: body lacks \"{body}\"; it is \"{Shorten(email.TextBody)}\"");
            }

            var links = email.Links.Select(l => labels.GetValueOrDefault((l.RecordKind, l.RecordId), $"{l.RecordKind} #{l.RecordId}")).Order(StringComparer.Ordinal);
            Check(problems, expected.File, "links", string.Join("; ", expected.Links.Order(StringComparer.Ordinal)), string.Join("; ", links));

            var created = tickets.Where(t => t.Id > crm.LastSeededTicketId && email.Links.Any(l => l.RecordKind == RecordKind.Ticket && l.RecordId == Key(t.Id)) && linkedTickets.Add(t.Id))
                .Select(t => $"{t.Title} | {(t.Contact is null ? "-" : $"{t.Contact.FirstName} {t.Contact.LastName}")} | {t.Account?.Name ?? "-"}");
            Check(problems, expected.File, "new ticket", expected.NewTicket, string.Join(" + ", created.DefaultIfEmpty("-")));

            var attachments = email.Attachments.OrderBy(a => a.Id).Select(a =>
                $"{a.FileName} | {a.ContentType} | {(expected.Attachments.Any(x => x.StartsWith(a.FileName + " |", StringComparison.Ordinal) && x.Contains("| -1", StringComparison.Ordinal)) ? -1 : a.Size)}{(a.IsInline ? " | inline" : "")}");
            Check(problems, expected.File, "attachments", string.Join("; ", expected.Attachments), string.Join("; ", attachments));
        }

        Assert.True(problems.Count == 0, "The corpus scan differs from the table:\n" + string.Join('\n', problems));

        var newTickets = Table.Count(e => e.NewTicket != "-");
        var stored = Table.Count(e => !e.Outcome.StartsWith("skipped", StringComparison.Ordinal));
        Assert.Equal((ScanRunStatus.Done, Table.Length, stored, Table.Length - stored, 0, newTickets, 2), (run.Status, run.Fetched, run.Stored, run.Skipped, run.Failed, run.TicketsCreated, run.TicketsOpened));
        Assert.Equal(stored, emails.Count);
        Assert.Equal(crm.LastSeededTicketId + newTickets, tickets.Max(t => t.Id));

        // Status changes: a reply answers T1, a reply in T2's thread reopens it; the auto-reply (T3) and the NDR (T4) move nothing.
        Assert.Equal(
            [
                ("Drukarka się zacina", TicketStatuses.Answered),
                ("Zwrot towaru", TicketStatuses.Open),
                ("Awaria serwera", TicketStatuses.WaitingForResponse),
                ("Faktura 03/2026", TicketStatuses.Closed),
            ],
            tickets.Where(t => t.Id <= crm.LastSeededTicketId).OrderBy(t => t.Id).Select(t => (t.Title, t.Status!.Name)));
        Assert.Equal(TicketStatuses.Open, tickets.Single(t => t.Title == "Problem z logowaniem do panelu").Status!.Name);
        // The other contacts with the sender's address are no longer written into the ticket's description (issue 15): the
        // e-mail carries every candidate as its "Ambiguous" flag, which one click resolves.
        Assert.DoesNotContain("Other contacts", tickets.Single(t => t.Title == "Zmiana adresu dostawy").Description, StringComparison.Ordinal);
        var moved = emails.Single(e => e.Subject == "Zmiana adresu dostawy");
        Assert.Contains(await db.EmailAmbiguities.Where(a => a.EmailId == moved.Id).Select(a => a.DisplayName).ToListAsync(Ct), n => n == "Tomasz Lewandowski");
        Assert.Contains("od rana nie mogę zalogować się", tickets.Single(t => t.Title == "Problem z logowaniem do panelu").Description, StringComparison.Ordinal);

        AssertDetails(byFile, big);

        var second = await ScanAsync(crm.MailboxId);
        Assert.Equal((ScanRunStatus.Done, 0, 0, 0, 0, 0), (second.Status, second.Fetched, second.Stored, second.TicketsCreated, second.TicketsOpened, second.Failed));
        await using var after = await Db();
        Assert.Equal(emails.Count, await after.Emails.CountAsync(e => e.MailboxId == crm.MailboxId, Ct));
        Assert.Equal(tickets.Count, await after.Tickets.CountAsync(Ct));
        Assert.Equal(emails.Sum(e => e.Links.Count), await after.EmailLinks.CountAsync(l => l.Email!.MailboxId == crm.MailboxId, Ct));
    }

    /// <summary>What the table cannot say in one line: addresses as stored, dates, identities, bytes.</summary>
    private void AssertDetails(Dictionary<string, Email> byFile, byte[] big)
    {
        Assert.Equal("Michał Dąbrowski <m.dabrowski@poczta.onet.example>", byFile["04-iso-8859-2-8bit.eml"].From);
        Assert.Equal("Krystyna Zielińska <k.zielinska@wp.example>", byFile["05-wp-windows-1250-qp.eml"].From);
        Assert.Equal("Stanisław Wojciechowski <s.wojciechowski@interia.example>", byFile["06-interia-windows-1250-raw-8bit-headers.eml"].From);
        Assert.Equal("Zofia Mazur-Ślęzak <zofia.mazur@icloud.example>", byFile["07-apple-mail-split-encoded-words.eml"].From);
        var commas = byFile["33-polish-display-names-with-commas.eml"];
        Assert.Equal("\"Łukasiewicz, Żaneta\" <zaneta@lukasiewicz.example>", commas.From);
        Assert.Equal("\"Wiśniewska, Anna\" <anna@wisniewska.example>, \"Kowalski, Jan\" <jan.kowalski@klient.example>, \"Pomoc, CRM\" <pomoc@crm.example>", commas.To);
        Assert.Equal("Jan Kowalski <jan.kowalski@klient.example>, k.wojcik@partner.example, pomoc@crm.example", byFile["32-group-address.eml"].To);
        Assert.Equal("Paweł Kamiński <pawel.kaminski@poczta.example>", byFile["31-sent-with-bcc-contact.eml"].Bcc);

        // Dates keep the sender's offset; a message without Date gets the time our server received it.
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 2, 9, TimeSpan.FromHours(1)), byFile["02-thunderbird-nested-related.eml"].OriginalDate);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 13, 30, 45, TimeSpan.FromHours(1)), byFile["08-missing-date.eml"].OriginalDate);

        // Identity: a usable Message-ID is the dedupe key; none or a broken one falls back to the content hash.
        Assert.StartsWith("mid:8b1f2a7e-3c4d-4e5f-9a0b-1c2d3e4f5a6b@wisniewska.example#", byFile["02-thunderbird-nested-related.eml"].DedupeKey, StringComparison.Ordinal);
        Assert.Equal("cahx7rk9zq1ab2cd3ef4gh5ij6kl7mn8op9qr0st1uv2wx3yz4a@mail.gmail.com", byFile["03-gmail-rfc2231-attachments.eml"].MessageId);
        foreach (var file in new[] { "09-missing-message-id.eml", "10-invalid-message-id.eml", "10b-invalid-message-id-same-program.eml" })
        {
            Assert.Null(byFile[file].MessageId);
            Assert.StartsWith("sha:", byFile[file].DedupeKey, StringComparison.Ordinal);
        }

        Assert.NotEqual(byFile["10-invalid-message-id.eml"].DedupeKey, byFile["10b-invalid-message-id-same-program.eml"].DedupeKey);

        Assert.Equal("caj2vqm1problem0logowania0abcdefghijklmnopqrstu@mail.gmail.com", byFile["21-reply-in-reply-to-created-ticket.eml"].InReplyTo);

        // The 2,000-character line arrives whole.
        var longLine = File.ReadAllLines(Path.Combine(CorpusMessages.Directory, "11-long-line.eml")).Single(l => l.Length == 2000);
        Assert.Contains(longLine, byFile["11-long-line.eml"].TextBody, StringComparison.Ordinal);

        // HTML-only mail: text derived from the HTML (no script text in it); the HTML stored as received, and what is
        // read from the store (the one way it leaves the database) without the script.
        var html = byFile["34-onet-html-only-iso-8859-2.eml"].HtmlBody;
        Assert.NotNull(html);
        Assert.Contains("żółte ściereczki", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", new EmailHtmlSanitizer().SanitiseForStorage(html), StringComparison.OrdinalIgnoreCase);

        // Raw 8-bit headers are kept readable too, in the charset the body declares.
        Assert.Contains("Subject: Pilne: źle naliczona opłata za łącze", byFile["06-interia-windows-1250-raw-8bit-headers.eml"].RawHeaders, StringComparison.Ordinal);

        // Every header of the 1,000-header message is kept.
        var raw = byFile["38-many-headers.eml"].RawHeaders;
        Assert.Equal(600, raw.Split('\n').Count(l => l.StartsWith("Received:", StringComparison.Ordinal)));
        Assert.Equal(400, raw.Split('\n').Count(l => l.StartsWith("X-Siem-Tag-", StringComparison.Ordinal)));

        // Inline image keeps its Content-ID for the cid: reference in the HTML.
        var logo = byFile["02-thunderbird-nested-related.eml"].Attachments.Single(a => a.FileName == "logo.png");
        Assert.Equal("part1.logo.wisniewska@example", logo.ContentId);
        Assert.Contains("cid:part1.logo.wisniewska@example", byFile["02-thunderbird-nested-related.eml"].HtmlBody, StringComparison.Ordinal);

        // Stored files are the decoded bytes: the 20 MB video exactly, the forwarded message readable as mail.
        var video = byFile[CorpusMessages.TwentyMegabytesFile].Attachments.Single();
        Assert.Equal(CorpusMessages.Sha256(big), video.ContentHash);
        Assert.Equal(big.LongLength, new FileInfo(AttachmentPath(video.ContentHash)).Length);
        var forwarded = byFile["37-forwarded-as-attachment.eml"].Attachments.Single();
        using var eml = File.OpenRead(AttachmentPath(forwarded.ContentHash));
        Assert.Equal("Potwierdzenie płatności", MimeMessage.Load(eml).Subject);
        var invite = File.ReadAllText(AttachmentPath(byFile["36-teams-calendar-invite.eml"].Attachments.Single().ContentHash));
        Assert.Contains("SUMMARY;LANGUAGE=pl-PL:Przegląd wdrożenia", invite, StringComparison.Ordinal);
    }

    /// <summary>
    /// Why a message was not stored. The scan keeps only a count of skips, so the reason comes from the same domain
    /// decision over the same mailbox settings; users are the only records that change a skip.
    /// </summary>
    private static string ReplaySkipReason(IReadOnlyList<(string File, byte[] Bytes)> files, string file, Crm crm)
    {
        using var input = new MemoryStream(files.Single(f => f.File == file).Bytes);
        var snapshot = PrivateMail.Web.Mail.MimeSnapshotMapper.ToSnapshot(MimeMessage.Load(input));
        var users = new InMemoryRecords();
        users.User("olga", "olga@crm.example");
        users.User("piotr", "piotr@crm.example");
        var decision = MailScanner.Decide(snapshot, crm.Settings, GlobalExceptions.None, TicketStatusMapping.Default, users);
        return decision.Skipped?.ToString() ?? "not skipped";
    }

    private string AttachmentPath(string hash) => Path.Combine(_database.Directory, "attachments", hash[..2], hash);

    private static void Check(List<string> problems, string file, string what, string expected, string actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            problems.Add($"{file}: {what} expected [{expected}] but was [{actual}]");
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed record Crm(int MailboxId, int LastSeededTicketId, ScannerSettings Settings);

    private async Task<Crm> SeedAsync()
    {
        _app = await AppServices.StartAsync(_database);
        string olga;
        await using (var db = await Db())
        {
            var owner = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@crm.example", ProvenEmail = "olga@crm.example", FirstName = "Olga", LastName = "Nowak", SecurityStamp = "x" };
            db.Users.Add(owner);
            db.Users.Add(new ApplicationUser { UserName = "piotr", NormalizedUserName = "PIOTR", Email = "piotr@crm.example", ProvenEmail = "piotr@crm.example", FirstName = "Piotr", LastName = "Zając", SecurityStamp = "x" });
            await db.SaveChangesAsync(Ct);
            olga = owner.Id;
        }

        var records = new RecordFactory(Services);
        var klient = await records.AccountAsync(olga, "Klient Sp. z o.o.", "biuro@klient.example", "https://www.klient.example/kontakt");
        await records.AccountAsync(olga, "Hurtownia Żółw S.A.", website: "zolw-hurt.example");
        var jan = await records.ContactAsync(olga, "Jan", "Kowalski", "jan.kowalski@klient.example", klient);
        var anna = await records.ContactAsync(olga, "Anna", "Wiśniewska", "anna@wisniewska.example");
        // A couple sharing one address: the older contact (Ewa) gets the ticket.
        await records.ContactAsync(olga, "Ewa", "Lewandowska", "kontakt@rodzina.example");
        await records.ContactAsync(olga, "Tomasz", "Lewandowski", "Kontakt@Rodzina.example");
        await records.ContactAsync(olga, "Katarzyna", "Wójcik", "k.wojcik@partner.example");
        await records.ContactAsync(olga, "Paweł", "Kamiński", "pawel.kaminski@poczta.example");
        await records.LeadAsync(olga, "Nowa Firma Sp. j.", "ofertowanie@nowafirma.example");

        var t1 = await records.TicketAsync(olga, "Drukarka się zacina", TicketStatuses.WaitingForResponse, jan);
        var t2 = await records.TicketAsync(olga, "Zwrot towaru", TicketStatuses.Closed, anna);
        var t3 = await records.TicketAsync(olga, "Awaria serwera", TicketStatuses.WaitingForResponse, jan);
        var t4 = await records.TicketAsync(olga, "Faktura 03/2026", TicketStatuses.Closed, jan, klient);
        // The corpus names these numbers in its subjects.
        Assert.Equal(["T1", "T2", "T3", "T4"], new[] { t1, t2, t3, t4 }.Select(t => t.Number.ToString()));

        // The message that opened T2, stored earlier: a reply in its thread (22) finds the ticket without a number.
        var earlier = await Services.GetRequiredService<EmailStore>().StoreAsync(new NewEmail
        {
            OwnerId = olga,
            Subject = "Zwrot towaru",
            From = EmailAddress.Parse("Anna Wiśniewska <anna@wisniewska.example>"),
            To = [EmailAddress.Parse("pomoc@crm.example")!],
            Date = new DateTimeOffset(2026, 2, 19, 9, 0, 0, TimeSpan.FromHours(1)),
            MessageId = "zwrot-towaru-1@wisniewska.example",
            Text = "Chcę zwrócić towar.",
        });
        await records.LinkAsync(earlier.Id, RecordKind.Ticket, t2.Id);

        await using (var db = await Db())
        {
            var server = new MailServer { Name = "Dovecot corpus", ImapHost = dovecot.Host, ImapPort = dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
            db.MailServers.Add(server);
            await db.SaveChangesAsync(Ct);
            var mailbox = new Mailbox
            {
                OwnerId = olga, Name = "Pomoc", MailServerId = server.Id, Login = dovecot.Bob.Login,
                PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect(dovecot.Bob.Password),
                Folders = [_folder],
                Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
                SearchFields = [.. SearchFields.DefaultKeys],
                // Written as a user might; the mail comes as NEWSLETTER@sklep.EXAMPLE and from a subdomain.
                EmailExceptions = ["Newsletter@Sklep.example"],
                DomainExceptions = ["SPAM-Reklama.example"],
            };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync(Ct);
            var settings = new ScannerSettings(olga, mailbox.Actions, mailbox.SearchFields, ["newsletter@sklep.example"], ["spam-reklama.example"]);
            return new Crm(mailbox.Id, t4.Id, settings);
        }
    }

    /// <summary>Every record a link can point to, named as the table names it.</summary>
    private static async Task<Dictionary<(RecordKind, string), string>> LabelsAsync(AppDbContext db)
    {
        var labels = new Dictionary<(RecordKind, string), string>();
        foreach (var c in await db.Contacts.AsNoTracking().ToListAsync(Ct))
        {
            labels[(RecordKind.Contact, Key(c.Id))] = $"Contact {c.FirstName} {c.LastName}";
        }

        foreach (var a in await db.Accounts.AsNoTracking().ToListAsync(Ct))
        {
            labels[(RecordKind.Account, Key(a.Id))] = $"Account {a.Name}";
        }

        foreach (var l in await db.Leads.AsNoTracking().ToListAsync(Ct))
        {
            labels[(RecordKind.Lead, Key(l.Id))] = $"Lead {l.Company}";
        }

        foreach (var u in await db.Users.AsNoTracking().ToListAsync(Ct))
        {
            labels[(RecordKind.User, u.Id)] = $"User {u.FirstName} {u.LastName}";
        }

        foreach (var t in await db.Tickets.AsNoTracking().ToListAsync(Ct))
        {
            labels[(RecordKind.Ticket, Key(t.Id))] = T(t.Title);
        }

        return labels;
    }

    private Task<AppDbContext> Db() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private async Task<ScanProgress> ScanAsync(int mailboxId) =>
        await Services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, Ct) ?? throw new InvalidOperationException("The scan did not run.");
}

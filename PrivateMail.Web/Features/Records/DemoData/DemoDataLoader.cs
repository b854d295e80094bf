using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Records.DemoData;

/// <summary>What a demo load did.</summary>
public sealed record DemoDataResult(bool Loaded, int Accounts, int Contacts, int Leads, int Tickets, int Emails);

/// <summary>
/// Loads <see cref="Domain.Records.DemoData"/> into the database: three demo colleagues (without passwords — an administrator
/// can set one to try owner-based visibility), accounts, contacts, leads, tickets in every status and ticket
/// conversations. Idempotent: a second call finds the demo users and does nothing. Never runs unless asked.
/// </summary>
public sealed class DemoDataLoader(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceScopeFactory scopeFactory,
    EmailStore emails,
    TimeProvider time,
    ILogger<DemoDataLoader> logger)
{
    public const int Seed = 20260401;

    /// <summary>The demo colleagues; the first user name marks the set as loaded.</summary>
    public static IReadOnlyList<(string UserName, string FirstName, string LastName, string Email, string Language)> DemoUsers { get; } =
    [
        ("demo.anna", "Anna", "Nowak", "anna.nowak@privatemail.example", UiLanguages.Polish),
        ("demo.piotr", "Piotr", "Wiśniewski", "piotr.wisniewski@privatemail.example", UiLanguages.Polish),
        ("demo.emma", "Emma", "Clarke", "emma.clarke@privatemail.example", UiLanguages.English),
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);

    public async Task<bool> IsLoadedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var marker = DemoUsers[0].UserName.ToUpperInvariant();
        return await db.Users.AnyAsync(u => u.NormalizedUserName == marker, cancellationToken);
    }

    /// <summary>Loads the set unless it is there already. Records are shared between the first administrator and the demo users.</summary>
    public async Task<DemoDataResult> LoadAsync(DemoCounts? counts = null, CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (await IsLoadedAsync(cancellationToken))
            {
                return new DemoDataResult(false, 0, 0, 0, 0, 0);
            }

            var owners = await CreateOwnersAsync(cancellationToken);
            var set = DemoSetGenerator.Generate(Seed, counts ?? DemoCounts.Default, owners.Count);
            var result = await InsertAsync(set, owners, cancellationToken);
            logger.LogInformation("Demo data loaded: {Accounts} accounts, {Contacts} contacts, {Leads} leads, {Tickets} tickets, {Emails} e-mails.",
                result.Accounts, result.Contacts, result.Leads, result.Tickets, result.Emails);
            return result;
        }
        finally
        {
            Gate.Release();
        }
    }

    private sealed record Owner(string Id, string DisplayName, string Email);

    private async Task<List<Owner>> CreateOwnersAsync(CancellationToken cancellationToken)
    {
        var owners = new List<Owner>();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var adminRole = await db.Roles.Where(r => r.Name == Roles.Administrator).Select(r => r.Id).SingleAsync(cancellationToken);
            var admin = await db.Users.Where(u => db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == adminRole))
                .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).FirstOrDefaultAsync(cancellationToken);
            if (admin is not null)
            {
                owners.Add(new Owner(admin.Id, admin.DisplayName, admin.Email ?? ""));
            }
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var (userName, first, last, email, language) in DemoUsers)
        {
            var user = new ApplicationUser
            {
                UserName = userName,
                Email = email,
                EmailConfirmed = true,
                FirstName = first,
                LastName = last,
                Language = language,
            };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Could not create demo user {userName}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }

            await users.AddToRoleAsync(user, Roles.User);
            owners.Add(new Owner(user.Id, user.DisplayName, email));
        }

        return owners;
    }

    private async Task<DemoDataResult> InsertAsync(DemoSet set, List<Owner> owners, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset Created(int index, int spreadDays) => now.AddDays(-(index * 7919 % spreadDays)).AddMinutes(-(index * 131 % 600));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = set.Accounts.Select((a, i) =>
        {
            var email = EmailAddress.Parse(a.Email);
            var domain = WebsiteDomain.FromWebsite(a.Website);
            return new Account
            {
                Name = a.Name, Email = email?.Address, EmailNormalised = email?.Normalised, Website = a.Website, Domain = domain, Phone = a.Phone,
                OwnerId = owners[a.Owner].Id, CreatedAt = Created(i, 365), ModifiedAt = Created(i, 60),
                SearchText = SearchText.Build(a.Name, a.Email, email?.Normalised, a.Website, domain, a.Phone),
            };
        }).ToList();
        db.Accounts.AddRange(accounts);
        await db.SaveChangesAsync(cancellationToken);

        var contacts = set.Contacts.Select((c, i) =>
        {
            var email = EmailAddress.Parse(c.Email);
            var secondary = EmailAddress.Parse(c.SecondaryEmail);
            return new Contact
            {
                FirstName = c.FirstName, LastName = c.LastName, Email = email?.Address, EmailNormalised = email?.Normalised,
                SecondaryEmail = secondary?.Address, SecondaryEmailNormalised = secondary?.Normalised, Phone = c.Phone,
                AccountId = c.Account is { } a ? accounts[a].Id : null, OwnerId = owners[c.Owner].Id,
                CreatedAt = Created(i, 300), ModifiedAt = Created(i, 45),
                SearchText = SearchText.Build(c.FirstName, c.LastName, email?.Address, email?.Normalised, secondary?.Address, secondary?.Normalised, c.Phone),
            };
        }).ToList();
        db.Contacts.AddRange(contacts);

        db.Leads.AddRange(set.Leads.Select((l, i) =>
        {
            var email = EmailAddress.Parse(l.Email);
            return new Lead
            {
                Company = l.Company, FirstName = l.FirstName, LastName = l.LastName, Email = email?.Address, EmailNormalised = email?.Normalised,
                Status = l.Status, OwnerId = owners[l.Owner].Id, CreatedAt = Created(i, 200), ModifiedAt = Created(i, 30),
                SearchText = SearchText.Build(l.Company, l.FirstName, l.LastName, email?.Address, email?.Normalised),
            };
        }));
        await db.SaveChangesAsync(cancellationToken);

        var statusIds = await db.TicketStatuses.ToDictionaryAsync(s => s.Name, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var fallbackStatus = await db.TicketSettings.Select(s => s.NewTicketStatusId).SingleAsync(cancellationToken);
        var tickets = new List<Ticket>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var (prefix, first) = await TicketStore.AllocateAsync(db, RecordSequence.Tickets, set.Tickets.Count, cancellationToken);
            for (var i = 0; i < set.Tickets.Count; i++)
            {
                var t = set.Tickets[i];
                var opened = now.AddDays(-t.AgeDays).AddMinutes(-(i * 37 % 600));
                var ticket = TicketStore.Build(
                    new NewTicket(t.Title, t.Description, statusIds.GetValueOrDefault(t.Status, fallbackStatus), t.Priority,
                        t.Contact is { } c ? contacts[c].Id : null, t.Account is { } a ? accounts[a].Id : null, owners[t.Owner].Id),
                    prefix, first + i, opened);
                ticket.ModifiedAt = opened.AddHours(i % 48);
                tickets.Add(ticket);
            }

            db.Tickets.AddRange(tickets);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var stored = 0;
        var richDone = false;
        string? previousId = null;
        foreach (var message in set.Messages)
        {
            var demo = set.Tickets[message.Ticket];
            var ticket = tickets[message.Ticket];
            var contact = set.Contacts[demo.Contact!.Value];
            var owner = owners[demo.Owner];
            var customer = EmailAddress.Parse($"\"{contact.FirstName} {contact.LastName}\" <{contact.Email}>")!;
            var agent = EmailAddress.Parse($"\"{owner.DisplayName}\" <{owner.Email}>") ?? EmailAddress.Parse("support@privatemail.example")!;
            var messageId = string.Create(CultureInfo.InvariantCulture, $"demo-{ticket.Number}-{message.Step}@privatemail.example");
            var date = ticket.CreatedAt.Add(message.AfterOpening).ToOffset(TimeSpan.FromMinutes(message.UtcOffsetMinutes));
            var reply = message.Step > 0;
            var subject = reply ? $"Re: {new RecordNumber(RecordNumber.TicketPrefix, ticket.Sequence).ToSubjectTag()} {demo.Title}" : demo.Title;
            var text = message.FromCustomer ? $"{message.Text}\n\n{contact.FirstName} {contact.LastName}" : $"{message.Text}\n\n-- \n{owner.DisplayName}";
            // The very first conversation opens with a mail as companies really send it: a letterhead logo inline, a
            // tracking pixel (held back until "Show images") and a PDF report attached.
            var rich = !richDone && message.Step == 0 && message.FromCustomer && demo.Account is not null;
            richDone |= rich;
            var account = demo.Account is { } accountIndex ? set.Accounts[accountIndex] : null;
            var saved = await emails.StoreAsync(new NewEmail
            {
                OwnerId = owner.Id,
                Subject = subject,
                From = message.FromCustomer ? customer : agent,
                To = [message.FromCustomer ? agent : customer],
                Date = date,
                MessageId = messageId,
                InReplyTo = reply ? previousId : null,
                References = reply && previousId is not null ? [previousId] : [],
                Type = message.FromCustomer ? MailType.Received : MailType.Sent,
                Text = text,
                Html = rich ? RichHtml(message.Text, contact, account, customer.Domain)
                    : message.FromCustomer ? null
                    : $"<p>{System.Net.WebUtility.HtmlEncode(message.Text)}</p><p style=\"color:#52606d\">-- <br>{System.Net.WebUtility.HtmlEncode(owner.DisplayName)}</p>",
                RawHeaders = $"Message-ID: <{messageId}>\r\nSubject: {subject}\r\nDate: {date:R}\r\nFrom: {(message.FromCustomer ? customer : agent)}\r\nTo: {(message.FromCustomer ? agent : customer)}\r\n",
                Attachments = rich
                    ?
                    [
                        new NewAttachment("logo.png", "image/png", new MemoryStream(DemoFiles.Logo(31, 95, 168)), $"logo@{customer.Domain}", IsInline: true),
                        new NewAttachment($"Protokół serwisowy {ticket.Number}.pdf", "application/pdf", new MemoryStream(DemoFiles.Report(
                            $"Service report {ticket.Number}", demo.Title, $"Reported by {contact.FirstName} {contact.LastName}", "Device: printer, 2nd floor", "Error code: 13.B2"))),
                    ]
                    : [],
            }, cancellationToken);
            previousId = messageId;
            var links = new List<(RecordKind, string)> { (RecordKind.Ticket, Key(ticket.Id)), (RecordKind.Contact, Key(contacts[demo.Contact.Value].Id)), (RecordKind.User, owner.Id) };
            if (ticket.AccountId is { } accountId)
            {
                links.Add((RecordKind.Account, Key(accountId)));
            }

            await emails.LinkAsync(saved.Id, links, cancellationToken);
            stored += saved.Created ? 1 : 0;
        }

        return new DemoDataResult(true, accounts.Count, contacts.Count, set.Leads.Count, tickets.Count, stored);
    }

    private static string RichHtml(string text, DemoContact contact, DemoAccount? account, string domain)
    {
        static string E(string? value) => System.Net.WebUtility.HtmlEncode(value ?? "");
        return $"""
            <div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2933">
              <p><img src="cid:logo@{domain}" alt="{E(account?.Name)}" width="160" height="48"></p>
              <p>Dzień dobry,</p>
              <p>{E(text)}</p>
              <p>W załączniku przesyłam protokół z ostatniego serwisu. Szczegóły w <a href="https://{domain}/serwis">panelu serwisowym</a>.</p>
              <table style="border-collapse:collapse;margin:12px 0">
                <tr><td style="padding:4px 12px 4px 0;color:#52606d">Urządzenie</td><td style="padding:4px 0"><b>Drukarka, II piętro</b></td></tr>
                <tr><td style="padding:4px 12px 4px 0;color:#52606d">Kod błędu</td><td style="padding:4px 0"><b>13.B2</b></td></tr>
              </table>
              <p style="color:#52606d;border-top:1px solid #d9e2ec;padding-top:8px">{E(contact.FirstName)} {E(contact.LastName)}<br>{E(account?.Name)}<br>tel. {E(contact.Phone)}</p>
              <img src="https://newsletter.{domain}/open.gif?m=demo" width="1" height="1" alt="">
            </div>
            """;
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// Puts records straight into the database for a test's "given" part, filled in the way the services fill them
/// (normalised addresses, search text). E-mails and tickets go through the real stores.
/// </summary>
public sealed class RecordFactory(IServiceProvider services)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private int _tick;

    private IDbContextFactory<AppDbContext> Db => services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public async Task<int> AccountAsync(string ownerId, string name, string? email = null, string? website = null)
    {
        await using var db = await Db.CreateDbContextAsync();
        var address = EmailAddress.Parse(email);
        var account = new Account
        {
            Name = name, Email = address?.Address, EmailNormalised = address?.Normalised, Website = website, Domain = WebsiteDomain.FromWebsite(website),
            OwnerId = ownerId, CreatedAt = Next(), ModifiedAt = Next(),
            SearchText = SearchText.Build(name, email, address?.Normalised, website),
        };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    public async Task<int> ContactAsync(string ownerId, string firstName, string lastName, string? email = null, int? accountId = null, string? secondaryEmail = null)
    {
        await using var db = await Db.CreateDbContextAsync();
        var address = EmailAddress.Parse(email);
        var secondary = EmailAddress.Parse(secondaryEmail);
        var contact = new Contact
        {
            FirstName = firstName, LastName = lastName, Email = address?.Address, EmailNormalised = address?.Normalised,
            SecondaryEmail = secondary?.Address, SecondaryEmailNormalised = secondary?.Normalised, AccountId = accountId,
            OwnerId = ownerId, CreatedAt = Next(), ModifiedAt = Next(),
            SearchText = SearchText.Build(firstName, lastName, email, address?.Normalised, secondaryEmail, secondary?.Normalised),
        };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact.Id;
    }

    public async Task<int> LeadAsync(string ownerId, string company, string? email = null)
    {
        await using var db = await Db.CreateDbContextAsync();
        var address = EmailAddress.Parse(email);
        var lead = new Lead
        {
            Company = company, Email = address?.Address, EmailNormalised = address?.Normalised,
            OwnerId = ownerId, CreatedAt = Next(), ModifiedAt = Next(), SearchText = SearchText.Build(company, email),
        };
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
        return lead.Id;
    }

    public async Task<CreatedTicket> TicketAsync(string ownerId, string title, string status = TicketStatuses.Open, int? contactId = null, int? accountId = null)
    {
        await using var db = await Db.CreateDbContextAsync();
        var statusId = await db.TicketStatuses.Where(s => s.Name == status).Select(s => s.Id).SingleAsync();
        return await services.GetRequiredService<TicketStore>()
            .CreateAsync(new NewTicket(title, $"About: {title}", statusId, TicketPriority.Normal, contactId, accountId, ownerId));
    }

    /// <summary>A mail server and a mailbox for the user, for mail that "came from" their mailbox.</summary>
    public async Task<int> MailboxAsync(string ownerId)
    {
        await using var db = await Db.CreateDbContextAsync();
        var server = await db.MailServers.FirstOrDefaultAsync();
        if (server is null)
        {
            server = new MailServer { Name = "Test server", ImapHost = "imap.example.test" };
            db.MailServers.Add(server);
            await db.SaveChangesAsync();
        }

        var mailbox = new Mailbox { OwnerId = ownerId, Name = "Private", MailServerId = server.Id, Login = "login" };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync();
        return mailbox.Id;
    }

    public async Task<int> EmailAsync(
        string ownerId,
        string subject,
        int? mailboxId = null,
        DateTimeOffset? date = null,
        string? html = null,
        string text = "Hello",
        string from = "Jan Kowalski <jan@firma.example>",
        MailType type = MailType.Received,
        params NewAttachment[] attachments)
    {
        var stored = await services.GetRequiredService<EmailStore>().StoreAsync(new NewEmail
        {
            OwnerId = ownerId,
            Subject = subject,
            From = EmailAddress.Parse(from),
            To = [EmailAddress.Parse("support@privatemail.example")!],
            Date = date ?? Next(),
            MessageId = $"{Guid.NewGuid():N}@test.example",
            Type = type,
            MailboxId = mailboxId,
            Html = html,
            Text = text,
            Attachments = attachments,
        });
        return stored.Id;
    }

    public Task LinkAsync(int emailId, RecordKind kind, object recordId) =>
        services.GetRequiredService<EmailStore>().LinkAsync(emailId, [(kind, Convert.ToString(recordId, CultureInfo.InvariantCulture)!)]);

    private DateTimeOffset Next() => Now.AddMinutes(++_tick);
}

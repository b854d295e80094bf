using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Binding;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records;

/// <summary>A record found for an address, domain or thread; <paramref name="Order"/> is creation order (lower is older).</summary>
public sealed record FoundRecord(RecordKind Kind, string Id, string DisplayName, long Order, int? AccountId = null);

/// <summary>
/// Indexed lookups by normalised address, domain and Message-ID across all records, without a viewer: what the
/// scanner's Bind e-mail and Create ticket need. Inputs are normalised here too, so any case or IDN form matches.
/// </summary>
public sealed class RecordLookup(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>Records of the search field's kind whose field holds one of the addresses.</summary>
    public async Task<IReadOnlyList<FoundRecord>> FindByEmailAsync(SearchField field, IEnumerable<string> addresses, CancellationToken cancellationToken = default)
    {
        var keys = Normalise(addresses);
        if (keys.Count == 0)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        switch (field.Key)
        {
            case var k when k == SearchFields.ContactEmail.Key || k == SearchFields.ContactSecondaryEmail.Key:
                var primary = k == SearchFields.ContactEmail.Key;
                var contacts = await db.Contacts.AsNoTracking()
                    .Where(c => primary ? keys.Contains(c.EmailNormalised!) : keys.Contains(c.SecondaryEmailNormalised!))
                    .OrderBy(c => c.Id).Select(c => new { c.Id, c.FirstName, c.LastName, c.AccountId }).ToListAsync(cancellationToken);
                return contacts.Select(c => new FoundRecord(RecordKind.Contact, Key(c.Id), $"{c.FirstName} {c.LastName}".Trim(), c.Id, c.AccountId)).ToList();
            case var k when k == SearchFields.AccountEmail.Key:
                var accounts = await db.Accounts.AsNoTracking().Where(a => keys.Contains(a.EmailNormalised!))
                    .OrderBy(a => a.Id).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
                return accounts.Select(a => new FoundRecord(RecordKind.Account, Key(a.Id), a.Name, a.Id)).ToList();
            case var k when k == SearchFields.LeadEmail.Key:
                var leads = await db.Leads.AsNoTracking().Where(l => keys.Contains(l.EmailNormalised!))
                    .OrderBy(l => l.Id).Select(l => new { l.Id, l.Company }).ToListAsync(cancellationToken);
                return leads.Select(l => new FoundRecord(RecordKind.Lead, Key(l.Id), l.Company, l.Id)).ToList();
            case var k when k == SearchFields.UserEmail.Key:
                // Only proven addresses are a user's (ProvenAddresses), never the e-mail edited under My settings; users are few.
                var users = await (
                        from u in db.Users.AsNoTracking()
                        join m in db.Mailboxes on u.Id equals m.OwnerId into mailboxes
                        from m in mailboxes.DefaultIfEmpty()
                        select new
                        {
                            u.Id, u.ProvenEmail, u.FirstName, u.LastName, u.UserName, u.CreatedAt,
                            Login = m == null ? null : (m.Login == "" ? m.OAuthAccount : m.Login),
                            ProvenLogin = m == null ? null : m.ProvenLogin,
                        })
                    .ToListAsync(cancellationToken);
                return users.Where(u => ProvenAddresses.Of(u.ProvenEmail, u.Login, u.ProvenLogin).Any(keys.Contains))
                    .Select(u => new FoundRecord(RecordKind.User, u.Id, Shared.OwnerDirectory.DisplayName(u.FirstName, u.LastName, u.UserName), u.CreatedAt.UtcTicks))
                    .ToList();
            default:
                return [];
        }
    }

    /// <summary>Contacts whose e-mail or secondary e-mail is the address, oldest first.</summary>
    public async Task<IReadOnlyList<FoundRecord>> FindContactsAsync(string address, CancellationToken cancellationToken = default)
    {
        var primary = await FindByEmailAsync(SearchFields.ContactEmail, [address], cancellationToken);
        var secondary = await FindByEmailAsync(SearchFields.ContactSecondaryEmail, [address], cancellationToken);
        return primary.Concat(secondary).DistinctBy(c => c.Id).OrderBy(c => c.Order).ToList();
    }

    /// <summary>Accounts whose website's domain is one of the domains (any case, IDN or ASCII form).</summary>
    public async Task<IReadOnlyList<FoundRecord>> FindAccountsByDomainAsync(IEnumerable<string> domains, CancellationToken cancellationToken = default)
    {
        var keys = domains.Select(AddressRules.NormaliseDomain).OfType<string>().Distinct().ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = await db.Accounts.AsNoTracking().Where(a => keys.Contains(a.Domain!))
            .OrderBy(a => a.Id).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
        return accounts.Select(a => new FoundRecord(RecordKind.Account, Key(a.Id), a.Name, a.Id)).ToList();
    }

    /// <summary>A ticket that an earlier stored message of the thread (by Message-ID) is linked to, or null.</summary>
    public async Task<int?> FindTicketByThreadAsync(IEnumerable<string> messageIds, CancellationToken cancellationToken = default)
    {
        var ids = messageIds.Select(m => m.Trim().Trim('<', '>')).Where(m => m.Length > 0).Distinct().ToList();
        if (ids.Count == 0)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ticketId = await db.EmailLinks.AsNoTracking()
            .Where(l => l.RecordKind == RecordKind.Ticket && ids.Contains(l.Email!.MessageId!))
            .OrderByDescending(l => l.Email!.Date)
            .Select(l => l.RecordId)
            .FirstOrDefaultAsync(cancellationToken);
        return int.TryParse(ticketId, out var id) && await db.Tickets.AnyAsync(t => t.Id == id, cancellationToken) ? id : null;
    }

    private static List<string> Normalise(IEnumerable<string> addresses) =>
        addresses.Select(EmailAddress.Normalise).OfType<string>().Distinct().ToList();

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}

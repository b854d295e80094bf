using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>One candidate of an ambiguous match, with its current name.</summary>
public sealed record AmbiguityCandidate(RecordKind Kind, string RecordId, string Name, string? Href);

/// <summary>An address of an e-mail that matched several records of one kind.</summary>
public sealed record AmbiguityFlag(int EmailId, RecordKind Kind, string Value, IReadOnlyList<AmbiguityCandidate> Candidates);

/// <summary>
/// The "Ambiguous: 2 contacts" flag of an e-mail (and of the ticket created from it): the candidates the scan stored,
/// and the one-click resolution that binds the e-mail — and its ticket — to the chosen record only. Only the e-mail's
/// owner (or its mailbox's owner) sees or resolves a flag; checked here, not in the pages.
/// </summary>
public sealed class EmailAmbiguityService(IDbContextFactory<AppDbContext> dbFactory, RecordAccess access, RecordChangeNotifier notifier, TimeProvider time)
{
    /// <summary>Stores the candidates with a just-stored e-mail, through the scan's context and transaction.</summary>
    internal static async Task WriteAsync(AppDbContext db, int emailId, IReadOnlyList<AmbiguousMatch> ambiguities, CancellationToken cancellationToken)
    {
        foreach (var match in ambiguities)
        {
            foreach (var candidate in match.Candidates)
            {
                // One record can be a candidate for two addresses of the same mail: stored once.
                if (db.EmailAmbiguities.Local.Any(a => a.EmailId == emailId && a.RecordKind == candidate.Kind && a.RecordId == candidate.Id))
                {
                    continue;
                }

                db.EmailAmbiguities.Add(new EmailAmbiguity
                {
                    EmailId = emailId,
                    RecordKind = candidate.Kind,
                    RecordId = candidate.Id,
                    Value = Cut(match.Value, 320),
                    DisplayName = Cut(candidate.DisplayName, 300),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The e-mail's open flags; none for anyone but its owner.</summary>
    public async Task<IReadOnlyList<AmbiguityFlag>> ForEmailAsync(int emailId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.GetViewerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owned = await OwnedEmails(db, viewer).Where(e => e.Id == emailId).Select(e => e.Id).ToListAsync(cancellationToken);
        return await FlagsAsync(db, viewer, owned, cancellationToken);
    }

    /// <summary>The open flags of the viewer's e-mails linked to a ticket.</summary>
    public async Task<IReadOnlyList<AmbiguityFlag>> ForTicketAsync(int ticketId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.GetViewerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = ticketId.ToString(CultureInfo.InvariantCulture);
        var owned = await OwnedEmails(db, viewer)
            .Where(e => db.EmailLinks.Any(l => l.EmailId == e.Id && l.RecordKind == RecordKind.Ticket && l.RecordId == key))
            .Where(e => db.EmailAmbiguities.Any(a => a.EmailId == e.Id))
            .Select(e => e.Id).ToListAsync(cancellationToken);
        return await FlagsAsync(db, viewer, owned, cancellationToken);
    }

    /// <summary>
    /// Binds the e-mail to <paramref name="recordId"/> only among the flag's candidates (the others are unbound), sets the
    /// contact (or account) of the tickets it is linked to when that was one of the candidates or empty, and removes the
    /// flag. Returns an error in the viewer's language, or null.
    /// </summary>
    public async Task<string?> ResolveAsync(int emailId, RecordKind kind, string recordId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.GetViewerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await OwnedEmails(db, viewer).AnyAsync(e => e.Id == emailId, cancellationToken))
        {
            return RecordStrings.RecordGone;
        }

        var candidates = await db.EmailAmbiguities.Where(a => a.EmailId == emailId && a.RecordKind == kind).ToListAsync(cancellationToken);
        if (!candidates.Exists(c => c.RecordId == recordId) || !await access.CanSeeAsync(viewer, kind, recordId, cancellationToken))
        {
            return RecordStrings.RecordGone;
        }

        var others = candidates.Select(c => c.RecordId).Where(id => id != recordId).ToList();
        var changes = new List<RecordChange> { new(RecordChangeKind.Email, emailId.ToString(CultureInfo.InvariantCulture)), new(kind, recordId) };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.EmailLinks.Where(l => l.EmailId == emailId && l.RecordKind == kind && others.Contains(l.RecordId)).ExecuteDeleteAsync(cancellationToken);
        if (!await db.EmailLinks.AnyAsync(l => l.EmailId == emailId && l.RecordKind == kind && l.RecordId == recordId, cancellationToken))
        {
            db.EmailLinks.Add(new EmailLink { EmailId = emailId, RecordKind = kind, RecordId = recordId, LinkedAt = time.GetUtcNow() });
        }

        var ticketIds = (await db.EmailLinks.Where(l => l.EmailId == emailId && l.RecordKind == RecordKind.Ticket).Select(l => l.RecordId).ToListAsync(cancellationToken))
            .Select(id => int.TryParse(id, CultureInfo.InvariantCulture, out var value) ? value : 0).Where(id => id > 0).ToList();
        var chosen = int.Parse(recordId, CultureInfo.InvariantCulture);
        var otherIds = others.Select(id => int.TryParse(id, CultureInfo.InvariantCulture, out var value) ? value : 0).ToList();
        var tickets = await RecordAccess.Visible(db.Tickets, viewer).Where(t => ticketIds.Contains(t.Id)).ToListAsync(cancellationToken);
        foreach (var ticket in tickets)
        {
            if (kind == RecordKind.Contact && (ticket.ContactId is null || otherIds.Contains(ticket.ContactId.Value)))
            {
                ticket.ContactId = chosen;
                changes.Add(new RecordChange(RecordKind.Ticket, ticket.Id.ToString(CultureInfo.InvariantCulture)));
            }
            else if (kind == RecordKind.Account && (ticket.AccountId is null || otherIds.Contains(ticket.AccountId.Value)))
            {
                ticket.AccountId = chosen;
                changes.Add(new RecordChange(RecordKind.Ticket, ticket.Id.ToString(CultureInfo.InvariantCulture)));
            }
        }

        db.EmailAmbiguities.RemoveRange(candidates);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish(changes);
        return null;
    }

    /// <summary>E-mails the viewer owns: stored for them, or from their mailbox.</summary>
    private static IQueryable<Email> OwnedEmails(AppDbContext db, Viewer viewer) =>
        db.Emails.AsNoTracking().Where(e => e.OwnerId == viewer.UserId || (e.Mailbox != null && e.Mailbox.OwnerId == viewer.UserId));

    private async Task<IReadOnlyList<AmbiguityFlag>> FlagsAsync(AppDbContext db, Viewer viewer, List<int> emailIds, CancellationToken cancellationToken)
    {
        if (emailIds.Count == 0)
        {
            return [];
        }

        var rows = await db.EmailAmbiguities.AsNoTracking().Where(a => emailIds.Contains(a.EmailId)).ToListAsync(cancellationToken);
        var names = new Dictionary<(RecordKind, string), string>();
        foreach (var group in rows.GroupBy(r => r.RecordKind))
        {
            var ids = group.Select(r => int.TryParse(r.RecordId, CultureInfo.InvariantCulture, out var id) ? id : 0).Distinct().ToList();
            var found = group.Key switch
            {
                RecordKind.Contact => await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer).Where(c => ids.Contains(c.Id))
                    .Select(c => new { c.Id, Name = c.FirstName + " " + c.LastName }).ToListAsync(cancellationToken),
                RecordKind.Account => await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => ids.Contains(a.Id))
                    .Select(a => new { a.Id, Name = a.Name }).ToListAsync(cancellationToken),
                RecordKind.Lead => await RecordAccess.Visible(db.Leads.AsNoTracking(), viewer).Where(l => ids.Contains(l.Id))
                    .Select(l => new { l.Id, Name = l.Company }).ToListAsync(cancellationToken),
                _ => [],
            };
            foreach (var record in found)
            {
                names[(group.Key, record.Id.ToString(CultureInfo.InvariantCulture))] = record.Name.Trim();
            }
        }

        // A candidate deleted (or no longer visible) since the scan is not offered: nothing to bind to.
        return rows.GroupBy(r => (r.EmailId, r.RecordKind, r.Value))
            .Select(g => new AmbiguityFlag(g.Key.EmailId, g.Key.RecordKind, g.Key.Value, g
                .Where(r => names.ContainsKey((r.RecordKind, r.RecordId)))
                .Select(r => new AmbiguityCandidate(r.RecordKind, r.RecordId, names[(r.RecordKind, r.RecordId)], Href(r.RecordKind, r.RecordId)))
                .ToList()))
            .Where(f => f.Candidates.Count > 0)
            .OrderBy(f => f.EmailId).ThenBy(f => f.Kind).ThenBy(f => f.Value, StringComparer.Ordinal)
            .ToList();
    }

    private static string? Href(RecordKind kind, string id) => kind switch
    {
        RecordKind.Contact => $"contacts/{id}",
        RecordKind.Account => $"accounts/{id}",
        RecordKind.Lead => $"leads/{id}",
        _ => null,
    };

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}

using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Binding;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Records.PastEmails;

/// <summary>
/// Link past e-mails on a record's page: binds the signed-in user's already stored mail (their own mailboxes only) to a
/// contact, account or lead they may see, by its addresses — and an account's domain where the binding rules allow it.
/// The user and what they may see come from the authentication state; the page names only the record.
/// </summary>
public sealed class PastEmailService(IDbContextFactory<AppDbContext> dbFactory, RecordAccess access, PastEmailJobs jobs, TimeProvider time)
{
    /// <summary>A record created this recently offers linking by itself when stored mail matches.</summary>
    public static readonly TimeSpan OfferWindow = TimeSpan.FromMinutes(10);

    /// <summary>What the record matches by, or null when it has no address (or the user may not see it).</summary>
    public async Task<PastEmailTarget?> TargetAsync(RecordKind kind, int recordId, CancellationToken cancellationToken = default)
    {
        if (RecordAccess.ModuleOf(kind) is not { } module || kind is RecordKind.Ticket)
        {
            return null;
        }

        var viewer = await access.DemandAsync(module);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        string? domain = null;
        switch (kind)
        {
            case RecordKind.Contact:
                var contact = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer).Where(c => c.Id == recordId)
                    .Select(c => new { c.EmailNormalised, c.SecondaryEmailNormalised }).SingleOrDefaultAsync(cancellationToken);
                if (contact is null)
                {
                    return null;
                }

                Add(addresses, contact.EmailNormalised, contact.SecondaryEmailNormalised);
                break;
            case RecordKind.Lead:
                var lead = await RecordAccess.Visible(db.Leads.AsNoTracking(), viewer).Where(l => l.Id == recordId)
                    .Select(l => new { l.EmailNormalised }).SingleOrDefaultAsync(cancellationToken);
                if (lead is null)
                {
                    return null;
                }

                Add(addresses, lead.EmailNormalised);
                break;
            case RecordKind.Account:
                var account = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => a.Id == recordId)
                    .Select(a => new { a.EmailNormalised, a.Domain }).SingleOrDefaultAsync(cancellationToken);
                if (account is null)
                {
                    return null;
                }

                Add(addresses, account.EmailNormalised);
                if (account.Domain is { Length: > 0 } website && !(await RulesAsync(db, cancellationToken)).Excludes(website))
                {
                    domain = website;
                }

                break;
        }

        return addresses.Count == 0 && domain is null ? null : new PastEmailTarget(viewer.UserId, kind, recordId, addresses, domain);
    }

    /// <summary>The run for this record of the signed-in user, if one was started (running or ended).</summary>
    public async Task<PastEmailJob?> CurrentAsync(RecordKind kind, int recordId) =>
        jobs.Find((await access.GetViewerAsync()).UserId, kind, recordId);

    /// <summary>Starts linking in the background (or returns the run already going); null when the record has no address.</summary>
    public async Task<PastEmailJob?> StartAsync(RecordKind kind, int recordId, CancellationToken cancellationToken = default) =>
        await TargetAsync(kind, recordId, cancellationToken) is { } target ? jobs.Start(target) : null;

    /// <summary>
    /// For a record created in the last minutes: how many stored e-mails match and are not linked yet (0 otherwise),
    /// so its page can offer to link them.
    /// </summary>
    public async Task<int> OfferAsync(RecordKind kind, int recordId, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        if (time.GetUtcNow() - createdAt > OfferWindow || await TargetAsync(kind, recordId, cancellationToken) is not { } target
            || jobs.Find(target.UserId, kind, recordId) is not null)
        {
            return 0;
        }

        var count = 0;
        await PastEmailMatcher.WalkAsync(dbFactory, target, (matching, _) =>
        {
            count += matching.Count;
            return Task.CompletedTask;
        }, cancellationToken);
        return count;
    }

    private static void Add(HashSet<string> addresses, params string?[] values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                addresses.Add(value);
            }
        }
    }

    /// <summary>The same domain rules the scanner applies (free-mail and our domains never bind by domain).</summary>
    private static async Task<DomainBindingRules> RulesAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var settings = await db.BindingRuleSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == BindingRuleSettings.SingletonId, cancellationToken);
        if (settings is { OurDomains.Count: > 0 })
        {
            return new DomainBindingRules(settings.FreeMailDomains, settings.OurDomains);
        }

        var logins = await db.Mailboxes.AsNoTracking().Select(m => new { Login = m.Login == "" ? m.OAuthAccount : m.Login, m.ProvenLogin }).ToListAsync(cancellationToken);
        return new DomainBindingRules(
            settings is null ? DomainBindingRules.DefaultFreeMailDomains : settings.FreeMailDomains,
            DomainBindingRules.DomainsOf(logins.SelectMany(l => ProvenAddresses.Of(null, l.Login, l.ProvenLogin))));
    }
}

using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Records;

/// <summary>Who is looking at records: a user id and whether they are an administrator.</summary>
public sealed record Viewer(string UserId, bool IsAdministrator)
{
    /// <summary>The viewer of an HTTP request, or null for an anonymous one.</summary>
    public static Viewer? From(ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id ? new Viewer(id, principal.IsInRole(Roles.Administrator)) : null;
}

/// <summary>A page or service of a module that an administrator has switched off was used.</summary>
public sealed class ModuleDisabledException(CrmModule module)
    : InvalidOperationException(string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.PrivacyStrings.ModuleDisabled, ModuleNames.Name(module)))
{
    public CrmModule Module { get; } = module;
}

/// <summary>
/// The one place that decides who sees what. A user sees the records they own; administrators see everything.
/// An e-mail is visible to its owner, to the owner of the mailbox it came from, and to anyone who can see a record it is
/// linked to (a link to a user counts for that user). Every record page, service and endpoint filters through here.
/// </summary>
public sealed class RecordAccess(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, ModuleService modules)
{
    /// <summary>The signed-in user as a viewer; throws when nobody is signed in.</summary>
    public async Task<Viewer> GetViewerAsync() => new(await currentUser.GetRequiredIdAsync(), await currentUser.IsAdministratorAsync());

    /// <summary>Refuses use of a disabled module: hiding it in the menu is not enough.</summary>
    public void DemandModule(CrmModule module)
    {
        if (!modules.IsEnabled(module))
        {
            throw new ModuleDisabledException(module);
        }
    }

    /// <summary>The module check and the viewer in one call, as every service operation starts.</summary>
    public async Task<Viewer> DemandAsync(CrmModule module)
    {
        DemandModule(module);
        return await GetViewerAsync();
    }

    public bool IsEnabled(CrmModule module) => modules.IsEnabled(module);

    /// <summary>The module a kind of record belongs to; users belong to none.</summary>
    public static CrmModule? ModuleOf(RecordKind kind) => kind switch
    {
        RecordKind.Contact => CrmModule.Contacts,
        RecordKind.Account => CrmModule.Accounts,
        RecordKind.Lead => CrmModule.Leads,
        RecordKind.Ticket => CrmModule.Tickets,
        _ => null,
    };

    /// <summary>Owned records the viewer may see.</summary>
    public static IQueryable<T> Visible<T>(IQueryable<T> records, Viewer viewer) where T : class, IOwnedRecord =>
        viewer.IsAdministrator ? records : records.Where(r => r.OwnerId == viewer.UserId);

    /// <summary>E-mails the viewer may see, as a query to refine.</summary>
    public static IQueryable<Email> VisibleEmails(AppDbContext db, Viewer viewer)
    {
        if (viewer.IsAdministrator)
        {
            return db.Emails;
        }

        var userId = viewer.UserId;
        var contacts = db.Contacts.Where(c => c.OwnerId == userId).Select(c => c.Id.ToString());
        var accounts = db.Accounts.Where(a => a.OwnerId == userId).Select(a => a.Id.ToString());
        var leads = db.Leads.Where(l => l.OwnerId == userId).Select(l => l.Id.ToString());
        var tickets = db.Tickets.Where(t => t.OwnerId == userId).Select(t => t.Id.ToString());
        return db.Emails.Where(e =>
            e.OwnerId == userId
            || (e.MailboxId != null && e.Mailbox!.OwnerId == userId)
            || e.Links.Any(l =>
                (l.RecordKind == RecordKind.User && l.RecordId == userId)
                || (l.RecordKind == RecordKind.Contact && contacts.Contains(l.RecordId))
                || (l.RecordKind == RecordKind.Account && accounts.Contains(l.RecordId))
                || (l.RecordKind == RecordKind.Lead && leads.Contains(l.RecordId))
                || (l.RecordKind == RecordKind.Ticket && tickets.Contains(l.RecordId))));
    }

    /// <summary>Whether the viewer may see the record of this kind and id (false when it does not exist).</summary>
    public async Task<bool> CanSeeAsync(Viewer viewer, RecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        if (kind == RecordKind.User)
        {
            await using var users = await dbFactory.CreateDbContextAsync(cancellationToken);
            return (viewer.IsAdministrator || viewer.UserId == id) && await users.Users.AnyAsync(u => u.Id == id, cancellationToken);
        }

        if (!int.TryParse(id, out var key))
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return kind switch
        {
            RecordKind.Contact => await Visible(db.Contacts, viewer).AnyAsync(r => r.Id == key, cancellationToken),
            RecordKind.Account => await Visible(db.Accounts, viewer).AnyAsync(r => r.Id == key, cancellationToken),
            RecordKind.Lead => await Visible(db.Leads, viewer).AnyAsync(r => r.Id == key, cancellationToken),
            RecordKind.Ticket => await Visible(db.Tickets, viewer).AnyAsync(r => r.Id == key, cancellationToken),
            _ => false,
        };
    }

    /// <summary>Whether the viewer may see the e-mail (false when it does not exist).</summary>
    public async Task<bool> CanSeeEmailAsync(Viewer viewer, int emailId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await VisibleEmails(db, viewer).AnyAsync(e => e.Id == emailId, cancellationToken);
    }

    /// <summary>Changing and deleting a record is for its owner and administrators — the same people who see it.</summary>
    public static bool CanChange(Viewer viewer, IOwnedRecord record) => viewer.IsAdministrator || record.OwnerId == viewer.UserId;

    /// <summary>
    /// Deleting an e-mail is for its owner, the owner of its mailbox and administrators; someone who sees it only through
    /// a linked record may unlink it from their record but not delete it for everyone.
    /// </summary>
    public static bool CanDeleteEmail(Viewer viewer, string ownerId, string? mailboxOwnerId) =>
        viewer.IsAdministrator || ownerId == viewer.UserId || mailboxOwnerId == viewer.UserId;
}

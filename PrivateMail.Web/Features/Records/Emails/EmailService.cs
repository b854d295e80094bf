using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>E-mails for the signed-in user: only those they may see (see <see cref="RecordAccess"/>), only while the module is enabled.</summary>
public sealed class EmailService(
    IDbContextFactory<AppDbContext> dbFactory,
    RecordAccess access,
    AttachmentStore files,
    EmailHtmlSanitizer sanitizer,
    Microsoft.Extensions.Options.IOptions<EmailStorageOptions> storage,
    TimeProvider time,
    ILogger<EmailService> logger)
{
    /// <summary>HTML up to this size sanitises in milliseconds: no thread-pool hop or time cap needed.</summary>
    private const int InlineSanitiseChars = 64 * 1024;

    public async Task<GridResult<EmailRow>> ListAsync(GridRequest request, MailType? type = null, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Emails);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = SearchText.Apply(RecordAccess.VisibleEmails(db, viewer).AsNoTracking(), request.Search);
        if (type is { } t)
        {
            query = query.Where(e => e.Type == t);
        }

        var total = await query.CountAsync(cancellationToken);
        var ordered = request.SortBy switch
        {
            nameof(EmailRow.Subject) => query.OrderText(e => e.Subject, request.Descending),
            nameof(EmailRow.From) => query.Order(e => e.FromNormalised, request.Descending),
            nameof(EmailRow.Type) => query.Order(e => e.Type, request.Descending),
            nameof(EmailRow.Date) => query.Order(e => e.Date, request.Descending),
            _ => query.OrderByDescending(e => e.Date),
        };
        var page = await ordered.ThenByDescending(e => e.Id).Skip(request.Skip).Take(request.Take)
            .Select(e => new { e.Id, e.Subject, e.From, e.To, e.Date, e.DateOffsetMinutes, e.Type, Attachments = e.Attachments.Count(a => !a.IsInline) })
            .ToListAsync(cancellationToken);
        return new GridResult<EmailRow>(
            page.Select(e => new EmailRow(e.Id, e.Subject, e.From, e.To, e.Date.ToOffset(TimeSpan.FromMinutes(e.DateOffsetMinutes)), e.Type, e.Attachments)).ToList(),
            total);
    }

    public async Task<EmailDetails?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Emails);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var e = await RecordAccess.VisibleEmails(db, viewer).AsNoTracking()
            .Where(e => e.Id == id)
            .Select(e => new
            {
                Email = e,
                MailboxName = e.Mailbox != null ? e.Mailbox.Name : null,
                MailboxOwnerId = e.Mailbox != null ? e.Mailbox.OwnerId : null,
                OwnerFirst = e.Owner!.FirstName, OwnerLast = e.Owner.LastName, e.Owner.UserName,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (e is null)
        {
            return null;
        }

        var attachments = await db.EmailAttachments.AsNoTracking().Where(a => a.EmailId == id).OrderBy(a => a.Id)
            .Select(a => new EmailAttachmentInfo(a.Id, a.FileName, a.ContentType, a.Size, a.IsInline, a.ContentId))
            .ToListAsync(cancellationToken);
        var links = await db.EmailLinks.AsNoTracking().Where(l => l.EmailId == id).Select(l => new { l.RecordKind, l.RecordId }).ToListAsync(cancellationToken);
        var visible = await DescribeAsync(db, viewer, links.Select(l => (l.RecordKind, l.RecordId)).ToList(), cancellationToken);
        var m = e.Email;
        return new EmailDetails(
            m.Id, m.Subject, m.From, m.To, m.Cc, m.Bcc, m.ReplyTo, m.Date.ToOffset(TimeSpan.FromMinutes(m.DateOffsetMinutes)),
            m.MessageId, m.InReplyTo, m.References, m.Type, e.MailboxName, m.Folder, m.Uid, m.UidValidity,
            await SafeHtmlAsync(m.Id, m.HtmlBody), m.TextBody, m.RawHeaders, OwnerDirectory.DisplayName(e.OwnerFirst, e.OwnerLast, e.UserName),
            attachments, visible, links.Count - visible.Count,
            RecordAccess.CanDeleteEmail(viewer, m.OwnerId, e.MailboxOwnerId));
    }

    /// <summary>
    /// The stored HTML made safe: the scanner stores HTML as received (sanitising every message at store time cost a
    /// fifth of its CPU, for mail mostly never opened), so this is the one place stored HTML leaves the database. A
    /// large body is sanitised on the thread pool under the time cap that used to apply when storing (beyond it the
    /// page shows the text); a typical one inline, without a thread hop.
    /// </summary>
    private async Task<string?> SafeHtmlAsync(int id, string? html)
    {
        if (html is null)
        {
            return null;
        }

        if (html.Length <= InlineSanitiseChars)
        {
            return sanitizer.SanitiseForStorage(html);
        }

        var limit = storage.Value.HtmlTimeLimit;
        try
        {
            return await Task.Run(() => sanitizer.SanitiseForStorage(html)).WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Sanitising the HTML of e-mail {EmailId} ({Length} characters) took longer than {Limit}; its text is shown.", id, html.Length, limit);
            return null;
        }
    }

    /// <summary>
    /// The e-mails linked to a record the viewer may see, oldest first for a ticket's conversation or newest first for
    /// other records; empty while the E-mails module is disabled.
    /// </summary>
    public async Task<IReadOnlyList<ConversationItem>> ForRecordAsync(RecordKind kind, int recordId, bool oldestFirst, CancellationToken cancellationToken = default)
    {
        if (!access.IsEnabled(CrmModule.Emails))
        {
            return [];
        }

        var viewer = await access.GetViewerAsync();
        var id = recordId.ToString(CultureInfo.InvariantCulture);
        // Whoever sees the record sees its mail (the visibility rule), so the check is on the record.
        if (!await access.CanSeeAsync(viewer, kind, id, cancellationToken))
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Emails.AsNoTracking().Where(e => e.Links.Any(l => l.RecordKind == kind && l.RecordId == id));
        query = oldestFirst ? query.OrderBy(e => e.Date).ThenBy(e => e.Id) : query.OrderByDescending(e => e.Date).ThenByDescending(e => e.Id);
        var rows = await query.Take(500)
            .Select(e => new { e.Id, e.Subject, e.From, e.To, e.Date, e.DateOffsetMinutes, e.Type, e.Preview, Attachments = e.Attachments.Count(a => !a.IsInline) })
            .ToListAsync(cancellationToken);
        return rows.Select(e => new ConversationItem(e.Id, e.Subject, e.From, e.To, e.Date.ToOffset(TimeSpan.FromMinutes(e.DateOffsetMinutes)), e.Type, e.Preview, e.Attachments)).ToList();
    }

    /// <summary>Deletes an e-mail with its attachments and links; the attachment files go when no other mail uses them.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Emails);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var email = await RecordAccess.VisibleEmails(db, viewer)
            .Where(e => e.Id == id)
            .Select(e => new { e.OwnerId, MailboxOwnerId = e.Mailbox != null ? e.Mailbox.OwnerId : null })
            .SingleOrDefaultAsync(cancellationToken);
        if (email is null || !RecordAccess.CanDeleteEmail(viewer, email.OwnerId, email.MailboxOwnerId))
        {
            return false;
        }

        // One write transaction (SQLite BEGIN IMMEDIATE: the write lock from the start) for the delete, the reference
        // check and withdrawing the files: a scan sharing one of these files saves it under the same lock, so it either
        // committed before (the file is still used and stays) or saves it again after (the file is gone and is rewritten).
        List<(string Hash, string Path)> withdrawn = [];
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var hashes = await db.EmailAttachments.Where(a => a.EmailId == id).Select(a => a.ContentHash).Distinct().ToListAsync(cancellationToken);
            await db.Emails.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken);
            var stillUsed = await db.EmailAttachments.Where(a => hashes.Contains(a.ContentHash)).Select(a => a.ContentHash).Distinct().ToListAsync(cancellationToken);
            foreach (var hash in hashes.Except(stillUsed))
            {
                if (files.Withdraw(hash) is { } path)
                {
                    withdrawn.Add((hash, path));
                }
            }

            try
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
            catch
            {
                withdrawn.ForEach(w => files.Restore(w.Hash, w.Path));
                throw;
            }
        }

        withdrawn.ForEach(w => AttachmentStore.Discard(w.Path));

        logger.LogInformation("E-mail {EmailId} deleted by {UserId}.", id, viewer.UserId);
        return true;
    }

    /// <summary>Links the e-mail to a record; both must be visible to the viewer. Returns an error message, or null.</summary>
    public async Task<string?> LinkAsync(int emailId, RecordKind kind, string recordId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Emails);
        if (RecordAccess.ModuleOf(kind) is { } module && !access.IsEnabled(module))
        {
            return RecordStrings.RecordGone;
        }

        if (!await access.CanSeeEmailAsync(viewer, emailId, cancellationToken) || !await access.CanSeeAsync(viewer, kind, recordId, cancellationToken))
        {
            return RecordStrings.RecordGone;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.EmailLinks.AnyAsync(l => l.EmailId == emailId && l.RecordKind == kind && l.RecordId == recordId, cancellationToken))
        {
            db.EmailLinks.Add(new EmailLink { EmailId = emailId, RecordKind = kind, RecordId = recordId, LinkedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }

        return null;
    }

    /// <summary>Removes a link the viewer can see both ends of.</summary>
    public async Task<bool> UnlinkAsync(int emailId, RecordKind kind, string recordId, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Emails);
        if (!await access.CanSeeEmailAsync(viewer, emailId, cancellationToken) || !await access.CanSeeAsync(viewer, kind, recordId, cancellationToken))
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.EmailLinks.Where(l => l.EmailId == emailId && l.RecordKind == kind && l.RecordId == recordId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>Records of a kind the viewer may link to, matching the typed text.</summary>
    public async Task<IReadOnlyList<LinkTarget>> SearchLinkTargetsAsync(RecordKind kind, string? text, CancellationToken cancellationToken = default)
    {
        var viewer = await access.DemandAsync(CrmModule.Emails);
        if (RecordAccess.ModuleOf(kind) is { } module && !access.IsEnabled(module))
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        switch (kind)
        {
            case RecordKind.Contact:
                var contacts = await SearchText.Apply(RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer), text).OrderBy(c => c.LastName).Take(20)
                    .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email }).ToListAsync(cancellationToken);
                return contacts.Select(c => new LinkTarget(Key(c.Id), Contacts.ContactService.Label(c.FirstName, c.LastName, c.Email))).ToList();
            case RecordKind.Account:
                var accounts = await SearchText.Apply(RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer), text).OrderBy(a => a.Name).Take(20)
                    .Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
                return accounts.Select(a => new LinkTarget(Key(a.Id), a.Name)).ToList();
            case RecordKind.Lead:
                var leads = await SearchText.Apply(RecordAccess.Visible(db.Leads.AsNoTracking(), viewer), text).OrderBy(l => l.Company).Take(20)
                    .Select(l => new { l.Id, l.Company, l.FirstName, l.LastName }).ToListAsync(cancellationToken);
                return leads.Select(l => new LinkTarget(Key(l.Id), $"{l.Company} – {l.FirstName} {l.LastName}".Trim(' ', '–'))).ToList();
            case RecordKind.Ticket:
                var tickets = await SearchText.Apply(RecordAccess.Visible(db.Tickets.AsNoTracking(), viewer), text).OrderByDescending(t => t.Sequence).Take(20)
                    .Select(t => new { t.Id, t.Number, t.Title }).ToListAsync(cancellationToken);
                return tickets.Select(t => new LinkTarget(Key(t.Id), $"{t.Number} {t.Title}")).ToList();
            case RecordKind.User:
                var users = await db.Users.AsNoTracking().Where(u => viewer.IsAdministrator || u.Id == viewer.UserId)
                    .Select(u => new { u.Id, u.FirstName, u.LastName, u.UserName }).ToListAsync(cancellationToken);
                return users.Select(u => new LinkTarget(u.Id, OwnerDirectory.DisplayName(u.FirstName, u.LastName, u.UserName)))
                    .Where(u => string.IsNullOrWhiteSpace(text) || u.Label.Contains(text.Trim(), StringComparison.CurrentCultureIgnoreCase))
                    .OrderBy(u => u.Label, StringComparer.CurrentCultureIgnoreCase).Take(20).ToList();
            default:
                return [];
        }
    }

    /// <summary>Names and addresses of the linked records the viewer may see; the rest stay anonymous.</summary>
    private static async Task<List<EmailLinkInfo>> DescribeAsync(AppDbContext db, Viewer viewer, IReadOnlyList<(RecordKind Kind, string Id)> links, CancellationToken cancellationToken)
    {
        var result = new List<EmailLinkInfo>();
        int[] Ids(RecordKind kind) => links.Where(l => l.Kind == kind).Select(l => int.TryParse(l.Id, out var n) ? n : 0).Where(n => n > 0).ToArray();

        var contactIds = Ids(RecordKind.Contact);
        if (contactIds.Length > 0)
        {
            var contacts = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer).Where(c => contactIds.Contains(c.Id))
                .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email }).ToListAsync(cancellationToken);
            result.AddRange(contacts.Select(c => new EmailLinkInfo(RecordKind.Contact, Key(c.Id), $"{c.FirstName} {c.LastName}".Trim(), $"contacts/{c.Id}")));
        }

        var accountIds = Ids(RecordKind.Account);
        if (accountIds.Length > 0)
        {
            var accounts = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer).Where(a => accountIds.Contains(a.Id))
                .Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);
            result.AddRange(accounts.Select(a => new EmailLinkInfo(RecordKind.Account, Key(a.Id), a.Name, $"accounts/{a.Id}")));
        }

        var leadIds = Ids(RecordKind.Lead);
        if (leadIds.Length > 0)
        {
            var leads = await RecordAccess.Visible(db.Leads.AsNoTracking(), viewer).Where(l => leadIds.Contains(l.Id))
                .Select(l => new { l.Id, l.Company, l.FirstName, l.LastName }).ToListAsync(cancellationToken);
            result.AddRange(leads.Select(l => new EmailLinkInfo(RecordKind.Lead, Key(l.Id), $"{l.Company} – {l.FirstName} {l.LastName}".Trim(' ', '–'), $"leads/{l.Id}")));
        }

        var ticketIds = Ids(RecordKind.Ticket);
        if (ticketIds.Length > 0)
        {
            var tickets = await RecordAccess.Visible(db.Tickets.AsNoTracking(), viewer).Where(t => ticketIds.Contains(t.Id))
                .Select(t => new { t.Id, t.Number, t.Title }).ToListAsync(cancellationToken);
            result.AddRange(tickets.Select(t => new EmailLinkInfo(RecordKind.Ticket, Key(t.Id), $"{t.Number} {t.Title}", $"tickets/{t.Id}")));
        }

        var userIds = links.Where(l => l.Kind == RecordKind.User && (viewer.IsAdministrator || l.Id == viewer.UserId)).Select(l => l.Id).ToArray();
        if (userIds.Length > 0)
        {
            var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.FirstName, u.LastName, u.UserName }).ToListAsync(cancellationToken);
            result.AddRange(users.Select(u => new EmailLinkInfo(RecordKind.User, u.Id, OwnerDirectory.DisplayName(u.FirstName, u.LastName, u.UserName), null)));
        }

        return result;
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}

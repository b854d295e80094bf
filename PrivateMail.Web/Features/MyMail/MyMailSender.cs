using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// Composes and sends through the signed-in user's own mailbox. The From address is always the mailbox's own; every
/// check that needs no server (addresses, header safety, attachment total, rate limit) runs before connecting; a failure
/// changes nothing. After a send: a copy in Sent (unless the server files one itself), the source message \Answered, the
/// saved draft removed, and the message stored as a Sent e-mail from the same MIME bytes — through the scanner's store
/// path and dedupe key, so the scanner finds it already stored later — linked to its recipients' records and its ticket.
/// </summary>
public sealed class MyMailSender(
    CurrentUser currentUser,
    MyMailAccounts accounts,
    IMailSender smtp,
    MailboxCredentials credentials,
    IDbContextFactory<AppDbContext> dbFactory,
    EmailStore emailStore,
    TicketStore ticketStore,
    RecordAccess access,
    RecordChangeNotifier notifier,
    SendRateLimiter rateLimiter,
    IOptions<MyMailOptions> options,
    TimeProvider time,
    ILogger<MyMailSender> logger) : IMyMailSender
{
    private const int MaxQuotedMessages = 10;

    public long MaxAttachmentBytes => options.Value.MaxAttachmentBytes;

    /// <summary>The folder holding every user's compose folder (swept by <see cref="ComposeFileSweeper"/>).</summary>
    internal static string ComposeRoot => Path.Combine(Path.GetTempPath(), "privatemail-compose");

    /// <summary>Where a user's uploads wait until sent or discarded: one folder per user, named by a hash of the id.</summary>
    internal static string ComposeDirectory(string userId) =>
        Path.Combine(ComposeRoot, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..24]);

    public async Task<MyMailResult<ComposeAttachment>> AddAttachmentAsync(string fileName, string contentType, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var userId = await currentUser.GetRequiredIdAsync();
        var directory = Directory.CreateDirectory(ComposeDirectory(userId)).FullName;
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N"));
        long size = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > MaxAttachmentBytes)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        if (size > MaxAttachmentBytes)
        {
            File.Delete(path);
            return MyMailAccounts.As<ComposeAttachment>(TooLarge(size));
        }

        return MyMailAccounts.Ok(new ComposeAttachment(SafeFileName.Clean(fileName), SafeFileName.ContentType(contentType), size, path));
    }

    public async Task<MyMailResult<ComposeDraft>> CreateDraftAsync(ComposeKind kind, string? folder = null, uint? uid = null, CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        if (kind == ComposeKind.New || folder is null || uid is null)
        {
            var (account, problem) = await accounts.ResolveAsync(userId, cancellationToken);
            return account is null ? MyMailAccounts.As<ComposeDraft>(problem!) : MyMailAccounts.Ok(new ComposeDraft { Body = WithSignature("", account.Owner.Signature) });
        }

        return await accounts.RunAsync(userId, async (account, session) =>
        {
            if (await session.ReadAsync(folder, uid.Value, markSeen: false, cancellationToken) is not { } source)
            {
                return MyMailAccounts.As<ComposeDraft>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
            }

            var own = account.SenderAddress;
            var draft = new ComposeDraft { Kind = kind, SourceFolder = folder, SourceUid = uid };
            var date = source.Date.ToString("f", CultureInfo.CurrentCulture);
            if (kind == ComposeKind.Forward)
            {
                draft.Subject = ReplySubject.Forward(source.Subject);
                var header = new StringBuilder()
                    .AppendLine(MyMailMessages.ForwardedHeader)
                    .AppendLine(MyMailAccounts.Format(MyMailMessages.ForwardedFrom, source.From))
                    .AppendLine(MyMailAccounts.Format(MyMailMessages.ForwardedDate, date))
                    .AppendLine(MyMailAccounts.Format(MyMailMessages.ForwardedSubject, source.Subject))
                    .AppendLine(MyMailAccounts.Format(MyMailMessages.ForwardedTo, source.To))
                    .AppendLine()
                    .Append(source.Text);
                draft.Body = WithSignature("", account.Owner.Signature) + "\n\n" + header;
                await CopyAttachmentsAsync(session, userId, folder, uid.Value, source.Attachments, draft, cancellationToken);
                return MyMailAccounts.Ok(draft);
            }

            var replyTo = source.ReplyToAddresses.Count > 0 ? source.ReplyToAddresses : ParseList(source.From);
            var to = replyTo.Select(Display).ToList();
            var cc = new List<string>();
            if (kind == ComposeKind.ReplyAll)
            {
                var seen = new HashSet<string>(replyTo.Select(a => a.Address), StringComparer.OrdinalIgnoreCase);
                if (own is not null)
                {
                    seen.Add(own);
                }

                foreach (var address in source.ToAddresses.Concat(source.CcAddresses))
                {
                    if (seen.Add(address.Address))
                    {
                        cc.Add(Display(address));
                    }
                }
            }

            draft.To = to;
            draft.Cc = cc;
            draft.Subject = ReplySubject.Reply(source.Subject);
            SetThread(draft, source.MessageId, source.References);
            draft.Body = WithSignature("", account.Owner.Signature) + "\n\n" + Quote(MyMailAccounts.Format(MyMailMessages.QuoteHeader, date, source.From), source.Text);
            return MyMailAccounts.Ok(draft);
        }, cancellationToken);
    }

    public async Task<MyMailResult<ComposeDraft>> OpenDraftAsync(string folder, uint uid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var userId = await currentUser.GetRequiredIdAsync();
        return await accounts.RunAsync(userId, async (_, session) =>
        {
            if (await session.ReadAsync(folder, uid, markSeen: false, cancellationToken) is not { } source)
            {
                return MyMailAccounts.As<ComposeDraft>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
            }

            var draft = new ComposeDraft
            {
                To = source.ToAddresses.Select(Display).ToList(),
                Cc = source.CcAddresses.Select(Display).ToList(),
                Bcc = source.BccAddresses.Select(Display).ToList(),
                Subject = source.Subject,
                Body = source.Text,
                InReplyTo = CleanId(source.InReplyTo),
                References = source.References.Select(CleanId).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
                DraftUid = uid,
                // The header is the mailbox's own data, yet anyone could have put it there: the ticket must still be the user's.
                TicketId = source.DraftTicketId is { } ticket && await MayAnswerTicketAsync(ticket, cancellationToken) ? ticket : null,
            };
            await CopyAttachmentsAsync(session, userId, folder, uid, source.Attachments, draft, cancellationToken);
            return MyMailAccounts.Ok(draft);
        }, cancellationToken);
    }

    /// <summary>Copies each part from IMAP into the user's compose folder and adds it to the draft (forward, a saved draft).</summary>
    private static async Task CopyAttachmentsAsync(IMailClientSession session, string userId, string folder, uint uid, IEnumerable<PartInfo> parts, ComposeDraft draft, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateDirectory(ComposeDirectory(userId)).FullName;
        foreach (var part in parts)
        {
            var path = Path.Combine(directory, Guid.NewGuid().ToString("N"));
            await using (var file = File.Create(path))
            {
                await session.CopyPartAsync(folder, uid, part, file, cancellationToken);
            }

            draft.Attachments.Add(new ComposeAttachment(SafeFileName.Clean(part.FileName), SafeFileName.ContentType(part.ContentType), new FileInfo(path).Length, path));
        }
    }

    /// <summary>Whether the signed-in user may reply to the ticket (the module on and the ticket visible to them).</summary>
    private async Task<bool> MayAnswerTicketAsync(int ticketId, CancellationToken cancellationToken)
    {
        var viewer = await access.GetViewerAsync();
        return access.IsEnabled(CrmModule.Tickets)
            && await access.CanSeeAsync(viewer, RecordKind.Ticket, ticketId.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    public async Task<MyMailResult<ComposeDraft>> CreateDraftToAsync(IReadOnlyList<string> to, string? subject = null, CancellationToken cancellationToken = default)
    {
        var (account, problem) = await accounts.ResolveAsync(await currentUser.GetRequiredIdAsync(), cancellationToken);
        if (account is null)
        {
            return MyMailAccounts.As<ComposeDraft>(problem!);
        }

        return MyMailAccounts.Ok(new ComposeDraft
        {
            To = to.Select(ReplySubject.SingleLine).Where(a => a.Length > 0).ToList(),
            Subject = ReplySubject.SingleLine(subject),
            Body = WithSignature("", account.Owner.Signature),
        });
    }

    public async Task<MyMailResult<ComposeDraft>> CreateTicketReplyAsync(int ticketId, CancellationToken cancellationToken = default)
    {
        var (account, problem) = await accounts.ResolveAsync(await currentUser.GetRequiredIdAsync(), cancellationToken);
        if (account is null)
        {
            return MyMailAccounts.As<ComposeDraft>(problem!);
        }

        var id = ticketId.ToString(CultureInfo.InvariantCulture);
        if (!await MayAnswerTicketAsync(ticketId, cancellationToken))
        {
            return MyMailAccounts.As<ComposeDraft>(MyMailAccounts.Fail(MyMailProblem.NotFound, MyMailMessages.TicketNotFound));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ticket = await db.Tickets.AsNoTracking().Include(t => t.Contact).SingleAsync(t => t.Id == ticketId, cancellationToken);
        var conversation = await db.Emails.AsNoTracking()
            .Where(e => e.Links.Any(l => l.RecordKind == RecordKind.Ticket && l.RecordId == id))
            .OrderByDescending(e => e.Date).ThenByDescending(e => e.Id)
            .Take(MaxQuotedMessages)
            .Select(e => new { e.From, e.FromNormalised, e.Date, e.DateOffsetMinutes, e.TextBody, e.MessageId, e.References, e.Type })
            .ToListAsync(cancellationToken);

        var to = new List<string>();
        if (ticket.Contact is { Email: { Length: > 0 } email } contact)
        {
            to.Add(Display((Name: $"{contact.FirstName} {contact.LastName}".Trim(), Address: email)));
        }
        else if (conversation.FirstOrDefault(e => e.Type == MailType.Received && e.From is not null) is { } last)
        {
            to.Add(last.From!);
        }

        var draft = new ComposeDraft
        {
            Kind = ComposeKind.Reply,
            To = to,
            TicketId = ticketId,
            Subject = (conversation.Count > 0 ? "Re: " : "") + $"[{ticket.Number}] {ReplySubject.StripPrefixes(ticket.Title)}",
        };
        if (conversation.FirstOrDefault(e => e.MessageId is not null) is { } latest)
        {
            SetThread(draft, latest.MessageId, latest.References.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        var body = new StringBuilder(WithSignature("", account.Owner.Signature));
        foreach (var item in conversation)
        {
            var date = item.Date.ToOffset(TimeSpan.FromMinutes(item.DateOffsetMinutes)).ToString("f", CultureInfo.CurrentCulture);
            body.Append("\n\n").Append(Quote(MyMailAccounts.Format(MyMailMessages.QuoteHeader, date, item.From ?? ""), item.TextBody));
        }

        draft.Body = body.ToString();
        return MyMailAccounts.Ok(draft);
    }

    public async Task<IReadOnlyList<AddressSuggestion>> SuggestAddressesAsync(string text, int max = 10, CancellationToken cancellationToken = default)
    {
        var term = (text ?? "").Trim();
        if (term.Length == 0)
        {
            return [];
        }

        max = Math.Clamp(max, 1, 50);
        var viewer = await access.GetViewerAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pattern = TextMatch.ContainsPattern(term);
        var result = new List<AddressSuggestion>();
        if (access.IsEnabled(CrmModule.Contacts))
        {
            var contacts = await RecordAccess.Visible(db.Contacts.AsNoTracking(), viewer)
                .Where(c => c.Email != null).Where(TextMatch.AnyLike<Contact>(db.Database, pattern, c => c.Email, c => c.FirstName + " " + c.LastName))
                .OrderBy(c => c.LastName).Take(max).Select(c => new { c.FirstName, c.LastName, c.Email }).ToListAsync(cancellationToken);
            result.AddRange(contacts.Select(c => new AddressSuggestion($"{c.FirstName} {c.LastName}".Trim(), c.Email!, RecordKind.Contact)));
        }

        if (access.IsEnabled(CrmModule.Accounts))
        {
            var found = await RecordAccess.Visible(db.Accounts.AsNoTracking(), viewer)
                .Where(a => a.Email != null).Where(TextMatch.AnyLike<Account>(db.Database, pattern, a => a.Email, a => a.Name))
                .OrderBy(a => a.Name).Take(max).Select(a => new { a.Name, a.Email }).ToListAsync(cancellationToken);
            result.AddRange(found.Select(a => new AddressSuggestion(a.Name, a.Email!, RecordKind.Account)));
        }

        if (access.IsEnabled(CrmModule.Leads))
        {
            var leads = await RecordAccess.Visible(db.Leads.AsNoTracking(), viewer)
                .Where(l => l.Email != null).Where(TextMatch.AnyLike<Lead>(db.Database, pattern, l => l.Email, l => l.FirstName + " " + l.LastName, l => l.Company))
                .OrderBy(l => l.LastName).Take(max).Select(l => new { l.FirstName, l.LastName, l.Email }).ToListAsync(cancellationToken);
            result.AddRange(leads.Select(l => new AddressSuggestion($"{l.FirstName} {l.LastName}".Trim(), l.Email!, RecordKind.Lead)));
        }

        var users = await db.Users.AsNoTracking()
            .Where(u => u.Email != null).Where(TextMatch.AnyLike<ApplicationUser>(db.Database, pattern, u => u.Email, u => u.FirstName + " " + u.LastName))
            .OrderBy(u => u.LastName).Take(max).Select(u => new { u.FirstName, u.LastName, u.Email }).ToListAsync(cancellationToken);
        result.AddRange(users.Select(u => new AddressSuggestion($"{u.FirstName} {u.LastName}".Trim(), u.Email!, RecordKind.User)));
        return result.DistinctBy(s => s.Address.ToLowerInvariant()).Take(max).ToList();
    }

    public async Task<MyMailResult<int>> SendAsync(ComposeDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var userId = await currentUser.GetRequiredIdAsync();
        var (account, problem) = await accounts.ResolveAsync(userId, cancellationToken);
        if (account is null)
        {
            return MyMailAccounts.As<int>(problem!);
        }

        // Everything that needs no server first: a refused message never opens a connection.
        var (outgoing, invalid) = Prepare(account, userId, draft, requireRecipients: true);
        if (outgoing is null)
        {
            return MyMailAccounts.As<int>(invalid!);
        }

        if (account.Smtp is not { } endpoint)
        {
            return MyMailAccounts.As<int>(MyMailAccounts.Fail(MyMailProblem.ConnectionFailed, MyMailMessages.NoSmtpServer));
        }

        if (!rateLimiter.TryAcquire(userId, out var slot))
        {
            return MyMailAccounts.As<int>(MyMailAccounts.Fail(MyMailProblem.RateLimited,
                MyMailAccounts.Format(MyMailMessages.RateLimited, options.Value.SendLimit, (int)Math.Round(options.Value.SendWindow.TotalMinutes))));
        }

        using var message = MailComposer.Compose(outgoing);
        var login = await credentials.GetAsync(account.Mailbox, cancellationToken);
        var sent = await smtp.SendAsync(endpoint, login, message, cancellationToken);
        if (!sent.Succeeded)
        {
            rateLimiter.Release(userId, slot);
            return MyMailAccounts.As<int>(sent.Refusal is { } refusal
                ? MyMailAccounts.Fail(MyMailProblem.Refused, MyMailAccounts.Format(MyMailMessages.Refused, refusal))
                : MyMailAccounts.FromConnection(sent.Connection, endpoint));
        }

        logger.LogInformation("My mail: user {UserId} sent message {MessageId} to {Count} recipients.", userId, message.MessageId,
            outgoing.To.Count + outgoing.Cc.Count + outgoing.Bcc.Count);

        // The server accepted the mailbox's login for sending: the address is proven the owner's (binding, Sent/Internal).
        await Mailboxes.ProvenLogins.RecordAsync(dbFactory, account.Mailbox.Id, login.Login, CancellationToken.None);

        // The message is out: nothing below may report the send as failed (the user would send it again).
        var (sentFolder, sentUid, warning) = await FileAfterSendingAsync(account, draft, message, cancellationToken);
        var emailId = await StoreSentAsync(account, draft, message, sentFolder, sentUid, cancellationToken);
        DeleteFiles(userId, draft);
        return new MyMailResult<int> { Value = emailId ?? 0, Message = warning };
    }

    public async Task<MyMailResult<uint>> SaveDraftAsync(ComposeDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var userId = await currentUser.GetRequiredIdAsync();
        var (account, problem) = await accounts.ResolveAsync(userId, cancellationToken);
        if (account is null)
        {
            return MyMailAccounts.As<uint>(problem!);
        }

        var (outgoing, invalid) = Prepare(account, userId, draft, requireRecipients: false);
        if (outgoing is null)
        {
            return MyMailAccounts.As<uint>(invalid!);
        }

        return await accounts.RunAsync(userId, async (_, session) =>
        {
            var drafts = await session.FindFolderAsync(FolderRole.Drafts, cancellationToken) ?? "Drafts";
            using var message = MailComposer.Compose(outgoing with { DraftTicketId = draft.TicketId });
            var uid = await session.AppendAsync(drafts, message, MailFlags.Draft | MailFlags.Seen, cancellationToken);
            if (draft.DraftUid is { } previous)
            {
                await session.ExpungeAsync(drafts, [previous], cancellationToken);
            }

            draft.DraftUid = uid;
            return MyMailAccounts.Ok(uid ?? 0);
        }, cancellationToken);
    }

    public async Task DiscardAsync(ComposeDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var userId = await currentUser.GetRequiredIdAsync();
        if (draft.DraftUid is { } uid)
        {
            await accounts.RunAsync(userId, async (_, session) =>
            {
                if (await session.FindFolderAsync(FolderRole.Drafts, cancellationToken) is { } drafts)
                {
                    await session.ExpungeAsync(drafts, [uid], cancellationToken);
                }

                return MyMailAccounts.Ok(true);
            }, cancellationToken);
            draft.DraftUid = null;
        }

        DeleteFiles(userId, draft);
    }

    /// <summary>
    /// Validates the draft into an <see cref="OutgoingMessage"/>: every address parsed (one error per field, naming the
    /// first bad entry), no line breaks in any header, From the mailbox's own address, attachments only from the user's
    /// compose folder and within the total.
    /// </summary>
    private (OutgoingMessage? Message, MyMailResult? Problem) Prepare(MyMailAccount account, string userId, ComposeDraft draft, bool requireRecipients)
    {
        var errors = new Dictionary<string, string>();
        var to = ParseField(nameof(ComposeDraft.To), draft.To, errors);
        var cc = ParseField(nameof(ComposeDraft.Cc), draft.Cc, errors);
        var bcc = ParseField(nameof(ComposeDraft.Bcc), draft.Bcc, errors);
        if (requireRecipients && errors.Count == 0 && to.Count + cc.Count + bcc.Count == 0)
        {
            errors[nameof(ComposeDraft.To)] = MyMailMessages.NoRecipients;
        }

        var directory = ComposeDirectory(userId) + Path.DirectorySeparatorChar;
        long total = 0;
        var attachments = new List<OutgoingAttachment>();
        foreach (var attachment in draft.Attachments)
        {
            var path = string.IsNullOrEmpty(attachment.TempFilePath) ? "" : Path.GetFullPath(attachment.TempFilePath);
            // Only files this user uploaded: a path from the page is never trusted to point anywhere else.
            if (!path.StartsWith(directory, StringComparison.Ordinal) || !File.Exists(path))
            {
                errors[nameof(ComposeDraft.Attachments)] = MyMailAccounts.Format(MyMailMessages.AttachmentMissing, attachment.FileName);
                continue;
            }

            total += new FileInfo(path).Length;
            attachments.Add(new OutgoingAttachment(attachment.FileName, attachment.ContentType, path));
        }

        if (total > MaxAttachmentBytes)
        {
            return (null, TooLarge(total));
        }

        if (errors.Count > 0)
        {
            return (null, MyMailAccounts.Fail(MyMailProblem.Invalid, Strings.FixErrors, errors));
        }

        if (account.SenderAddress is not { } from)
        {
            return (null, MyMailAccounts.Fail(MyMailProblem.Invalid, MyMailMessages.NoSenderAddress));
        }

        return (new OutgoingMessage
        {
            From = new MailAddress(ReplySubject.SingleLine(account.Owner.DisplayName), from),
            To = to,
            Cc = cc,
            Bcc = bcc,
            Subject = ReplySubject.SingleLine(draft.Subject),
            Text = draft.Body ?? "",
            InReplyTo = CleanId(draft.InReplyTo),
            References = draft.References.Select(CleanId).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            Attachments = attachments,
            Date = time.GetUtcNow(),
        }, null);
    }

    private MyMailResult TooLarge(long total) => MyMailAccounts.Fail(MyMailProblem.TooLarge,
        MyMailAccounts.Format(MyMailMessages.TooLarge, Size(total), Size(MaxAttachmentBytes)),
        new Dictionary<string, string> { [nameof(ComposeDraft.Attachments)] = MyMailAccounts.Format(MyMailMessages.TooLarge, Size(total), Size(MaxAttachmentBytes)) });

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / 1024d / 1024d).ToString("0.#", CultureInfo.CurrentCulture) + " MB"
        : Math.Ceiling(bytes / 1024d).ToString("0", CultureInfo.CurrentCulture) + " KB";

    /// <summary>Each entry must be one address, optionally with a name; a line break anywhere makes it invalid.</summary>
    internal static List<MailAddress> ParseField(string field, IEnumerable<string>? entries, Dictionary<string, string> errors)
    {
        var result = new List<MailAddress>();
        foreach (var raw in entries ?? [])
        {
            var entry = raw?.Trim() ?? "";
            if (entry.Length == 0)
            {
                continue;
            }

            if (entry.Any(char.IsControl) || !MailboxAddress.TryParse(ParserOptions.Default, entry, out var parsed)
                || EmailAddress.Parse(parsed.Address) is not { } address)
            {
                errors.TryAdd(field, MyMailAccounts.Format(MyMailMessages.InvalidAddress, ReplySubject.SingleLine(entry)));
                continue;
            }

            if (!result.Exists(a => string.Equals(a.Address, address.Address, StringComparison.OrdinalIgnoreCase)))
            {
                result.Add(new MailAddress(string.IsNullOrWhiteSpace(parsed.Name) ? null : ReplySubject.SingleLine(parsed.Name), address.Address));
            }
        }

        return result;
    }

    /// <summary>Appends to Sent (unless the server does), flags the source \Answered and removes the saved draft. A warning, never a failure.</summary>
    private async Task<(string? SentFolder, uint? SentUid, string? Warning)> FileAfterSendingAsync(MyMailAccount account, ComposeDraft draft, ComposedMessage message, CancellationToken cancellationToken)
    {
        string? sentFolder = null;
        uint? sentUid = null;
        var result = await accounts.RunAsync(account.OwnerId, async (_, session) =>
        {
            sentFolder = await session.FindFolderAsync(FolderRole.Sent, cancellationToken);
            if (!account.Server.ServerSavesSentMail)
            {
                sentFolder ??= "Sent";
                sentUid = await session.AppendAsync(sentFolder, message, MailFlags.Seen, CancellationToken.None);
            }

            if (draft.SourceFolder is { } folder && draft.SourceUid is { } source && draft.Kind != ComposeKind.Forward)
            {
                await session.SetFlagsAsync(folder, [source], add: true, MailFlags.Answered, CancellationToken.None);
            }

            if (draft.DraftUid is { } saved && await session.FindFolderAsync(FolderRole.Drafts, CancellationToken.None) is { } drafts)
            {
                await session.ExpungeAsync(drafts, [saved], CancellationToken.None);
                draft.DraftUid = null;
            }

            return MyMailAccounts.Ok(true);
        }, CancellationToken.None);
        if (!result.Succeeded)
        {
            logger.LogWarning("My mail: message {MessageId} was sent but filing it failed: {Problem}", message.MessageId, result.Problem);
            return (sentFolder, sentUid, MyMailAccounts.Format(MyMailMessages.SentCopyFailed, result.Message));
        }

        return (sentFolder, sentUid, null);
    }

    /// <summary>
    /// Stores the sent message as a Sent e-mail of the mailbox (the scanner's dedupe key, so its later scan of Sent adds
    /// nothing), linked as the scanner would bind it plus the ticket replied to, whose status then moves; one transaction.
    /// </summary>
    private async Task<int?> StoreSentAsync(MyMailAccount account, ComposeDraft draft, ComposedMessage message, string? sentFolder, uint? sentUid, CancellationToken cancellationToken)
    {
        try
        {
            var names = await ticketStore.GetStatusMappingAsync(CancellationToken.None);
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var snapshot = message.Snapshot;
            var lookup = await BatchRecordLookup.LoadAsync(db, [snapshot], names.Closing, account.OwnerId, CancellationToken.None);
            var global = await GlobalExceptionsService.LoadAsync(db, CancellationToken.None);
            var mailbox = account.Mailbox;
            var settings = Scanner.Stages.DecideStage.Settings(
                mailbox,
                ScannerActions.CreateEmail | ScannerActions.BindEmail,
                mailbox.SearchFields.Count > 0 ? mailbox.SearchFields : SearchFields.All.Select(f => f.Key).ToList());
            var decision = MailScanner.Decide(snapshot, settings, global, names, lookup);
            var links = decision.Skipped is null ? decision.Bindings.Select(b => (b.Kind, b.Id)).ToList() : [];
            if (decision.Skipped is null && decision.Ticket is { } named)
            {
                links.Add((RecordKind.Ticket, named.Id));
            }

            var ticketKey = draft.TicketId?.ToString(CultureInfo.InvariantCulture);
            if (ticketKey is not null)
            {
                links.Add((RecordKind.Ticket, ticketKey));
            }

            if (decision.Skipped is not null && ticketKey is null)
            {
                // A recipient on the exception lists: the message is sent but not kept in the CRM, as the scanner would do.
                return null;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var email = message.ToNewEmail(account.OwnerId, time.GetUtcNow()) with
            {
                Type = MailType.Sent,
                MailboxId = account.MailboxId,
                Folder = sentFolder,
                Uid = sentUid,
            };
            var stored = await emailStore.StoreAsync(db, email, CancellationToken.None);
            await emailStore.LinkAsync(db, stored.Id, links, CancellationToken.None);
            var changes = new List<RecordChange> { new(RecordChangeKind.Email, stored.Id.ToString(CultureInfo.InvariantCulture)) };
            changes.AddRange(links.Distinct().Select(l => new RecordChange(l.Kind, l.Id)));
            if (draft.TicketId is { } ticketId)
            {
                var ticketSettings = await db.TicketSettings.AsNoTracking().SingleAsync(CancellationToken.None);
                await ticketStore.SetStatusAsync(db, ticketId, ticketSettings.ReplySentStatusId ?? ticketSettings.AnswerFromStatusId, CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
            notifier.Publish(changes);
            return stored.Id;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Sent is sent: the scanner stores the Sent copy later; the user is not told the send failed.
            logger.LogError(ex, "My mail: message {MessageId} was sent but could not be stored.", message.MessageId);
            return null;
        }
    }

    /// <summary>The draft's temporary files, only inside the user's own compose folder.</summary>
    private void DeleteFiles(string userId, ComposeDraft draft)
    {
        var directory = ComposeDirectory(userId) + Path.DirectorySeparatorChar;
        foreach (var attachment in draft.Attachments)
        {
            var path = string.IsNullOrEmpty(attachment.TempFilePath) ? "" : Path.GetFullPath(attachment.TempFilePath);
            if (path.Length > 0 && path.StartsWith(directory, StringComparison.Ordinal))
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException ex)
                {
                    logger.LogWarning(ex, "My mail: a temporary attachment could not be deleted.");
                }
            }
        }
    }

    private static void SetThread(ComposeDraft draft, string? messageId, IEnumerable<string> references)
    {
        if (CleanId(messageId) is not { } id)
        {
            return;
        }

        draft.InReplyTo = id;
        draft.References = references.Select(CleanId).OfType<string>().Append(id).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A Message-ID without brackets or spaces (MimeKit writes the brackets), or null.</summary>
    private static string? CleanId(string? id)
    {
        var clean = ReplySubject.SingleLine(id).Trim('<', '>', ' ');
        return clean.Length == 0 || clean.Contains(' ', StringComparison.Ordinal) ? null : clean;
    }

    private static string WithSignature(string body, string? signature) =>
        string.IsNullOrWhiteSpace(signature) ? body : body + "\n\n-- \n" + signature.TrimEnd();

    private static string Quote(string header, string text)
    {
        var quoted = string.Join('\n', (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd().Split('\n').Select(l => l.StartsWith('>') ? ">" + l : "> " + l));
        return header + "\n" + quoted;
    }

    /// <summary>"Name &lt;address&gt;" as a user types it; the name quoted only when it holds characters that need it.</summary>
    internal static string Display((string? Name, string Address) address)
    {
        var name = ReplySubject.SingleLine(address.Name);
        return name.Length == 0 ? address.Address
            : name.IndexOfAny([',', ';', '<', '>', '"', '@', ':', '\\', '(', ')', '[', ']', '.']) >= 0
                ? $"\"{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\" <{address.Address}>"
                : $"{name} <{address.Address}>";
    }

    private static List<(string? Name, string Address)> ParseList(string text) =>
        InternetAddressList.TryParse(text, out var list)
            ? list.Mailboxes.Select(m => ((string?)(string.IsNullOrWhiteSpace(m.Name) ? null : m.Name), m.Address)).ToList()
            : [];
}

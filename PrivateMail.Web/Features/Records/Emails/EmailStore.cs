using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>An attachment to store; the stream is read once and not disposed here.</summary>
public sealed record NewAttachment(string FileName, string ContentType, Stream Content, string? ContentId = null, bool IsInline = false);

/// <summary>A message to store as an e-mail record (the scanner's Create e-mail, or demo data).</summary>
public sealed record NewEmail
{
    public required string OwnerId { get; init; }
    public string Subject { get; init; } = "";
    public EmailAddress? From { get; init; }
    public IReadOnlyList<EmailAddress> To { get; init; } = [];
    public IReadOnlyList<EmailAddress> Cc { get; init; } = [];
    public IReadOnlyList<EmailAddress> Bcc { get; init; } = [];
    public IReadOnlyList<EmailAddress> ReplyTo { get; init; } = [];
    /// <summary>The Date header with the sender's offset; both the moment and the offset are kept.</summary>
    public required DateTimeOffset Date { get; init; }
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public MailType Type { get; init; } = MailType.Received;
    public int? MailboxId { get; init; }
    public string? Folder { get; init; }
    public long? Uid { get; init; }
    public long? UidValidity { get; init; }
    /// <summary>The HTML body as received; sanitised before it is stored.</summary>
    public string? Html { get; init; }
    public string? Text { get; init; }
    public string RawHeaders { get; init; } = "";
    public IReadOnlyList<NewAttachment> Attachments { get; init; } = [];
    /// <summary>Overrides the computed key (the scanner passes its own); see <see cref="EmailStore.DedupeKey"/>.</summary>
    public string? DedupeKey { get; init; }
}

/// <summary>The stored e-mail's id, and whether this call stored it (false: it was there already).</summary>
public sealed record StoredEmail(int Id, bool Created);

/// <summary>
/// Stores e-mails and binds them to records, without a signed-in user: for the scanner and demo data. Storing is
/// idempotent per mailbox through the unique (mailbox, dedupe key) index, even when two scans race.
/// </summary>
public sealed class EmailStore(
    IDbContextFactory<AppDbContext> dbFactory,
    AttachmentStore files,
    EmailHtmlSanitizer sanitizer,
    TimeProvider time,
    ILogger<EmailStore> logger)
{
    public async Task<StoredEmail> StoreAsync(NewEmail email, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            return await StoreAsync(db, email, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteErrorCode: 19 })
        {
            // Another writer stored the same message a moment earlier: theirs stands.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await FindAsync(again, email.MailboxId, Key(email, Text(email)), cancellationToken) is { } raced)
            {
                return new StoredEmail(raced, false);
            }

            throw;
        }
    }

    /// <summary>
    /// Stores the e-mail through the caller's context, inside the caller's transaction when one is open (the scanner
    /// applies a batch in one transaction; its write lock makes find-then-insert atomic).
    /// </summary>
    public async Task<StoredEmail> StoreAsync(AppDbContext db, NewEmail email, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await StoreInTransactionAsync(db, email, cancellationToken);
        }

        // Attachment files are saved under the write lock only (see AttachmentStore): without the caller's transaction, in our own.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await StoreInTransactionAsync(db, email, cancellationToken);
        await transaction.CommitAsync(CancellationToken.None);
        return stored;
    }

    private async Task<StoredEmail> StoreInTransactionAsync(AppDbContext db, NewEmail email, CancellationToken cancellationToken)
    {
        var text = Text(email);
        var key = Key(email, text);
        if (await FindAsync(db, email.MailboxId, key, cancellationToken) is { } existing)
        {
            return new StoredEmail(existing, false);
        }

        var entity = new Email
        {
            Subject = email.Subject,
            From = Display(email.From),
            FromNormalised = email.From?.Normalised,
            To = Join(email.To),
            Cc = Join(email.Cc),
            Bcc = Join(email.Bcc),
            ReplyTo = Join(email.ReplyTo),
            Date = email.Date,
            DateOffsetMinutes = (int)email.Date.Offset.TotalMinutes,
            MessageId = MessageIdentity.NormaliseMessageId(email.MessageId),
            InReplyTo = MessageIdentity.NormaliseMessageId(email.InReplyTo),
            References = string.Join(' ', email.References.Select(MessageIdentity.NormaliseMessageId).OfType<string>()),
            Type = email.Type,
            MailboxId = email.MailboxId,
            Folder = email.Folder,
            Uid = email.Uid,
            UidValidity = email.UidValidity,
            HtmlBody = email.Html is null ? null : sanitizer.SanitiseForStorage(email.Html),
            TextBody = text,
            RawHeaders = email.RawHeaders,
            DedupeKey = key,
            OwnerId = email.OwnerId,
            CreatedAt = time.GetUtcNow(),
            SearchText = Records.SearchText.Build(email.Subject, Display(email.From), email.From?.Normalised, Join(email.To), Join(email.Cc)),
        };

        // Files first: a crash leaves at worst an unreferenced file, never a row without its content.
        foreach (var attachment in email.Attachments)
        {
            var (hash, size) = await files.SaveAsync(attachment.Content, cancellationToken);
            entity.Attachments.Add(new EmailAttachment
            {
                FileName = SafeFileName.Clean(attachment.FileName),
                ContentType = SafeFileName.ContentType(attachment.ContentType),
                Size = size,
                ContentId = attachment.ContentId?.Trim().Trim('<', '>'),
                IsInline = attachment.IsInline,
                ContentHash = hash,
            });
        }

        db.Emails.Add(entity);
        await db.SaveChangesAsync(cancellationToken);

        logger.LogDebug("E-mail {EmailId} stored for {OwnerId} ({Attachments} attachments).", entity.Id, email.OwnerId, entity.Attachments.Count);
        return new StoredEmail(entity.Id, true);
    }

    /// <summary>Binds the e-mail to records; links that exist already are left alone.</summary>
    public async Task LinkAsync(int emailId, IEnumerable<(RecordKind Kind, string Id)> records, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await LinkAsync(db, emailId, records, cancellationToken);
    }

    /// <summary>
    /// Binds the e-mail to records through the caller's context (and transaction), all links in one statement: the
    /// scanner binds a few records per message, and one command per link was a third of its database round trips.
    /// </summary>
    public async Task LinkAsync(AppDbContext db, int emailId, IEnumerable<(RecordKind Kind, string Id)> records, CancellationToken cancellationToken = default)
    {
        var distinct = records.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcTicks;
        var sql = new System.Text.StringBuilder("INSERT OR IGNORE INTO EmailLinks (EmailId, RecordKind, RecordId, LinkedAt) VALUES ");
        var parameters = new List<object> { emailId, now };
        for (var i = 0; i < distinct.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"({{0}}, {{{parameters.Count}}}, {{{parameters.Count + 1}}}, {{1}})");
            parameters.Add(distinct[i].Kind.ToString());
            parameters.Add(distinct[i].Id);
        }

        await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
    }

    private static string Text(NewEmail email) => email.Text ?? (email.Html is null ? "" : EmailHtmlSanitizer.ToPlainText(email.Html));

    private static string Key(NewEmail email, string text) =>
        email.DedupeKey ?? DedupeKey(email.MessageId, email.From, email.Date, email.Subject, [.. email.To, .. email.Cc, .. email.Bcc], text);

    /// <summary>The key that stores a message once per mailbox: the scanner's <see cref="MessageIdentity.DedupKey"/>.</summary>
    public static string DedupeKey(string? messageId, EmailAddress? from, DateTimeOffset date, string subject, IEnumerable<EmailAddress> recipients, string text) =>
        MessageIdentity.DedupKey(new MessageSnapshot
        {
            MessageId = MessageIdentity.NormaliseMessageId(messageId),
            From = from,
            Date = date,
            Subject = subject,
            To = recipients.ToList(),
            TextBody = text,
        });

    // Compiled once: the scanner asks once per message, and EF's per-call expression-tree lookup cost more than SQLite's.
    private static readonly Func<AppDbContext, int?, string, CancellationToken, Task<int?>> FindByKey = EF.CompileAsyncQuery(
        (AppDbContext db, int? mailboxId, string key, CancellationToken _) =>
            db.Emails.Where(e => e.MailboxId == mailboxId && e.DedupeKey == key).Select(e => (int?)e.Id).FirstOrDefault());

    private static Task<int?> FindAsync(AppDbContext db, int? mailboxId, string key, CancellationToken cancellationToken) =>
        FindByKey(db, mailboxId, key, cancellationToken);

    private static string Join(IEnumerable<EmailAddress> addresses) => string.Join(", ", addresses.Select(Display));

    /// <summary>An address as a header shows it; a display name with a comma is quoted so a list of them still reads right.</summary>
    private static string? Display(EmailAddress? address) =>
        address is null ? null
        : address.DisplayName is { } name && name.IndexOfAny([',', ';', '<', '>', '"']) >= 0 ? $"\"{name.Replace("\"", "\\\"", StringComparison.Ordinal)}\" <{address.Address}>"
        : address.ToString();
}

using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>
/// The stored e-mail's id, and whether this call stored it (false: the same message was there already). When a
/// different message with the same Message-ID was stored before, <see cref="ReusedMessageIdOf"/> names it.
/// </summary>
public sealed record StoredEmail(int Id, bool Created)
{
    public int? ReusedMessageIdOf { get; init; }
}

/// <summary>
/// An e-mail ready to be written: everything that costs CPU is done (HTML size-checked or set aside, text cut, preview,
/// content key, bodies encoded), so writing it inside a transaction is a few inserts. <see cref="HtmlBody"/> is the
/// message's HTML as received: it is sanitised when it is read (<see cref="EmailService.GetAsync"/>), never stored as the
/// safe copy. <see cref="StoredTextBody"/> and <see cref="StoredHtmlBody"/> are the bytes the row gets
/// (<see cref="CompressedText"/>), made here so the single writer binds small ready-made BLOBs.
/// </summary>
public sealed record PreparedEmail(NewEmail Source, string Key, string? MessageId, string TextBody, string Preview, string? HtmlBody, string SearchText, IReadOnlyList<(NewAttachment Attachment, string Hash)> Attachments)
{
    // A body and its bytes change together, also through `with`: the writer must never store a stale copy. The bytes
    // are made once — by PrepareAsync from the UTF-8 it encoded for the key anyway, or else on first use.
    private byte[]? _storedText;
    private byte[]? _storedHtml;

    public string TextBody
    {
        get;
        init
        {
            field = value;
            _storedText = null;
        }
    } = TextBody;

    public string? HtmlBody
    {
        get;
        init
        {
            field = value;
            _storedHtml = null;
        }
    } = HtmlBody;

    public byte[] StoredTextBody
    {
        get => _storedText ??= CompressedText.Encode(TextBody);
        internal init => _storedText = value;
    }

    public byte[]? StoredHtmlBody
    {
        get => HtmlBody is null ? null : _storedHtml ??= CompressedText.Encode(HtmlBody);
        internal init => _storedHtml = value;
    }

    /// <summary>Attachment contents written ahead to <c>incoming/</c> by content hash (<see cref="AttachmentStaging"/>): storing only renames them.</summary>
    internal IReadOnlyDictionary<string, string> Staged { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Stores e-mails and binds them to records, without a signed-in user: for the scanner, sent mail and demo data.
/// Storing is idempotent per mailbox through the unique (mailbox, dedupe key) index, even when two writers race. The
/// key is computed here and only here: the Message-ID plus a hash of the body parts (decoded text, HTML, attachment
/// contents — not headers), so the same message in two folders, or a Sent copy the server saved with extra headers,
/// is one e-mail, while a different message reusing a Message-ID is stored too.
/// </summary>
public sealed class EmailStore(
    IDbContextFactory<AppDbContext> dbFactory,
    AttachmentStore files,
    TimeProvider time,
    IOptions<EmailStorageOptions> options,
    ILogger<EmailStore> logger)
{
    public async Task<StoredEmail> StoreAsync(NewEmail email, CancellationToken cancellationToken = default)
    {
        var prepared = await PrepareAsync(email, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            return await StoreAsync(db, prepared, cancellationToken);
        }
        catch (System.Data.Common.DbException ex) when (SqlDialect.For(db.Database).IsConstraintViolation(ex))
        {
            // Another writer stored the same message a moment earlier: theirs stands.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await FindAsync(again, email.MailboxId, prepared.Key, null, cancellationToken) is { Same: { } raced })
            {
                return new StoredEmail(raced, false);
            }

            throw;
        }
    }

    /// <summary>Where a scan's <see cref="PrepareAsync"/> writes attachment contents ahead; dispose it when the scan's stages have ended.</summary>
    public AttachmentStaging StageAttachments() => new(files);

    /// <summary>Prepares and stores through the caller's context (and transaction).</summary>
    public async Task<StoredEmail> StoreAsync(AppDbContext db, NewEmail email, CancellationToken cancellationToken = default) =>
        await StoreAsync(db, await PrepareAsync(email, cancellationToken), cancellationToken);

    /// <summary>
    /// The CPU-bound half of storing, to run outside any transaction: keeps HTML over the size cap as an attachment (it is
    /// never parsed as HTML), cuts the text, builds the preview and the key, compresses the bodies. The HTML is not sanitised here: most stored
    /// mail is never opened, so it is sanitised when read (a fifth of the scan's CPU went to sanitising at store time).
    /// Attachment files get their content names only when the e-mail is stored as new (so mail that is skipped or a
    /// duplicate leaves no file behind); with <paramref name="staging"/> (the scanner) their contents are written ahead,
    /// here, and storing renames them.
    /// </summary>
    public async Task<PreparedEmail> PrepareAsync(NewEmail email, CancellationToken cancellationToken = default, AttachmentStaging? staging = null)
    {
        var settings = options.Value;
        var attachments = new List<NewAttachment>(email.Attachments.Count);
        foreach (var attachment in email.Attachments)
        {
            attachments.Add(await SeekableAsync(attachment, cancellationToken));
        }

        var html = email.Html;
        string? keptHtml = null;
        var fullText = email.Text;
        if (html is not null)
        {
            keptHtml = html.Length <= settings.MaxHtmlChars ? html : null;
            if (keptHtml is null)
            {
                // Not parsed as HTML at all: the original is an attachment, the e-mail shows text.
                attachments.Add(new NewAttachment("message.html", "text/html", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(html))));
                fullText ??= HtmlText.Rough(html, settings.MaxTextBodyChars);
            }
        }

        fullText ??= html is null ? "" : EmailHtmlSanitizer.ToPlainText(html);
        var hashes = attachments.Select(a => ContentHash(a.Content)).ToList();
        var staged = new Dictionary<string, string>(StringComparer.Ordinal);
        if (staging is not null)
        {
            for (var i = 0; i < attachments.Count; i++)
            {
                if (!staged.ContainsKey(hashes[i]) && staging.Stage(attachments[i].Content, hashes[i]) is { } path)
                {
                    staged[hashes[i]] = path;
                }
            }
        }

        var text = fullText.Length <= settings.MaxTextBodyChars
            ? fullText
            : fullText[..settings.MaxTextBodyChars] + "\n\n[…]";
        var preview = fullText.Length <= settings.PreviewChars ? fullText : fullText[..settings.PreviewChars].TrimEnd() + "…";

        // Each body is encoded to UTF-8 once: the key hashes those bytes, the stored copy compresses them.
        using var textUtf8 = Utf8.Of(text);
        using var htmlUtf8 = Utf8.Of(keptHtml);
        var key = Key(email, fullText, ReferenceEquals(text, fullText) ? textUtf8 : null, html, keptHtml is null ? null : htmlUtf8, hashes);
        var from = Display(email.From);
        var to = Join(email.To);
        var cc = Join(email.Cc);
        return new PreparedEmail(email, key, MessageIdentity.NormaliseMessageId(email.MessageId), text, preview, keptHtml,
            Records.SearchText.Build(email.Subject, from, email.From?.Normalised, to, cc), attachments.Zip(hashes).ToList())
        {
            StoredTextBody = CompressedText.Encode(textUtf8.Bytes),
            StoredHtmlBody = keptHtml is null ? null : CompressedText.Encode(htmlUtf8.Bytes),
            Staged = staged,
        };
    }

    /// <summary>A string's UTF-8 bytes in a pooled buffer, returned when disposed.</summary>
    private sealed class Utf8 : IDisposable
    {
        private readonly byte[] _buffer;
        private readonly int _length;

        private Utf8(string value)
        {
            _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(value.Length));
            _length = System.Text.Encoding.UTF8.GetBytes(value, _buffer);
        }

        public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

        public static Utf8 Of(string? value) => new(value ?? "");

        public void Dispose() => System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>
    /// Writes a prepared e-mail through the caller's context, inside the caller's transaction when one is open (the
    /// scanner writes a batch in one; its write lock makes find-then-insert atomic). Prepared statements, no change tracker.
    /// </summary>
    public async Task<StoredEmail> StoreAsync(AppDbContext db, PreparedEmail prepared, CancellationToken cancellationToken = default)
    {
        var email = prepared.Source;
        // Attachment files are saved under the database's write lock only (BEGIN IMMEDIATE; see AttachmentStore): a
        // deletion checking references cannot interleave with the file check below. The caller's transaction, or our own.
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var found = await FindAsync(db, email.MailboxId, prepared.Key, prepared.MessageId, cancellationToken);
            if (found.Same is { } existing)
            {
                return new StoredEmail(existing, false);
            }

            // Files first: a crash leaves at worst an unreferenced file, never a row without its content.
            var rows = new List<EmailAttachment>(prepared.Attachments.Count);
            foreach (var (attachment, knownHash) in prepared.Attachments)
            {
                attachment.Content.Position = 0;
                // Content-addressed: most attachments (logos, signatures) are on disk already; no need to write them again.
                // Written ahead (the scanner): a rename. Else, or when the file was deleted since the prepare found it: written now.
                var inPlace = prepared.Staged.TryGetValue(knownHash, out var staged) ? files.Adopt(staged, knownHash) : files.Exists(knownHash);
                var (hash, size) = inPlace ? (knownHash, attachment.Content.Length) : await files.SaveAsync(attachment.Content, cancellationToken);
                rows.Add(new EmailAttachment
                {
                    FileName = SafeFileName.Clean(attachment.FileName),
                    ContentType = SafeFileName.ContentType(attachment.ContentType),
                    Size = size,
                    ContentId = attachment.ContentId?.Trim().Trim('<', '>'),
                    IsInline = attachment.IsInline,
                    ContentHash = hash,
                });
            }

            var commands = Commands.For(db);
            var insert = commands.Insert;
            var p = insert.Parameters;
            p["@subject"].Value = email.Subject;
            p["@from"].Value = (object?)Display(email.From) ?? DBNull.Value;
            p["@fromNormalised"].Value = (object?)email.From?.Normalised ?? DBNull.Value;
            p["@to"].Value = Join(email.To);
            p["@cc"].Value = Join(email.Cc);
            p["@bcc"].Value = Join(email.Bcc);
            p["@replyTo"].Value = Join(email.ReplyTo);
            p["@date"].Value = commands.Dialect.Moment(email.Date);
            p["@offset"].Value = (int)email.Date.Offset.TotalMinutes;
            p["@messageId"].Value = (object?)prepared.MessageId ?? DBNull.Value;
            p["@inReplyTo"].Value = (object?)MessageIdentity.NormaliseMessageId(email.InReplyTo) ?? DBNull.Value;
            p["@references"].Value = string.Join(' ', email.References.Select(MessageIdentity.NormaliseMessageId).OfType<string>());
            p["@type"].Value = email.Type.ToString();
            p["@mailboxId"].Value = (object?)email.MailboxId ?? DBNull.Value;
            p["@folder"].Value = (object?)email.Folder ?? DBNull.Value;
            p["@uid"].Value = (object?)email.Uid ?? DBNull.Value;
            p["@uidValidity"].Value = (object?)email.UidValidity ?? DBNull.Value;
            p["@html"].Value = (object?)prepared.StoredHtmlBody ?? DBNull.Value;
            p["@text"].Value = prepared.StoredTextBody;
            p["@preview"].Value = prepared.Preview;
            p["@rawHeaders"].Value = email.RawHeaders;
            p["@key"].Value = prepared.Key;
            p["@ownerId"].Value = email.OwnerId;
            p["@createdAt"].Value = commands.Dialect.Moment(time.GetUtcNow());
            p["@searchText"].Value = prepared.SearchText;
            commands.Enlist(db);
            var id = Convert.ToInt32(await insert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var attachment in rows)
            {
                var a = commands.Attachment.Parameters;
                a["@emailId"].Value = id;
                a["@fileName"].Value = attachment.FileName;
                a["@contentType"].Value = attachment.ContentType;
                a["@size"].Value = attachment.Size;
                a["@contentId"].Value = (object?)attachment.ContentId ?? DBNull.Value;
                a["@isInline"].Value = attachment.IsInline;
                a["@hash"].Value = attachment.ContentHash;
                await commands.Attachment.ExecuteNonQueryAsync(cancellationToken);
            }

            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            logger.LogDebug("E-mail {EmailId} stored for {OwnerId} ({Attachments} attachments).", id, email.OwnerId, rows.Count);
            return new StoredEmail(id, true) { ReusedMessageIdOf = found.SameMessageId };
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    /// <summary>Binds the e-mail to records; links that exist already are left alone.</summary>
    public async Task LinkAsync(int emailId, IEnumerable<(RecordKind Kind, string Id)> records, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await LinkAsync(db, emailId, records, cancellationToken);
    }

    /// <summary>
    /// Binds the e-mail to records through the caller's context (and transaction), inside one transaction: the scanner
    /// binds a few records per message.
    /// </summary>
    public async Task LinkAsync(AppDbContext db, int emailId, IEnumerable<(RecordKind Kind, string Id)> records, CancellationToken cancellationToken = default)
    {
        var distinct = records.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        // A message's links in one prepared statement of as many rows (up to Commands.MaxLinkRows a statement): the same
        // few shapes for thousands of messages, no SQL built per message, one statement where there were two or three.
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var commands = Commands.For(db);
        commands.Enlist(db);
        var linkedAt = commands.Dialect.Moment(time.GetUtcNow());
        for (var start = 0; start < distinct.Count; start += Commands.MaxLinkRows)
        {
            var count = Math.Min(Commands.MaxLinkRows, distinct.Count - start);
            var link = commands.Links(count);
            var p = link.Parameters;
            p[0].Value = emailId;
            p[1].Value = linkedAt;
            for (var i = 0; i < count; i++)
            {
                var (kind, id) = distinct[start + i];
                p[2 + (2 * i)].Value = kind.ToString();
                p[3 + (2 * i)].Value = id;
            }

            await link.ExecuteNonQueryAsync(cancellationToken);
        }

        if (own is not null)
        {
            await own.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The key that stores a message once per mailbox: its Message-ID plus a hash of what it says (body parts, not
    /// headers); for mail without a Message-ID, sender, date, subject and recipients stand in for the ID.
    /// </summary>
    /// <param name="textUtf8">The text's UTF-8 bytes when the caller has them (null: encoded here).</param>
    /// <param name="htmlUtf8">The HTML's UTF-8 bytes when the caller has them.</param>
    private static string Key(NewEmail email, string text, Utf8? textUtf8, string? html, Utf8? htmlUtf8, IReadOnlyList<string> attachmentHashes)
    {
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendNormalised(content, text, textUtf8);
        content.AppendData([0]);
        AppendNormalised(content, html ?? "", htmlUtf8);
        foreach (var hash in attachmentHashes.Order(StringComparer.Ordinal))
        {
            content.AppendData([0]);
            content.AppendData(System.Text.Encoding.ASCII.GetBytes(hash));
        }

        var body = Convert.ToHexStringLower(content.GetHashAndReset());
        var id = MessageIdentity.NormaliseMessageId(email.MessageId);
        return id is not null
            ? "mid:" + id + "#" + body[..24]
            : MessageIdentity.DedupKey(new MessageSnapshot
            {
                From = email.From,
                Date = email.Date,
                Subject = email.Subject,
                To = [.. email.To, .. email.Cc, .. email.Bcc],
                TextBody = body,
            });
    }

    /// <summary>Line ends differ between a received copy and a saved one (CRLF vs LF); what the lines say does not.</summary>
    private static string NormaliseLines(string value) => value.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();

    /// <summary>
    /// Hashes the UTF-8 of <see cref="NormaliseLines"/>(<paramref name="value"/>). Without a CR LF that is the value with
    /// its trailing white space cut — a prefix of the bytes the caller encoded already (white space encodes alone).
    /// </summary>
    private static void AppendNormalised(IncrementalHash hash, string value, Utf8? utf8)
    {
        if (utf8 is null || value.Contains("\r\n", StringComparison.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(NormaliseLines(value)));
            return;
        }

        var kept = value.AsSpan().TrimEnd().Length;
        var bytes = utf8.Bytes;
        hash.AppendData(bytes[..(bytes.Length - System.Text.Encoding.UTF8.GetByteCount(value.AsSpan(kept)))]);
    }

    private static string ContentHash(Stream content)
    {
        var start = content.Position;
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        content.Position = start;
        return hash;
    }

    private static async Task<NewAttachment> SeekableAsync(NewAttachment attachment, CancellationToken cancellationToken)
    {
        if (attachment.Content.CanSeek)
        {
            return attachment;
        }

        var copy = new MemoryStream();
        await attachment.Content.CopyToAsync(copy, cancellationToken);
        copy.Position = 0;
        return attachment with { Content = copy };
    }

    /// <summary>
    /// The e-mail with this key — or with the key mail was stored under before keys included the body ("mid:" and the
    /// Message-ID alone), so a folder read again after the upgrade adds no copies — and else one with the same
    /// Message-ID (another message reusing it).
    /// </summary>
    private static async Task<(int? Same, int? SameMessageId)> FindAsync(AppDbContext db, int? mailboxId, string key, string? messageId, CancellationToken cancellationToken)
    {
        var commands = Commands.For(db);
        var find = commands.Find;
        find.Parameters["@mailboxId"].Value = (object?)mailboxId ?? DBNull.Value;
        find.Parameters["@key"].Value = key;
        find.Parameters["@messageId"].Value = (object?)messageId ?? DBNull.Value;
        commands.Enlist(db);
        int? same = null, sameId = null;
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(1) == key)
            {
                same = reader.GetInt32(0);
            }
            else
            {
                sameId ??= reader.GetInt32(0);
            }
        }

        return (same, sameId);
    }

    /// <summary>
    /// The store's prepared statements, per connection: the scanner writes thousands of e-mails through one connection,
    /// and preparing each statement once saves most of what EF's change tracker and command building cost.
    /// </summary>
    private sealed class Commands
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Data.Common.DbConnection, Commands> PerConnection = new();

        private Commands(System.Data.Common.DbConnection connection, SqlDialect dialect)
        {
            Dialect = dialect;
            Insert = Create(connection, """
                INSERT INTO "Emails" ("Subject", "From", "FromNormalised", "To", "Cc", "Bcc", "ReplyTo", "Date", "DateOffsetMinutes",
                    "MessageId", "InReplyTo", "References", "Type", "MailboxId", "Folder", "Uid", "UidValidity", "HtmlBody", "TextBody",
                    "Preview", "RawHeaders", "DedupeKey", "OwnerId", "CreatedAt", "SearchText")
                VALUES (@subject, @from, @fromNormalised, @to, @cc, @bcc, @replyTo, @date, @offset, @messageId, @inReplyTo, @references,
                    @type, @mailboxId, @folder, @uid, @uidValidity, @html, @text, @preview, @rawHeaders, @key, @ownerId, @createdAt, @searchText)
                RETURNING "Id";
                """);
            Attachment = Create(connection, """
                INSERT INTO "EmailAttachments" ("EmailId", "FileName", "ContentType", "Size", "ContentId", "IsInline", "ContentHash")
                VALUES (@emailId, @fileName, @contentType, @size, @contentId, @isInline, @hash);
                """);
            _connection = connection;
            Find = Create(connection, """
                SELECT "Id", @key FROM "Emails" WHERE "MailboxId" IS NOT DISTINCT FROM @mailboxId AND ("DedupeKey" = @key OR "DedupeKey" = 'mid:' || @messageId)
                UNION ALL
                SELECT "Id", "DedupeKey" FROM "Emails" WHERE @messageId IS NOT NULL AND "MessageId" = @messageId AND "MailboxId" IS NOT DISTINCT FROM @mailboxId
                    AND "DedupeKey" <> @key AND "DedupeKey" <> 'mid:' || @messageId;
                """);
        }

        /// <summary>The connection's engine, asked once (through EF's services it showed in the writer's profile).</summary>
        public SqlDialect Dialect { get; }

        public System.Data.Common.DbCommand Insert { get; }

        public System.Data.Common.DbCommand Attachment { get; }

        public System.Data.Common.DbCommand Find { get; }

        /// <summary>The most links one statement inserts (a message binds two or three records; more go in several).</summary>
        public const int MaxLinkRows = 4;

        private readonly System.Data.Common.DbConnection _connection;
        private readonly System.Data.Common.DbCommand?[] _links = new System.Data.Common.DbCommand?[MaxLinkRows];
        private System.Data.Common.DbTransaction? _transaction;

        /// <summary>
        /// The insert of <paramref name="count"/> links, made the first time it is asked for; parameters in order: e-mail,
        /// linked at, then kind and record id of each row. A link there already is left alone.
        /// </summary>
        public System.Data.Common.DbCommand Links(int count)
        {
            var command = _links[count - 1];
            if (command is null)
            {
                command = _connection.CreateCommand();
                var rows = string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@emailId, @kind{i}, @recordId{i}, @linkedAt)"));
                command.CommandText = $"""INSERT INTO "EmailLinks" ("EmailId", "RecordKind", "RecordId", "LinkedAt") VALUES {rows} ON CONFLICT DO NOTHING;""";
                command.AddWithValue("@emailId", null);
                command.AddWithValue("@linkedAt", null);
                for (var i = 0; i < count; i++)
                {
                    command.AddWithValue($"@kind{i}", null);
                    command.AddWithValue($"@recordId{i}", null);
                }

                _links[count - 1] = command;
            }

            command.Transaction = _transaction;
            return command;
        }

        public static Commands For(AppDbContext db)
        {
            var connection = db.Database.GetDbConnection();
            if (PerConnection.TryGetValue(connection, out var commands))
            {
                return commands;
            }

            commands = new Commands(connection, SqlDialect.For(db.Database));
            PerConnection.AddOrUpdate(connection, commands);
            return commands;
        }

        /// <summary>Joins the context's open transaction (or none), opening the connection when EF has not yet.</summary>
        public void Enlist(AppDbContext db)
        {
            if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            {
                db.Database.OpenConnection();
            }

            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            Insert.Transaction = transaction;
            Attachment.Transaction = transaction;
            Find.Transaction = transaction;
            _transaction = transaction;
        }

        private static System.Data.Common.DbCommand Create(System.Data.Common.DbConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(sql, "@[A-Za-z]+"))
            {
                if (!command.Parameters.Contains(match.Value))
                {
                    command.AddWithValue(match.Value, null);
                }
            }

            return command;
        }
    }

    private static string Join(IEnumerable<EmailAddress> addresses) => string.Join(", ", addresses.Select(Display));

    /// <summary>An address as a header shows it; a display name with a comma is quoted so a list of them still reads right.</summary>
    private static string? Display(EmailAddress? address) =>
        address is null ? null
        : address.DisplayName is { } name && name.IndexOfAny([',', ';', '<', '>', '"']) >= 0 ? $"\"{name.Replace("\"", "\\\"", StringComparison.Ordinal)}\" <{address.Address}>"
        : address.ToString();
}

using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Data;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// E-mail bodies on a real database (each engine): stored compressed by the store's prepared insert and by EF alike, read
/// back unchanged through EF, and bodies stored as text before the <c>CompressedBodies</c> migration still read.
/// </summary>
public abstract class CompressedBodiesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string PolishText = "Dzień dobry,\n\nzałączam fakturę za „Łódź — Gdańsk” (zażółć gęślą jaźń).\n\nPozdrawiam\nJan Kowalski";
    private const string PolishHtml = "<p>Dzień dobry,</p><p>załączam <b>fakturę</b> — Łódź</p><script>x()</script>";

    private readonly TestDatabase _database = new(provider);
    private AppServices? _app;
    private string _owner = "";

    private IServiceProvider Services => _app!.Services;

    private EmailStore Store => Services.GetRequiredService<EmailStore>();

    public async ValueTask InitializeAsync()
    {
        _app = await AppServices.StartAsync(_database);
        await using var db = await ContextAsync();
        var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@example.test", SecurityStamp = "x" };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        _owner = user.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _app!.DisposeAsync();
        _database.Dispose();
    }

    private Task<AppDbContext> ContextAsync() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private NewEmail Message(string? text, string? html, string messageId = "<body-1@firma.example>") => new()
    {
        OwnerId = _owner,
        Subject = "Faktura",
        Date = new DateTimeOffset(2026, 3, 4, 10, 15, 0, TimeSpan.FromHours(1)),
        MessageId = messageId,
        Text = text,
        Html = html,
    };

    [Fact]
    public async Task Polish_text_and_html_stored_by_the_scanners_insert_read_back_unchanged()
    {
        var stored = await Store.StoreAsync(Message(PolishText, PolishHtml));

        await using var db = await ContextAsync();
        var email = await db.Emails.AsNoTracking().SingleAsync(e => e.Id == stored.Id);
        Assert.Equal((PolishText, PolishHtml), (email.TextBody, email.HtmlBody));
        // Projections read through the converter too (MyMailSender quotes the text so).
        Assert.Equal(PolishText, await db.Emails.Where(e => e.Id == stored.Id).Select(e => e.TextBody).SingleAsync());
    }

    [Fact]
    public async Task An_empty_text_and_no_html_stay_empty_and_null()
    {
        var stored = await Store.StoreAsync(Message(text: "", html: null));

        await using var db = await ContextAsync();
        var email = await db.Emails.AsNoTracking().SingleAsync(e => e.Id == stored.Id);
        Assert.Equal("", email.TextBody);
        Assert.Null(email.HtmlBody);
        // NULL stays NULL in SQL, so filtering on whether there is HTML still works.
        Assert.Equal(0, await db.Emails.CountAsync(e => e.HtmlBody != null));
        var (rawText, rawHtml) = await RawBodiesAsync(db, stored.Id);
        Assert.Empty(rawText);
        Assert.Null(rawHtml);
    }

    [Fact]
    public async Task A_two_megabyte_body_round_trips()
    {
        var text = CompressedTextTests.Prose(2 * 1024 * 1024);

        var stored = await Store.StoreAsync(Message(text, "<p>" + CompressedTextTests.Prose(200_000, seed: 5) + "</p>"));

        await using var db = await ContextAsync();
        var email = await db.Emails.AsNoTracking().SingleAsync(e => e.Id == stored.Id);
        Assert.Equal(text, email.TextBody);
        Assert.Equal("<p>" + CompressedTextTests.Prose(200_000, seed: 5) + "</p>", email.HtmlBody);
    }

    [Fact]
    public async Task A_bench_like_body_takes_far_fewer_bytes_in_the_row()
    {
        var text = CompressedTextTests.Prose(11_300);
        var html = "<html><body><p>" + CompressedTextTests.Prose(22_000, seed: 9).Replace("\n\n", "</p><p>", StringComparison.Ordinal) + "</p></body></html>";

        var stored = await Store.StoreAsync(Message(text, html));

        await using var db = await ContextAsync();
        var (textBytes, htmlBytes) = await ScalarsAsync(db, """SELECT length("TextBody"), length("HtmlBody") FROM "Emails" WHERE "Id" = @id""", stored.Id);
        Assert.True(textBytes < Encoding.UTF8.GetByteCount(text) * 4 / 10, $"text: {textBytes} bytes stored for {Encoding.UTF8.GetByteCount(text)}");
        Assert.True(htmlBytes < Encoding.UTF8.GetByteCount(html) * 4 / 10, $"HTML: {htmlBytes} bytes stored for {Encoding.UTF8.GetByteCount(html)}");
        var (rawText, rawHtml) = await RawBodiesAsync(db, stored.Id);
        Assert.Equal((CompressedText.BrotliMarker, CompressedText.BrotliMarker), (rawText[0], rawHtml![0]));
    }

    [Fact]
    public async Task An_email_added_through_ef_is_stored_compressed_too()
    {
        var text = CompressedTextTests.Prose(8000);
        int id;
        await using (var db = await ContextAsync())
        {
            var email = new Email { OwnerId = _owner, Subject = "Sent", TextBody = text, HtmlBody = "<p>" + text + "</p>", DedupeKey = "k", Date = DateTimeOffset.UnixEpoch };
            db.Emails.Add(email);
            await db.SaveChangesAsync();
            id = email.Id;
        }

        await using var read = await ContextAsync();
        var (rawText, rawHtml) = await RawBodiesAsync(read, id);
        Assert.Equal(text, CompressedText.Decode(rawText));
        Assert.True(rawText.Length < Encoding.UTF8.GetByteCount(text) / 2);
        Assert.Equal(CompressedText.BrotliMarker, rawHtml![0]);
        Assert.Equal(text, (await read.Emails.AsNoTracking().SingleAsync(e => e.Id == id)).TextBody);
    }

    [Fact]
    public async Task Bodies_stored_as_text_before_the_migration_read_back_unchanged_after_it()
    {
        var longText = CompressedTextTests.Prose(20_000);
        await using var legacy = await LegacyRowsDatabase.BeforeAsync(provider, "CompressedBodies", CancellationToken.None);
        var old = new[] { (1, PolishText, (string?)PolishHtml), (2, longText, null), (3, "", null) };
        foreach (var (id, text, html) in old)
        {
            await legacy.ExecuteAsync("""
                INSERT INTO "Emails" ("Id", "Subject", "To", "Cc", "Bcc", "ReplyTo", "Date", "DateOffsetMinutes", "References", "Type", "HtmlBody",
                    "TextBody", "Preview", "RawHeaders", "DedupeKey", "OwnerId", "CreatedAt", "SearchText")
                VALUES (@id, 'Old', '', '', '', '', @date, 0, '', 'Received', @html, @text, '', '', @key, 'someone', @date, '')
                """, ("@id", id), ("@date", legacy.Moment(DateTimeOffset.UnixEpoch)), ("@html", html), ("@text", text), ("@key", "old-" + id));
        }

        if (provider == DatabaseProvider.Sqlite)
        {
            // What is stored really is text, or this test would prove nothing.
            Assert.Equal("text", await legacy.ScalarAsync("""SELECT typeof("TextBody") FROM "Emails" WHERE "Id" = 1"""));
        }

        await legacy.MigrateAsync(CancellationToken.None);

        var db = legacy.Db;
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(provider == DatabaseProvider.PostgreSql ? "bytea" : "BLOB", await legacy.ColumnTypeAsync("Emails", "TextBody"));
        var read = await db.Emails.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Id, e.TextBody, e.HtmlBody }).ToListAsync();
        Assert.Equal(old.Select(o => (o.Item1, o.Item2, o.Item3)), read.Select(r => (r.Id, r.TextBody, r.HtmlBody)));
        // Whole entities too (the e-mail page loads the entity).
        Assert.Equal(PolishHtml, (await db.Emails.AsNoTracking().SingleAsync(e => e.Id == 1)).HtmlBody);
    }

    private static async Task<(byte[] Text, byte[]? Html)> RawBodiesAsync(AppDbContext db, int id)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """SELECT "TextBody", "HtmlBody" FROM "Emails" WHERE "Id" = @id""";
        command.AddWithValue("@id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetFieldValue<byte[]>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1));
    }

    private static async Task<(long, long)> ScalarsAsync(AppDbContext db, string sql, int id)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.AddWithValue("@id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary><see cref="CompressedBodiesTests"/> on a SQLite file.</summary>
public sealed class SqliteCompressedBodiesTests() : CompressedBodiesTests(DatabaseProvider.Sqlite);

/// <summary><see cref="CompressedBodiesTests"/> on PostgreSQL.</summary>
public sealed class PostgreSqlCompressedBodiesTests() : CompressedBodiesTests(DatabaseProvider.PostgreSql);

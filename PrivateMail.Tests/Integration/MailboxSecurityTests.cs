using System.Reflection;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;

namespace PrivateMail.Tests.Integration;

/// <summary>Only the owner reads or changes a mailbox, enforced in the service; the password never rests or logs in plain text.</summary>
public sealed class MailboxSecurityTests : MailboxTestContext
{
    private const string Secret = "S3cret-Pa55word!";
    private readonly RecordingLoggerProvider _log = new();
    private string _olaId = "";
    private int _serverId;

    public override async ValueTask InitializeAsync()
    {
        Services.AddSingleton<ILoggerProvider>(_log);
        await base.InitializeAsync();
        _olaId = await CreateUserAsync("ola");
        _serverId = await AddServerAsync("Company mail", port: 1);
    }

    [Fact]
    public async Task Another_user_neither_sees_nor_changes_the_owners_mailbox()
    {
        var jans = await ValidModelAsync(_serverId, password: "jan-pw");
        jans.Name = "Jan's mailbox";
        jans.EmailExceptions = ["boss@example.com"];
        await SaveOrFailAsync(jans);
        var before = (await LoadMailboxAsync(JanId))!;

        SignIn("ola", _olaId);
        Assert.Null(await Mailboxes.GetAsync());
        var olas = await Mailboxes.CreateDefaultAsync();
        Assert.Equal("Mailbox – Ola Tester", olas.Name);
        Assert.Empty(olas.EmailExceptions);
        olas.MailServerId = _serverId;
        olas.Login = "ola";
        olas.Password = "ola-pw";
        olas.Name = "Ola's mailbox";
        await SaveOrFailAsync(olas);

        var all = await LoadAllMailboxesAsync();
        Assert.Equal(2, all.Count);
        var jansAfter = Assert.Single(all, m => m.OwnerId == JanId);
        var olasRow = Assert.Single(all, m => m.OwnerId == _olaId);
        Assert.Equal((before.Id, "Jan's mailbox", "jan", before.PasswordProtected, before.UpdatedAt),
            (jansAfter.Id, jansAfter.Name, jansAfter.Login, jansAfter.PasswordProtected, jansAfter.UpdatedAt));
        Assert.Equal(["boss@example.com"], jansAfter.EmailExceptions);
        Assert.Equal(("Ola's mailbox", "ola-pw"), (olasRow.Name, StoredPassword(olasRow)));
        Assert.Equal("Ola's mailbox", (await Mailboxes.GetAsync())!.Name);

        SignIn("jan", JanId);
        Assert.Equal("Jan's mailbox", (await Mailboxes.GetAsync())!.Name);
    }

    [Fact]
    public async Task Nobody_signed_in_gets_nothing()
    {
        SignIn("jan", JanId).SetNotAuthorized();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Mailboxes.GetAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Mailboxes.SaveAsync(new MailboxModel()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Mailboxes.TestConnectionAsync(new MailboxModel()));
        Assert.Empty(await LoadAllMailboxesAsync());
    }

    [Fact]
    public void No_public_member_of_the_service_can_name_a_user_or_a_mailbox()
    {
        var methods = typeof(MailboxService).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly);

        Assert.NotEmpty(methods);
        // A page can hand over the form and a cancellation token, nothing else: no id, no user, no entity.
        Assert.All(methods.SelectMany(m => m.GetParameters()), p =>
            Assert.True(p.ParameterType == typeof(MailboxModel) || p.ParameterType == typeof(CancellationToken),
                $"{p.Member.Name}({p.ParameterType.Name} {p.Name})"));
        Assert.Empty(typeof(MailboxService).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static));
        // And the form carries no owner: there is nothing on it that could point at someone else's row.
        Assert.DoesNotContain(typeof(MailboxModel).GetProperties(), p =>
            p.Name.Contains("Owner", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("User", StringComparison.OrdinalIgnoreCase)
            || p.Name == "Id" || p.Name == "MailboxId");
    }

    [Fact]
    public async Task The_saved_password_is_nowhere_in_the_database_files_nor_in_the_log()
    {
        var model = await ValidModelAsync(_serverId, password: Secret);
        model.Login = "plain-login-marker";
        await SaveOrFailAsync(model);
        // Exercise every path that handles the password: load, re-save with a blank box, test, load folders.
        var loaded = (await Mailboxes.GetAsync())!;
        loaded.Name = "Saved again";
        await SaveOrFailAsync(loaded);
        await Mailboxes.TestConnectionAsync(loaded);
        await Mailboxes.LoadFoldersAsync(loaded);
        loaded.Password = Secret;
        await Mailboxes.TestConnectionAsync(loaded);

        var files = new[] { DatabaseFile, DatabaseFile + "-wal" }.Where(File.Exists).ToList();
        Assert.Contains(DatabaseFile, files);
        var bytes = files.SelectMany(ReadShared).ToArray();
        // Control: the login is stored in plain text, so finding it proves the scan reads where the row lives.
        Assert.True(Contains(bytes, Encoding.UTF8.GetBytes("plain-login-marker")), "The scan did not find the mailbox row at all.");
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(Secret)), "Password found as UTF-8.");
        Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(Secret)), "Password found as UTF-16 LE.");
        Assert.False(Contains(bytes, Encoding.BigEndianUnicode.GetBytes(Secret)), "Password found as UTF-16 BE.");
        Assert.Equal(Secret, StoredPassword((await LoadMailboxAsync(JanId))!));

        Assert.NotEmpty(_log.Entries);
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task What_the_service_returns_never_carries_the_password()
    {
        await SaveOrFailAsync(await ValidModelAsync(_serverId, password: Secret));

        var loaded = (await Mailboxes.GetAsync())!;

        Assert.Equal("", loaded.Password);
        Assert.True(loaded.HasPassword);
        Assert.DoesNotContain(typeof(MailboxModel).GetProperties(), p => p.Name.Contains("Protected", StringComparison.Ordinal));
        Assert.All(typeof(MailboxModel).GetProperties().Where(p => p.PropertyType == typeof(string)),
            p => Assert.NotEqual(Secret, p.GetValue(loaded)));
        Assert.Equal(MailboxStatus.Active, loaded.StoredStatus);
    }

    /// <summary>The test's SQLite file (TestDatabase.FilePath), read from the connection the app itself uses.</summary>
    private string DatabaseFile
    {
        get
        {
            using var db = Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
            return new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

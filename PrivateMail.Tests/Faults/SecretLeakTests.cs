using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// In the whole running app, the mail server's OAuth client secret (set by an administrator through the service the
/// Mail servers page uses) and a mailbox password never appear in plain text: not in any page's source for the
/// administrator or the user, not in the log, not in the SQLite database, its WAL or its shared-memory file.
/// (Integration/MailboxSecurityTests covers the mailbox password in the service alone; this adds the server secret and
/// the hosted app's pages.)
/// </summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    private const string Password = "Test-password-1";
    private const string ClientSecret = "Cl13nt-S3cret-7f2e9d";
    private const string MailboxPassword = "Mb0x-P4ss-c81b77";
    private const string ClientIdMarker = "client-id-4b1e0c.apps.example";
    private readonly PrivateMailAppFactory _factory = new();
    private readonly RecordingLoggerProvider _log = new();

    public async ValueTask InitializeAsync()
    {
        await _factory.CreateUserAsync("root", Password, administrator: true);
        await _factory.CreateUserAsync("ula", Password, administrator: false);
        _factory.Services.GetRequiredService<ILoggerFactory>().AddProvider(_log);
        await _factory.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task The_server_client_secret_and_the_mailbox_password_are_in_no_page_no_log_line_and_no_database_file()
    {
        var ct = TestContext.Current.CancellationToken;
        int serverId;
        await using (var admin = await UserScope.StartAsync(_factory.Services, "root"))
        {
            var servers = admin.Get<MailServerService>();
            var saved = await servers.SaveAsync(new MailServerModel
            {
                Name = "Company OAuth", ImapHost = "127.0.0.1", ImapPort = 1, ImapSecurity = MailSecurity.None, ValidateCertificate = false,
                AuthMethod = MailAuthMethod.OAuth2, OAuthProvider = OAuthProvider.Generic, OAuthClientId = ClientIdMarker, OAuthClientSecret = ClientSecret,
                OAuthAuthorizeEndpoint = "https://login.example/authorize", OAuthTokenEndpoint = "https://login.example/token", OAuthScopes = "imap",
            }, ct);
            Assert.True(saved.Succeeded, string.Join("; ", saved.FieldErrors.Values) + saved.Error);
            serverId = saved.Id!.Value;

            // Every path that handles the secret: load (it must come back empty), save again with a blank box, test.
            var loaded = (await servers.GetAsync(serverId, ct))!;
            Assert.Equal(("", true), (loaded.OAuthClientSecret, loaded.HasClientSecret));
            loaded.Name = "Company OAuth (renamed)";
            Assert.True((await servers.SaveAsync(loaded, ct)).Succeeded);
            loaded.OAuthClientSecret = ClientSecret;
            await servers.TestConnectionAsync(loaded, "someone", MailboxPassword, ct);
            Assert.True((await servers.SaveAsync(loaded, ct)).Succeeded);

            // A password server next to it, for the user's mailbox.
            var plain = await servers.SaveAsync(new MailServerModel { Name = "Company IMAP", ImapHost = "127.0.0.1", ImapPort = 1, ImapSecurity = MailSecurity.None, ValidateCertificate = false }, ct);
            Assert.True(plain.Succeeded);
            await using var user = await UserScope.StartAsync(_factory.Services, "ula");
            var mailboxes = user.Get<MailboxService>();
            var model = await mailboxes.CreateDefaultAsync(ct);
            (model.MailServerId, model.Login, model.Password) = (plain.Id, "ula", MailboxPassword);
            var mailboxSaved = await mailboxes.SaveAsync(model, ct);
            Assert.True(mailboxSaved.Succeeded, string.Join("; ", mailboxSaved.FieldErrors.Values));
            await mailboxes.TestConnectionAsync((await mailboxes.GetAsync(ct))!, ct);
        }

        using (var root = await _factory.CreateSignedInClientAsync("root", Password))
        {
            foreach (var page in new[] { "/admin/mail-servers", $"/admin/mail-servers/{serverId}", "/admin/users", "/admin/scan-history" })
            {
                var html = await root.GetStringAsync(page, ct);
                AssertNoSecret(html, $"page {page} as the administrator");
                if (page.EndsWith(serverId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                {
                    Assert.Contains(ClientIdMarker, html); // Control: the form was rendered with the server's data.
                }
            }
        }

        using (var ula = await _factory.CreateSignedInClientAsync("ula", Password))
        {
            var html = await ula.GetStringAsync("/my-settings/mailbox", ct);
            Assert.Contains("id=\"tab-mailbox\"", html);
            AssertNoSecret(html, "the Mailbox tab as its owner");
        }

        var files = new[] { "privatemail.db", "privatemail.db-wal", "privatemail.db-shm" }
            .Select(f => Path.Combine(_factory.DataDirectory, f)).Where(File.Exists).ToList();
        var bytes = files.SelectMany(ReadShared).ToArray();
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(ClientIdMarker)) >= 0, "Control: the client id (stored in plain text) is not in the files read.");
        foreach (var secret in new[] { ClientSecret, MailboxPassword })
        {
            foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode, Encoding.BigEndianUnicode })
            {
                Assert.False(bytes.AsSpan().IndexOf(encoding.GetBytes(secret)) >= 0, $"{secret} in {string.Join(", ", files.Select(Path.GetFileName))} as {encoding.WebName}.");
            }
        }

        Assert.Contains(_log.Entries, e => e.Category.Contains("MailServerService", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains(ClientSecret, StringComparison.Ordinal) || e.Message.Contains(MailboxPassword, StringComparison.Ordinal));
    }

    private static void AssertNoSecret(string html, string where)
    {
        Assert.False(html.Contains(ClientSecret, StringComparison.Ordinal), $"Client secret in {where}.");
        Assert.False(html.Contains(MailboxPassword, StringComparison.Ordinal), $"Mailbox password in {where}.");
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

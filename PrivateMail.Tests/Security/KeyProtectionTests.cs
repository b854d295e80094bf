using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack: someone copies the data folder (a backup, a volume snapshot) and decrypts every mailbox password with the
/// Data Protection keys lying beside the database. With a key protection certificate configured the keys are encrypted
/// at rest; without one the app warns at every start.
/// </summary>
public sealed class KeyProtectionTests : IDisposable
{
    private const string Secret = "Mailbox-Pa55word!";
    private readonly string _outside = Directory.CreateTempSubdirectory("privatemail-cert-").FullName;

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    private static SecretProtector ProtectorOver(string keyDirectory, X509Certificate2? certificate)
    {
        var services = new ServiceCollection();
        var builder = services.AddDataProtection().SetApplicationName("PrivateMail").PersistKeysToFileSystem(new DirectoryInfo(keyDirectory));
        if (certificate is not null)
        {
            builder.UnprotectKeysWithAnyCertificate(certificate);
        }

        return new SecretProtector(services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>());
    }

    [Fact]
    public async Task A_copy_of_the_data_folder_without_the_certificate_decrypts_no_mailbox_password()
    {
        using var certificate = TestCertificates.SelfSigned("CN=PrivateMail keys");
        var certificatePath = Path.Combine(_outside, "keys.pfx");
        await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pkcs12, "cert-pw"));
        var log = new RecordingLoggerProvider();
        await using var app = new PrivateMailAppFactory { ConfigureTestServices = s => s.AddSingleton<ILoggerProvider>(log) };
        app.Settings["PrivateMail:DataProtection:CertificatePath"] = certificatePath;
        app.Settings["PrivateMail:DataProtection:CertificatePassword"] = "cert-pw";
        _ = app.BaseAddress;

        var stored = app.Services.GetRequiredService<SecretProtector>().Protect(Secret);
        Assert.Equal(Secret, app.Services.GetRequiredService<SecretProtector>().Unprotect(stored));

        // The key files hold no plain key material.
        var keys = Directory.GetFiles(Path.Combine(app.DataDirectory, "keys"), "*.xml");
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var xml = await File.ReadAllTextAsync(key);
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
        }

        // The thief's copy of the data folder: nothing decrypts. The certificate's owner can (the control).
        var copy = Directory.CreateDirectory(Path.Combine(_outside, "stolen-keys")).FullName;
        foreach (var key in keys)
        {
            File.Copy(key, Path.Combine(copy, Path.GetFileName(key)));
        }

        Assert.Null(ProtectorOver(copy, certificate: null).Unprotect(stored));
        Assert.Equal(Secret, ProtectorOver(copy, certificate).Unprotect(stored));
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("not encrypted at rest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unencrypted_keys_are_warned_about_at_start()
    {
        var log = new RecordingLoggerProvider();
        await using var app = new PrivateMailAppFactory { ConfigureTestServices = s => s.AddSingleton<ILoggerProvider>(log) };
        _ = app.BaseAddress;

        Assert.Contains(log.Entries, e => e.Message.Contains("not encrypted at rest", StringComparison.Ordinal)
            && e.Message.Contains("PrivateMail:DataProtection:CertificatePath", StringComparison.Ordinal));
    }
}

/// <summary>
/// Keys lost or replaced: a stored password no longer decrypts. The mailbox gets its own state instead of logging in with
/// an empty password on every schedule (which gets the account locked at the mail server); only typing the password again
/// clears it.
/// </summary>
public sealed class SecretUnreadableTests : MailboxTestContext
{
    [Fact]
    public async Task A_password_the_keys_no_longer_decrypt_stops_the_mailbox_without_a_login_attempt_until_it_is_typed_again()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverId = await AddServerAsync("Company mail", port: port);
        await SaveOrFailAsync(await ValidModelAsync(serverId, password: "pa55word"));
        int mailboxId;
        await using (var db = await CreateDbAsync())
        {
            var row = await db.Mailboxes.SingleAsync(m => m.OwnerId == JanId);
            mailboxId = row.Id;
            // What a password looks like after the key ring was lost: protected by keys this app no longer has.
            row.PasswordProtected = new SecretProtector(new EphemeralDataProtectionProvider()).Protect("pa55word");
            await db.SaveChangesAsync();
        }

        var run = await Services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, Xunit.TestContext.Current.CancellationToken);

        Assert.NotNull(run);
        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal(MailboxStatus.SecretUnreadable, stored.Status);
        Assert.StartsWith("The stored password can no longer be decrypted", stored.LastError, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "The scanner connected to the mail server with a password it could not read.");

        // The schedule leaves it alone (no run, no connection) ...
        var runs = await ScanRunCountAsync(mailboxId);
        await Services.GetRequiredService<ScheduledScan>().Invoke();
        Assert.Equal(runs, await ScanRunCountAsync(mailboxId));
        Assert.False(listener.Pending());

        // ... the owner sees why on the Mailbox tab, saving without a password changes nothing, typing it again makes it active.
        var tab = RenderMailboxTab();
        tab.WaitForAssertion(() => Assert.Equal("Secret unreadable — enter the password again", tab.Find("#mailbox-status").TextContent.Trim()));
        Assert.Contains("Enter the password again and save.", tab.Find("#mailbox-secret-unreadable").TextContent, StringComparison.Ordinal);
        var model = (await Mailboxes.GetAsync())!;
        Assert.Equal(MailboxStatus.SecretUnreadable, model.StoredStatus);
        model.Password = "";
        await SaveOrFailAsync(model);
        Assert.Equal(MailboxStatus.SecretUnreadable, (await LoadMailboxAsync(JanId))!.Status);
        model.Password = "pa55word";
        await SaveOrFailAsync(model);
        stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal((MailboxStatus.Active, (string?)null), (stored.Status, stored.LastError));
        Assert.Equal("pa55word", Services.GetRequiredService<SecretProtector>().Unprotect(stored.PasswordProtected));
    }

    private async Task<int> ScanRunCountAsync(int mailboxId)
    {
        await using var db = await CreateDbAsync();
        return await db.ScanRuns.CountAsync(r => r.MailboxId == mailboxId);
    }
}

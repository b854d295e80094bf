using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Integration;

[Collection(DovecotCollection.Name)]
public sealed class DovecotFixtureTests(DovecotFixture dovecot)
{
    [Theory]
    [InlineData(SecureSocketOptions.None)]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task Alice_lists_special_use_folders_and_reads_back_an_appended_message(SecureSocketOptions security)
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await dovecot.ConnectAsync(dovecot.Alice, security, ct);
        Assert.True(client.IsAuthenticated);
        Assert.Equal(security != SecureSocketOptions.None, client.IsSecure);

        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: ct);
        Assert.Contains(folders, f => f.FullName == "INBOX");
        Assert.Equal("Sent", Assert.Single(folders, f => f.Attributes.HasFlag(FolderAttributes.Sent)).FullName);

        var sent = NewMessage(dovecot.Alice, $"Theory {security}");
        var uid = await client.Inbox.AppendAsync(sent, MessageFlags.None, ct);
        Assert.NotNull(uid);

        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, ct);
        var fetched = await client.Inbox.GetMessageAsync(uid.Value, ct);
        Assert.Equal(sent.Subject, fetched.Subject);
        Assert.Equal(sent.MessageId, fetched.MessageId);
        Assert.Equal(sent.TextBody, fetched.TextBody);
        await client.DisconnectAsync(quit: true, ct);
    }

    [Fact]
    public async Task Wrong_passwords_are_rejected_and_do_not_lock_the_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var wrong = dovecot.Alice with { Password = "wrong" };

        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => dovecot.ConnectAsync(wrong, SecureSocketOptions.None, ct));
        }

        // Timing is not asserted (timings belong in the benchmark); with the fixture's settings a failure
        // takes ~0.5 s, with Dovecot's defaults 2-8 s for these two.
        using var client = await dovecot.ConnectAsync(dovecot.Alice, SecureSocketOptions.None, ct);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task Implicit_tls_with_default_validation_rejects_the_self_signed_certificate()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new ImapClient();

        await Assert.ThrowsAsync<SslHandshakeException>(() => client.ConnectAsync(dovecot.Host, dovecot.ImapsPort, SecureSocketOptions.SslOnConnect, ct));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public void Fixture_validation_trusts_only_its_own_certificate_for_the_right_host()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.True(dovecot.ValidateServerCertificate(this, dovecot.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(dovecot.ValidateServerCertificate(this, stranger, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(dovecot.ValidateServerCertificate(this, dovecot.Certificate, null,
            SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public async Task Mail_appended_for_alice_is_in_her_inbox_and_not_in_bobs()
    {
        var ct = TestContext.Current.CancellationToken;
        var message = NewMessage(dovecot.Alice, "For Alice only");
        await dovecot.AppendAsync(dovecot.Alice, "INBOX", message, ct);
        Assert.NotNull(message.MessageId);
        var byMessageId = SearchQuery.HeaderContains("Message-ID", message.MessageId);

        using var alice = await dovecot.ConnectAsync(dovecot.Alice, SecureSocketOptions.StartTls, ct);
        await alice.Inbox.OpenAsync(FolderAccess.ReadOnly, ct);
        Assert.Single(await alice.Inbox.SearchAsync(byMessageId, ct));
        using var bob = await dovecot.ConnectAsync(dovecot.Bob, SecureSocketOptions.StartTls, ct);
        await bob.Inbox.OpenAsync(FolderAccess.ReadOnly, ct);
        Assert.Empty(await bob.Inbox.SearchAsync(byMessageId, ct));
    }

    [Fact]
    public async Task A_private_instance_can_be_killed_and_restarted_on_the_same_ports_keeping_its_mail()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await DovecotFixture.StartAsync(ct);
        Assert.NotEqual(dovecot.ImapPort, server.ImapPort);
        var message = NewMessage(server.Alice, "Survives a restart");
        var uid = await server.AppendAsync(server.Alice, "Projects", message, ct);
        var (imapPort, imapsPort) = (server.ImapPort, server.ImapsPort);
        using var open = await server.ConnectAsync(server.Alice, SecureSocketOptions.None, ct);

        await server.StopAsync();

        Assert.False(server.IsRunning);
        Assert.False(File.Exists(Path.Combine(server.Directory, "run", "master.pid")));
        await Assert.ThrowsAnyAsync<Exception>(() => open.NoOpAsync(ct));
        Assert.False(open.IsConnected);
        await Assert.ThrowsAsync<SocketException>(() => server.ConnectAsync(server.Alice, SecureSocketOptions.None, ct));

        await server.RestartAsync(ct);

        Assert.Equal((imapPort, imapsPort), (server.ImapPort, server.ImapsPort));
        using var client = await server.ConnectAsync(server.Alice, SecureSocketOptions.SslOnConnect, ct);
        var projects = await client.GetFolderAsync("Projects", ct);
        await projects.OpenAsync(FolderAccess.ReadOnly, ct);
        var fetched = await projects.GetMessageAsync(uid, ct);
        Assert.Equal(message.MessageId, fetched.MessageId);
    }

    private static MimeMessage NewMessage(DovecotUser to, string subject)
    {
        var id = Guid.NewGuid().ToString("N");
        return new MimeMessage(
            [new MailboxAddress("Sender", "sender@example.test")],
            [to.Address],
            $"{subject} {id}",
            new TextPart("plain") { Text = $"Body {id}\r\nSecond line.\r\n" })
        {
            MessageId = $"{id}@privatemail.test",
        };
    }
}

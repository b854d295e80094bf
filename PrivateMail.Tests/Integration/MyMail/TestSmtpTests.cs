using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Tests.Integration.MyMail;

/// <summary>Mail servers → Test SMTP against the real Postfix: connect, TLS, AUTH with a test login, nothing sent.</summary>
[Collection(PostfixCollection.Name)]
public sealed class TestSmtpTests(PostfixFixture postfix) : IAsyncLifetime
{
    private MyMailHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await MyMailHarness.StartAsync(postfix, mailbox: false);

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private MailServerModel Model(int port, MailSecurity security, bool validate) => new()
    {
        Name = "Loopback",
        ImapHost = postfix.Dovecot.Host,
        ImapPort = postfix.Dovecot.ImapPort,
        ImapSecurity = MailSecurity.None,
        SmtpHost = postfix.Host,
        SmtpPort = port,
        SmtpSecurity = security,
        ValidateCertificate = validate,
    };

    [Fact]
    public async Task Test_smtp_signs_in_refuses_a_wrong_password_and_an_untrusted_certificate_with_precise_messages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var alice = await _h.AsAsync("alice");
        var servers = alice.Get<MailServerService>();

        var ok = await servers.TestSmtpAsync(Model(postfix.SmtpsPort, MailSecurity.SslTls, validate: false), "alice", "alicepw", ct);
        Assert.True(ok.Succeeded, ok.Message);
        Assert.True(ok.Connection!.Authenticated);
        Assert.Contains("AUTH", string.Join(' ', ok.Capabilities), StringComparison.OrdinalIgnoreCase);

        var wrong = await servers.TestSmtpAsync(Model(postfix.SmtpPort, MailSecurity.StartTls, validate: false), "alice", "wrong", ct);
        Assert.Equal(ConnectionFailure.AuthenticationFailed, wrong.Connection!.Failure);
        Assert.Equal(Strings.ConnectionFailedAuthentication, wrong.Message);

        var untrusted = await servers.TestSmtpAsync(Model(postfix.SmtpPort, MailSecurity.StartTls, validate: true), null, null, ct);
        Assert.Equal(ConnectionFailure.Tls, untrusted.Connection!.Failure);
        Assert.StartsWith(Strings.ConnectionFailedTls, untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("CN=localhost", untrusted.Message, StringComparison.Ordinal);

        var withoutHost = Model(postfix.SmtpPort, MailSecurity.StartTls, validate: false);
        withoutHost.SmtpHost = "";
        var noHost = await servers.TestSmtpAsync(withoutHost, null, null, ct);
        Assert.Null(noHost.Connection);
        Assert.True(noHost.FieldErrors.ContainsKey(nameof(MailServerModel.SmtpHost)));
    }
}

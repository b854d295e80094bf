using System.Net;
using System.Net.Sockets;
using Bunit;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>Test connection as an administrator uses it — through the service and the edit page — against the real Dovecot.</summary>
[Collection(DovecotCollection.Name)]
public sealed class MailServerConnectionTests(DovecotFixture dovecot) : MailServerTestContext
{
    /// <summary>Generous: a bound on waiting for the server, not a timing assertion.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private MailServerModel DovecotServer(MailSecurity security = MailSecurity.SslTls, bool validate = false) => new()
    {
        Name = "Dovecot",
        ImapHost = dovecot.Host,
        ImapPort = security == MailSecurity.SslTls ? dovecot.ImapsPort : dovecot.ImapPort,
        ImapSecurity = security,
        ValidateCertificate = validate,
    };

    [Theory]
    [InlineData(MailSecurity.None)]
    [InlineData(MailSecurity.StartTls)]
    [InlineData(MailSecurity.SslTls)]
    public async Task The_service_signs_in_as_alice_and_reports_the_capabilities(MailSecurity security)
    {
        var outcome = await Service.TestConnectionAsync(DovecotServer(security), dovecot.Alice.Login, dovecot.Alice.Password);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("Connected.", outcome.Message);
        Assert.True(outcome.Connection!.Authenticated);
        Assert.Contains("IMAP4rev1", outcome.Capabilities);
    }

    [Fact]
    public async Task The_test_uses_the_values_in_the_form_not_the_saved_ones_and_stores_nothing()
    {
        var saved = DovecotServer();
        saved.ImapPort = 1;
        var id = await SaveServerAsync(saved);
        var form = (await Service.GetAsync(id))!;
        form.ImapPort = dovecot.ImapsPort;

        var outcome = await Service.TestConnectionAsync(form, dovecot.Alice.Login, dovecot.Alice.Password);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(1, (await LoadServerAsync(id)).ImapPort);
    }

    [Fact]
    public async Task A_wrong_password_and_a_closed_port_come_back_as_precise_messages()
    {
        var wrong = await Service.TestConnectionAsync(DovecotServer(MailSecurity.None), dovecot.Alice.Login, "wrong");
        Assert.Equal(ConnectionFailure.AuthenticationFailed, wrong.Connection!.Failure);
        Assert.Equal("The server refused the login or password.", wrong.Message);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = DovecotServer(MailSecurity.None);
        server.ImapPort = closed;

        var refused = await Service.TestConnectionAsync(server, null, null);

        Assert.Equal(ConnectionFailure.ConnectionRefused, refused.Connection!.Failure);
        Assert.Equal($"127.0.0.1 refused the connection on port {closed}. Check the port and the security mode.", refused.Message);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_explained_in_polish_to_a_polish_administrator()
    {
        UseCulture("pl");

        var outcome = await Service.TestConnectionAsync(DovecotServer(MailSecurity.SslTls, validate: true), dovecot.Alice.Login, dovecot.Alice.Password);

        Assert.Equal(ConnectionFailure.Tls, outcome.Connection!.Failure);
        Assert.StartsWith("Bezpieczne połączenie nie powiodło się: certyfikat serwera nie jest zaufany. Certyfikat: CN=localhost", outcome.Message);
        Assert.Contains($"Problem: {outcome.Connection.CertificateProblem}.", outcome.Message);
    }

    [Fact]
    public async Task The_page_shows_the_capabilities_as_chips_after_a_successful_test()
    {
        var host = RenderEdit();
        host.Find("#server-imap-host").Input(dovecot.Host);
        host.Find("#server-imap-port").Input(dovecot.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        host.Find("#server-validate-certificate").Change(false);
        host.Find("#server-test-login").Input(dovecot.Alice.Login);
        host.Find("#server-test-password").Input(dovecot.Alice.Password);

        await host.Find("#server-test").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Equal("true", host.Find("#server-test-result").GetAttribute("data-succeeded")), Patience);
        var result = host.Find("#server-test-result");
        Assert.Contains("Connected.", result.TextContent);
        Assert.Contains("Signed in as alice.", result.TextContent);
        Assert.Contains("Server certificate (not verified): CN=localhost", result.TextContent);
        Assert.Contains(host.FindAll("#server-test-capabilities .mud-chip"), c => c.TextContent.Trim() == "IMAP4rev1");
        Assert.DoesNotContain(dovecot.Alice.Password, host.Find("#server-test-result").OuterHtml);
    }

    [Fact]
    public async Task The_page_shows_the_certificate_failure_and_clears_the_result_when_the_address_changes()
    {
        var host = RenderEdit();
        host.Find("#server-imap-host").Input(dovecot.Host);
        host.Find("#server-imap-port").Input(dovecot.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await host.Find("#server-test").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Equal("Tls", host.Find("#server-test-result").GetAttribute("data-failure")), Patience);
        Assert.Contains("the server's certificate is not trusted. Certificate: CN=localhost", host.Find("#server-test-result").TextContent);
        Assert.Contains("mud-alert-text-error", host.Find("#server-test-result").ClassName);

        // A result for other values would mislead: editing the address clears it.
        host.Find("#server-imap-port").Input("993");
        Assert.Empty(host.FindAll("#server-test-result"));
    }

    [Fact]
    public async Task An_administrators_test_logins_are_limited_like_a_users_so_the_form_cannot_guess_passwords()
    {
        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add((await Service.TestConnectionAsync(DovecotServer(MailSecurity.None), dovecot.Alice.Login, $"guess-{i}")).Message);
        }

        // The ten went to Dovecot and were refused there; the eleventh is refused before connecting, right password or not.
        Assert.All(answers, a => Assert.Equal("The server refused the login or password.", a));
        var refused = await Service.TestConnectionAsync(DovecotServer(MailSecurity.None), dovecot.Alice.Login, dovecot.Alice.Password);
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", refused.Message);
        Assert.Null(refused.Connection);
        Assert.False(refused.Succeeded);

        // The SMTP test counts against the same budget, and so does a test without a login (it still connects).
        var smtp = DovecotServer(MailSecurity.None);
        smtp.SmtpHost = dovecot.Host;
        smtp.SmtpPort = dovecot.ImapPort;
        Assert.Equal("Too many attempts. Wait a few minutes and try again.", (await Service.TestSmtpAsync(smtp, null, null)).Message);
        UseCulture("pl");
        Assert.Equal("Zbyt wiele prób. Odczekaj kilka minut i spróbuj ponownie.", (await Service.TestConnectionAsync(DovecotServer(MailSecurity.None), null, null)).Message);
    }
}

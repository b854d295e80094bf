using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>The connector against the real Dovecot and against sockets that misbehave on purpose.</summary>
[Collection(DovecotCollection.Name)]
public sealed class ImapConnectorTests(DovecotFixture dovecot)
{
    private static ImapConnector Connector(TimeSpan? timeout = null) =>
        new(Options.Create(new ImapOptions { Timeout = timeout ?? TimeSpan.FromSeconds(15) }), NullLogger<ImapConnector>.Instance);

    private ImapCredentials Alice => new(dovecot.Alice.Login, dovecot.Alice.Password);

    private int PortFor(MailSecurity security) => security == MailSecurity.SslTls ? dovecot.ImapsPort : dovecot.ImapPort;

    private static string Describe(ConnectionResult result, ImapEndpoint endpoint)
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("en");
        return ConnectionMessages.Describe(result, endpoint);
    }

    /// <summary>A loopback port nothing listens on: bound to learn a free one, then released.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Theory]
    [InlineData(MailSecurity.None)]
    [InlineData(MailSecurity.StartTls)]
    [InlineData(MailSecurity.SslTls)]
    public async Task Alice_signs_in_and_the_capabilities_are_listed_for_every_security_mode(MailSecurity security)
    {
        // The fixture's certificate is self-signed: validation off, as an administrator would set it for such a server.
        var endpoint = new ImapEndpoint(dovecot.Host, PortFor(security), security, ValidateCertificate: false);

        var result = await Connector().TestAsync(endpoint, Alice);

        Assert.True(result.Succeeded, result.Detail);
        Assert.Null(result.Failure);
        Assert.True(result.Authenticated);
        Assert.Contains("IMAP4rev1", result.Capabilities);
        Assert.Contains("Idle", result.Capabilities);
        if (security == MailSecurity.None)
        {
            Assert.Null(result.CertificateSubject);
        }
        else
        {
            Assert.Contains("CN=localhost", result.CertificateSubject);
        }

        Assert.Equal("Connected.", Describe(result, endpoint));
    }

    [Fact]
    public async Task Without_a_login_the_test_connects_and_lists_capabilities_but_does_not_sign_in()
    {
        var endpoint = new ImapEndpoint(dovecot.Host, dovecot.ImapPort, MailSecurity.None, ValidateCertificate: true);

        var result = await Connector().TestAsync(endpoint, credentials: null);

        Assert.True(result.Succeeded, result.Detail);
        Assert.False(result.Authenticated);
        // Before login Dovecot advertises how to log in, not what the mailbox can do.
        Assert.Contains("IMAP4rev1", result.Capabilities);
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_failure()
    {
        var endpoint = new ImapEndpoint(dovecot.Host, dovecot.ImapPort, MailSecurity.None, ValidateCertificate: true);

        var result = await Connector().TestAsync(endpoint, Alice with { Password = "wrong" });

        Assert.Equal(ConnectionFailure.AuthenticationFailed, result.Failure);
        Assert.False(result.Authenticated);
        Assert.Equal("The server refused the login or password.", Describe(result, endpoint));
    }

    [Fact]
    public async Task A_closed_port_is_a_refused_connection_named_with_host_and_port()
    {
        var port = ClosedPort();
        var endpoint = new ImapEndpoint("127.0.0.1", port, MailSecurity.None, ValidateCertificate: true);

        var result = await Connector().TestAsync(endpoint, Alice);

        Assert.Equal(ConnectionFailure.ConnectionRefused, result.Failure);
        Assert.Equal($"127.0.0.1 refused the connection on port {port}. Check the port and the security mode.", Describe(result, endpoint));
    }

    [Theory]
    [InlineData(MailSecurity.SslTls)]
    [InlineData(MailSecurity.StartTls)]
    public async Task A_self_signed_certificate_fails_with_its_subject_and_reason_when_validated_and_passes_when_not(MailSecurity security)
    {
        var validated = new ImapEndpoint(dovecot.Host, PortFor(security), security, ValidateCertificate: true);

        var refused = await Connector().TestAsync(validated, Alice);

        Assert.Equal(ConnectionFailure.Tls, refused.Failure);
        Assert.False(refused.Authenticated);
        Assert.Contains("CN=localhost", refused.CertificateSubject);
        Assert.False(string.IsNullOrWhiteSpace(refused.CertificateProblem));
        Assert.Equal(
            $"The secure connection failed: the server's certificate is not trusted. Certificate: {refused.CertificateSubject}. Problem: {refused.CertificateProblem}.",
            Describe(refused, validated));
        Assert.Contains("CN=localhost", Describe(refused, validated));

        var accepted = await Connector().TestAsync(validated with { ValidateCertificate = false }, Alice);

        Assert.True(accepted.Succeeded, accepted.Detail);
        Assert.True(accepted.Authenticated);
    }

    [Fact]
    public async Task Ssl_tls_chosen_for_the_plain_port_is_reported_as_a_port_or_mode_mistake_not_a_certificate_problem()
    {
        var endpoint = new ImapEndpoint(dovecot.Host, dovecot.ImapPort, MailSecurity.SslTls, ValidateCertificate: true);

        var result = await Connector().TestAsync(endpoint, Alice);

        Assert.True(result.Failure == ConnectionFailure.Protocol, $"{result.Failure}: {result.Detail}");
        Assert.Null(result.CertificateSubject);
        Assert.Equal("The server did not answer like an IMAP server. Check the port and the security mode.", Describe(result, endpoint));
    }

    [Fact]
    public async Task An_unknown_host_name_is_reported_as_not_found()
    {
        // ".invalid" never resolves (RFC 6761). A resolver that cannot be reached would time out instead of
        // answering NXDOMAIN; that is the one other honest outcome, so it is accepted too.
        var endpoint = new ImapEndpoint("no-such-host.invalid", 993, MailSecurity.SslTls, ValidateCertificate: true);

        var result = await Connector(TimeSpan.FromSeconds(5)).TestAsync(endpoint, Alice);

        Assert.Contains(result.Failure, new ConnectionFailure?[] { ConnectionFailure.HostNotFound, ConnectionFailure.Timeout });
        if (result.Failure == ConnectionFailure.HostNotFound)
        {
            Assert.Equal("The server name no-such-host.invalid could not be found. Check the host name.", Describe(result, endpoint));
        }
    }

    [Theory]
    [InlineData(MailSecurity.None)]
    [InlineData(MailSecurity.StartTls)]
    [InlineData(MailSecurity.SslTls)]
    public async Task A_server_that_accepts_but_never_answers_times_out(MailSecurity security)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // Accepts the connection and holds it open without a word.
        var accepted = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken).AsTask();
        var endpoint = new ImapEndpoint("127.0.0.1", port, security, ValidateCertificate: true);

        var result = await Connector(TimeSpan.FromSeconds(1)).TestAsync(endpoint, Alice);

        Assert.True(result.Failure == ConnectionFailure.Timeout, $"{result.Failure}: {result.Detail}");
        Assert.Equal("127.0.0.1 did not answer within the time limit. Check the host, the port and any firewall.", Describe(result, endpoint));
        (await accepted).Dispose();
    }
}

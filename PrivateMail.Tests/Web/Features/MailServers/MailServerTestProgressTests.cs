using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bunit;

namespace PrivateMail.Tests.Web.Features.MailServers;

/// <summary>Test connection against a server the test holds silent: the page shows progress and stays usable until it answers.</summary>
public sealed class MailServerTestProgressTests : MailServerTestContext
{
    [Fact]
    public async Task While_the_server_is_silent_the_button_shows_progress_and_the_form_stays_editable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync(Xunit.TestContext.Current.CancellationToken).AsTask();
        var host = RenderEdit();
        host.Find("#server-imap-host").Input("127.0.0.1");
        host.Find("#server-imap-port").Input(port.ToString(CultureInfo.InvariantCulture));

        // Not awaited: the handler waits for the server, which stays silent until this test hangs up.
        host.Find("#server-test").Click();

        host.WaitForAssertion(() => Assert.True(host.Find("#server-test").HasAttribute("disabled")));
        Assert.NotNull(host.Find("#server-test-progress"));
        Assert.Contains("Testing…", host.Find("#server-test").TextContent);
        host.Find("#server-name").Input("Typed during the test");
        Assert.Equal("Typed during the test", Value(host, "server-name"));
        Assert.Empty(host.FindAll("#server-test-result"));

        // Hanging up without a word: this port does not speak IMAP (nor TLS).
        (await accepted).Dispose();

        host.WaitForAssertion(() => Assert.Equal("Protocol", host.Find("#server-test-result").GetAttribute("data-failure")), TimeSpan.FromSeconds(30));
        Assert.Equal("The server did not answer like an IMAP server. Check the port and the security mode.", host.Find("#server-test-result").TextContent.Trim());
        Assert.False(host.Find("#server-test").HasAttribute("disabled"));
        Assert.Empty(host.FindAll("#server-test-progress"));
        Assert.Equal("Typed during the test", Value(host, "server-name"));
    }
}

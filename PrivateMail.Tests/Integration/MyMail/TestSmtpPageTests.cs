using Bunit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.MailServers;

namespace PrivateMail.Tests.Integration.MyMail;

/// <summary>The Mail server page's Test SMTP button against the real Postfix (implicit TLS, certificate check off).</summary>
[Collection(PostfixCollection.Name)]
public sealed class TestSmtpPageTests(PostfixFixture postfix) : MailServerTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Test_smtp_beside_the_imap_test_signs_in_and_the_later_version_text_is_gone()
    {
        var host = RenderEdit();
        Assert.DoesNotContain("later version", host.Find("#section-smtp").TextContent, StringComparison.Ordinal);
        host.Find("#server-smtp-host").Input(postfix.Host);
        host.Find("#server-smtp-port").Input(postfix.SmtpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        host.Find("#server-validate-certificate").Change(false);
        host.Find("#server-test-login").Input(postfix.Dovecot.Alice.Login);
        host.Find("#server-test-password").Input(postfix.Dovecot.Alice.Password);

        await host.Find("#server-test-smtp").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Equal("true", host.Find("#server-test-result").GetAttribute("data-succeeded")), Patience);
        var result = host.Find("#server-test-result");
        Assert.Contains("Signed in as alice.", result.TextContent);
        Assert.Contains(host.FindAll("#server-test-capabilities .mud-chip"), c => c.TextContent.Trim().Contains("Authentication", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(postfix.Dovecot.Alice.Password, result.OuterHtml);

        host.Find("#server-test-password").Input("wrong");
        await host.Find("#server-test-smtp").ClickAsync(new());
        host.WaitForAssertion(() => Assert.Equal("AuthenticationFailed", host.Find("#server-test-result").GetAttribute("data-failure")), Patience);
    }
}

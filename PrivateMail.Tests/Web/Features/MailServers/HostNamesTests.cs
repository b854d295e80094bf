using PrivateMail.Web.Features.MailServers;

namespace PrivateMail.Tests.Web.Features.MailServers;

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("imap.example.com", "imap.example.com")]
    [InlineData(" IMAP.Example.COM. ", "imap.example.com")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("localhost", "localhost")]
    [InlineData("dovecot", "dovecot")]
    [InlineData("::1", "::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("poczta.żółw.pl", "poczta.xn--w-uga1v8h.pl")]
    [InlineData("", null)]
    [InlineData("bad host", null)]
    [InlineData("1.2.3", null)]
    [InlineData("256.1.1.1", null)]
    [InlineData("123", null)]
    [InlineData("@example.com", null)]
    [InlineData("*@example.com", null)]
    [InlineData("imap.example.com:993", null)]
    [InlineData("https://imap.example.com", null)]
    [InlineData("-imap", null)]
    [InlineData("imap_1.example.com", null)]
    public void Hosts_are_names_or_ip_addresses(string typed, string? expected)
    {
        Assert.Equal(expected, HostNames.Normalise(typed));
    }
}

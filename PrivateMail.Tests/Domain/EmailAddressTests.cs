using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Domain;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("jan@example.com", "jan@example.com")]
    [InlineData("  JAN@Example.COM ", "jan@example.com")]
    [InlineData("<jan@example.com>", "jan@example.com")]
    [InlineData("Jan Kowalski <Jan@Example.com>", "jan@example.com")]
    [InlineData("\"Kowalski, Jan\" <jan@example.com>", "jan@example.com")]
    [InlineData("\"Jan <the boss>\" <jan@example.com>", "jan@example.com")]
    [InlineData("\"jan kowalski\"@example.com", "\"jan kowalski\"@example.com")]
    [InlineData("anna@bücher.example", "anna@xn--bcher-kva.example")]
    [InlineData("anna@XN--BCHER-KVA.example", "anna@xn--bcher-kva.example")]
    [InlineData("zofia@zażółć.pl", "zofia@xn--za-6ja4f8n1l.pl")]
    [InlineData("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk")]
    public void Normalises_case_idn_display_names_and_quotes(string input, string expected) =>
        Assert.Equal(expected, EmailAddress.Normalise(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("jan")]
    [InlineData("jan@")]
    [InlineData("@example.com")]
    [InlineData("jan@example")]
    [InlineData("jan@@example.com")]
    [InlineData("jan..kowalski@example.com")]
    [InlineData(".jan@example.com")]
    [InlineData("jan kowalski@example.com")]
    [InlineData("jan@exa mple.com")]
    [InlineData("jan@-example.com")]
    [InlineData("jan@127.0.0.1")]
    [InlineData("Jan <not an address>")]
    public void Refuses_what_is_not_an_address(string? input) => Assert.Null(EmailAddress.Parse(input));

    [Fact]
    public void Keeps_the_display_name_and_exposes_the_domain()
    {
        var address = EmailAddress.Parse("\"Kowalski, Jan\" <Jan@Bücher.example>")!;

        Assert.Equal("Kowalski, Jan", address.DisplayName);
        Assert.Equal("Jan@Bücher.example", address.Address);
        Assert.Equal("xn--bcher-kva.example", address.Domain);
    }
}

using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Domain;

public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData(" Example.COM. ", "example.com")]
    [InlineData("*@example.com", "example.com")]
    [InlineData("@example.com", "example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("mail.sub.example.co.uk", "mail.sub.example.co.uk")]
    public void Domains_normalise_to_lower_case_ascii(string input, string expected) =>
        Assert.Equal(expected, AddressRules.NormaliseDomain(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("exa mple.com")]
    [InlineData("-example.com")]
    [InlineData("example-.com")]
    [InlineData("example..com")]
    [InlineData("10.0.0.1")]
    [InlineData("jan@example.com")]
    public void Invalid_domains_are_refused(string? input) => Assert.Null(AddressRules.NormaliseDomain(input));
}

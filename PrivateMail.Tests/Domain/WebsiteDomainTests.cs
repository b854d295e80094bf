using PrivateMail.Domain.Records;

namespace PrivateMail.Tests.Domain;

public sealed class WebsiteDomainTests
{
    [Theory]
    [InlineData("https://www.Firma.pl/kontakt", "firma.pl")]
    [InlineData("firma.pl", "firma.pl")]
    [InlineData("www.firma.pl", "firma.pl")]
    [InlineData("http://sklep.firma.pl:8080/?a=b#c", "sklep.firma.pl")]
    [InlineData("https://user@firma.pl", "firma.pl")]
    [InlineData("www.bücher.example", "xn--bcher-kva.example")]
    [InlineData("https://KSIĘGARNIA-ŻAK.PL", "xn--ksigarnia-ak-6vb70l.pl")]
    [InlineData("www.pl", "www.pl")]
    public void Takes_the_host_in_comparison_form_without_www(string website, string expected) =>
        Assert.Equal(expected, WebsiteDomain.FromWebsite(website));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("http://127.0.0.1/")]
    [InlineData("not a website")]
    public void Refuses_what_has_no_domain(string? website) => Assert.Null(WebsiteDomain.FromWebsite(website));
}

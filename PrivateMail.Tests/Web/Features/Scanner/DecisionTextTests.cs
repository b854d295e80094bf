using System.Globalization;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Scanner.Preview;

namespace PrivateMail.Tests.Web.Features.Scanner;

public sealed class DecisionTextTests
{
    [Theory]
    [InlineData("en", "jan@x.pl matches contact Jan Kowalski by Contacts – E-mail")]
    [InlineData("pl", "jan@x.pl pasuje do: kontakt Jan Kowalski według pola Kontakty – E-mail")]
    public void A_match_names_the_address_the_record_and_the_field(string culture, string expected)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);

        var text = DecisionText.Describe(new DecisionReason(DecisionReasonCode.Matches, "jan@x.pl", "Contact", "Jan Kowalski", "Contacts.Email"));

        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData("en", "Skipped: sender someone@klient.pl is an exception (klient.pl)")]
    [InlineData("pl", "Pominięta: nadawca someone@klient.pl jest wyjątkiem (klient.pl)")]
    public void A_skip_names_the_exception(string culture, string expected)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);

        Assert.Equal(expected, DecisionText.Describe(new DecisionReason(DecisionReasonCode.SenderExcepted, "someone@klient.pl", "klient.pl")));
    }

    [Fact]
    public void Every_code_has_its_own_sentence_in_both_languages()
    {
        foreach (var culture in new[] { "en", "pl" })
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
            var reasons = Enum.GetValues<DecisionReasonCode>().Select(code => new DecisionReason(code, "a@b.example", "Contact", "Name", "Contacts.Email")).ToList();
            var texts = reasons.Select(DecisionText.Describe).ToList();

            Assert.All(reasons, r => Assert.NotEqual(r.ToString(), DecisionText.Describe(r)));
            Assert.Equal(texts.Count, texts.Distinct().Count());
        }
    }
}

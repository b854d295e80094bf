using PrivateMail.Domain.Users;

namespace PrivateMail.Tests.Domain;

public sealed class UiLanguagesTests
{
    [Theory]
    [InlineData("pl", "pl")]
    [InlineData("pl-PL", "pl")]
    [InlineData("EN_us", "en")]
    [InlineData(" en ", "en")]
    [InlineData("de", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Normalise_maps_to_a_supported_language_or_null(string? input, string? expected) =>
        Assert.Equal(expected, UiLanguages.Normalise(input));
}

using System.Collections;
using System.Globalization;
using PrivateMail.Web.Resources;

namespace PrivateMail.Tests.Web.Localization;

public sealed class StringsTests
{
    // English is the neutral (invariant) resource set; Polish is the satellite assembly.
    private static Dictionary<string, string> Load(CultureInfo culture)
    {
        var set = Strings.ResourceManager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No resources for '{culture.Name}'");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    [Fact]
    public void Every_english_string_has_a_polish_translation()
    {
        var english = Load(CultureInfo.InvariantCulture);
        var polish = Load(new CultureInfo("pl"));

        Assert.Empty(english.Keys.Except(polish.Keys));
        Assert.Empty(polish.Keys.Except(english.Keys));
        Assert.All(polish, p => Assert.False(string.IsNullOrWhiteSpace(p.Value), p.Key));
    }

    [Fact]
    public void Format_placeholders_match_between_languages()
    {
        var english = Load(CultureInfo.InvariantCulture);
        var polish = Load(new CultureInfo("pl"));

        foreach (var (key, value) in english)
        {
            var placeholders = System.Text.RegularExpressions.Regex.Matches(value, @"\{\d\}").Select(m => m.Value).Order();
            var translated = System.Text.RegularExpressions.Regex.Matches(polish[key], @"\{\d\}").Select(m => m.Value).Order();
            Assert.True(placeholders.SequenceEqual(translated), key);
        }
    }

    [Fact]
    public void Labels_follow_the_current_ui_culture()
    {
        Assert.Equal("Moje ustawienia", Strings.ResourceManager.GetString(nameof(Strings.MySettings), new CultureInfo("pl")));
        Assert.Equal("My settings", Strings.ResourceManager.GetString(nameof(Strings.MySettings), new CultureInfo("en")));
    }
}

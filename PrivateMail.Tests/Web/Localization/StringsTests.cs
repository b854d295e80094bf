using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using PrivateMail.Web.Resources;

namespace PrivateMail.Tests.Web.Localization;

public sealed partial class StringsTests
{
    /// <summary>Every resource area of the app; a new .resx belongs here.</summary>
    public static TheoryData<string> Areas => [nameof(Strings), nameof(MailServerStrings), nameof(MailboxStrings), nameof(RecordStrings), nameof(OAuthStrings), nameof(SecurityStrings), nameof(PrivacyStrings), nameof(MyMailMessages), nameof(MyMailStrings), nameof(ScannerStrings), nameof(OnboardingStrings), nameof(RuleToolsStrings)];

    private static ResourceManager Manager(string area) => area switch
    {
        nameof(Strings) => Strings.ResourceManager,
        nameof(MailServerStrings) => MailServerStrings.ResourceManager,
        nameof(MailboxStrings) => MailboxStrings.ResourceManager,
        nameof(RecordStrings) => RecordStrings.ResourceManager,
        nameof(OAuthStrings) => OAuthStrings.ResourceManager,
        nameof(SecurityStrings) => SecurityStrings.ResourceManager,
        nameof(PrivacyStrings) => PrivacyStrings.ResourceManager,
        nameof(MyMailMessages) => MyMailMessages.ResourceManager,
        nameof(MyMailStrings) => MyMailStrings.ResourceManager,
        nameof(ScannerStrings) => ScannerStrings.ResourceManager,
        nameof(OnboardingStrings) => OnboardingStrings.ResourceManager,
        nameof(RuleToolsStrings) => RuleToolsStrings.ResourceManager,
        _ => throw new ArgumentOutOfRangeException(nameof(area)),
    };

    // English is the neutral (invariant) resource set; Polish is the satellite assembly.
    private static Dictionary<string, string> Load(string area, CultureInfo culture)
    {
        var set = Manager(area).GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No {area} resources for '{culture.Name}'");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    [GeneratedRegex(@"\{\d\}")]
    private static partial Regex Placeholder();

    [Theory]
    [MemberData(nameof(Areas))]
    public void Every_english_string_has_a_polish_translation(string area)
    {
        var english = Load(area, CultureInfo.InvariantCulture);
        var polish = Load(area, new CultureInfo("pl"));

        Assert.Empty(english.Keys.Except(polish.Keys));
        Assert.Empty(polish.Keys.Except(english.Keys));
        Assert.All(polish, p => Assert.False(string.IsNullOrWhiteSpace(p.Value), p.Key));
    }

    [Theory]
    [MemberData(nameof(Areas))]
    public void Format_placeholders_match_between_languages(string area)
    {
        var english = Load(area, CultureInfo.InvariantCulture);
        var polish = Load(area, new CultureInfo("pl"));

        foreach (var (key, value) in english)
        {
            var placeholders = Placeholder().Matches(value).Select(m => m.Value).Order();
            var translated = Placeholder().Matches(polish[key]).Select(m => m.Value).Order();
            Assert.True(placeholders.SequenceEqual(translated), $"{area}.{key}");
        }
    }

    [Fact]
    public void Labels_follow_the_current_ui_culture()
    {
        Assert.Equal("Moje ustawienia", Strings.ResourceManager.GetString(nameof(Strings.MySettings), new CultureInfo("pl")));
        Assert.Equal("My settings", Strings.ResourceManager.GetString(nameof(Strings.MySettings), new CultureInfo("en")));
    }
}

namespace PrivateMail.Tests.TestSupport;

/// <summary>Browser tests share one Chromium process (see <see cref="BrowserFixture"/>) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

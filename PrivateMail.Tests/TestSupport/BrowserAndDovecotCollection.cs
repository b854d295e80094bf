namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// Browser tests that also need the Dovecot server. xunit gives a class at most one collection, so this one carries both
/// fixtures; it starts its own Chromium and its own Dovecot, separate from <see cref="BrowserCollection"/> and
/// <see cref="DovecotCollection"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserAndDovecotCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<DovecotFixture>
{
    public const string Name = "BrowserAndDovecot";
}

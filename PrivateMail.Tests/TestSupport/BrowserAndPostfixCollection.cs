namespace PrivateMail.Tests.TestSupport;

/// <summary>Browser tests that send mail for real: Chromium plus a Postfix with its Dovecot (own instances, free loopback ports).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserAndPostfixCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<PostfixFixture>
{
    public const string Name = "BrowserAndPostfix";
}

namespace PrivateMail.Tests.TestSupport;

/// <summary>Test classes marked <c>[Collection(DovecotCollection.Name)]</c> share one Dovecot server.</summary>
[CollectionDefinition(Name)]
public sealed class DovecotCollection : ICollectionFixture<DovecotFixture>
{
    public const string Name = "Dovecot";
}

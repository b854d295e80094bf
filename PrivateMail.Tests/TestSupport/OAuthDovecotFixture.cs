namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The local OAuth 2.0 provider and a private Dovecot whose oauth2 passdb introspects tokens at it, started together.
/// Share through <c>[Collection(OAuthDovecotCollection.Name)]</c>; tests reset <see cref="OAuthTestProvider.AutoApprove"/>
/// and friends as they need and use unique Message-IDs, since the mail store is shared.
/// </summary>
public sealed class OAuthDovecotFixture : IAsyncLifetime
{
    private OAuthTestProvider? _provider;
    private DovecotFixture? _dovecot;

    public OAuthTestProvider Provider => _provider ?? throw new InvalidOperationException("Not started.");

    public DovecotFixture Dovecot => _dovecot ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _provider = await OAuthTestProvider.StartAsync(TestContext.Current.CancellationToken);
        _dovecot = await DovecotFixture.StartWithOAuthAsync(_provider.IntrospectionEndpoint, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}

/// <summary>Test classes marked <c>[Collection(OAuthDovecotCollection.Name)]</c> share one provider and one OAuth Dovecot.</summary>
[CollectionDefinition(Name)]
public sealed class OAuthDovecotCollection : ICollectionFixture<OAuthDovecotFixture>
{
    public const string Name = "OAuthDovecot";
}

using System.Security.Claims;

namespace PrivateMail.Web.Features.OAuth;

public static class OAuthExtensions
{
    /// <summary>Timeout for one call to a provider's token endpoint.</summary>
    private static readonly TimeSpan TokenRequestTimeout = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddHttpClient(OAuthTokenClient.HttpClientName, c => c.Timeout = TokenRequestTimeout);
        services.AddSingleton<OAuthTokenClient>();
        services.AddSingleton<OAuthPendingSignIns>();
        // Singleton: its per-mailbox refresh locks must be shared by every scan and page.
        services.AddSingleton<MailboxCredentials>();
        services.AddScoped<OAuthSignIn>();
        return services;
    }

    /// <summary>
    /// The provider's redirect back to the app. Only a signed-in user gets here (else the sign-in page comes first
    /// and returns here), and only with a state value that user started: the state, not antiforgery, guards this GET.
    /// </summary>
    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(OAuthRedirect.CallbackPath, async (HttpContext http, OAuthSignIn signIn, string? state, string? code, string? error) =>
            {
                var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
                if (userId is null)
                {
                    return Results.Challenge();
                }

                var completion = await signIn.CompleteAsync(userId, state, code, error, http.RequestAborted);
                return Results.LocalRedirect(completion.RedirectTo);
            })
            .RequireAuthorization()
            .ExcludeFromDescription();
        return endpoints;
    }
}

using System.Security.Cryptography;

namespace PrivateMail.Web.Features.Security;

/// <summary>
/// Sets the browser-side protections on every response: a Content-Security-Policy, nosniff and no referrer.
/// An endpoint may set a stricter policy of its own (the e-mail HTML endpoint does); it replaces this one.
/// </summary>
/// <remarks>
/// The policy was measured in Chromium over every page kind (Security/SecurityHeadersTests): Blazor Server and MudBlazor
/// need no inline script except the framework's import map, which carries this request's nonce; MudBlazor sets inline
/// style attributes, hence <c>'unsafe-inline'</c> for styles only. The e-mail body is a sandboxed <c>srcdoc</c> frame,
/// which inherits this policy: its images come from our own attachment endpoint or <c>data:</c> URLs.
/// </remarks>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private const string NonceItem = "PrivateMail.CspNonce";

    /// <summary>The nonce of this response's policy, for the framework's inline import map.</summary>
    public static string? Nonce(HttpContext? context) => context?.Items[NonceItem] as string;

    public static string Policy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self'; " +
        "connect-src 'self'; " +
        "frame-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        // Hex: nothing in it that HTML attribute encoding would change.
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceItem] = nonce;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy(nonce);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // For browsers that predate frame-ancestors.
        headers.XFrameOptions = "DENY";
        return next(context);
    }
}

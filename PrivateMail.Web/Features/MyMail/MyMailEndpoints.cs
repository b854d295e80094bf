using System.Globalization;
using Microsoft.Net.Http.Headers;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// Downloads an attachment of a message in the signed-in user's own mailbox, streamed from IMAP in chunks (never the
/// whole part in memory). The mailbox is found by the request's user, so another user's mail cannot be named at all.
/// </summary>
public static class MyMailEndpoints
{
    public const string AttachmentPath = "/my-mail/attachment";

    public static string AttachmentUrl(string folder, uint uid, string part, bool download = false) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{AttachmentPath}?folder={Uri.EscapeDataString(folder)}&uid={uid}&part={Uri.EscapeDataString(part)}{(download ? "&download=true" : "")}");

    public static IEndpointRouteBuilder MapMyMailEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AttachmentPath, GetAttachmentAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> GetAttachmentAsync(
        string? folder, uint? uid, string? part, bool? download, HttpContext context, MyMailReader reader, CancellationToken cancellationToken)
    {
        if (Viewer.From(context.User) is not { } viewer)
        {
            return Results.Challenge();
        }

        if (string.IsNullOrEmpty(folder) || uid is not { } id || string.IsNullOrEmpty(part) || !IsPartSpecifier(part))
        {
            return Results.NotFound();
        }

        var started = false;
        var result = await reader.StreamAttachmentAsync(viewer.UserId, folder, id, part, info =>
        {
            started = true;
            var contentType = SafeFileName.ContentType(info.ContentType);
            var inline = download != true && SafeFileName.IsSafeInline(contentType);
            var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
            // Both filename (ASCII fallback) and filename* (UTF-8), escaped: no header injection, no path.
            disposition.SetHttpFileName(SafeFileName.Clean(info.FileName));
            var headers = context.Response.Headers;
            context.Response.ContentType = contentType;
            headers.ContentDisposition = disposition.ToString();
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
            headers.CacheControl = "private, no-store";
            return context.Response.Body;
        }, cancellationToken);

        if (started)
        {
            // The body is (partly) written; a failure half-way can only end the response.
            return Results.Empty;
        }

        return result.Problem switch
        {
            null => Results.Empty,
            MyMailProblem.NotFound or MyMailProblem.NoMailbox => Results.NotFound(),
            MyMailProblem.ModuleDisabled => Results.StatusCode(StatusCodes.Status403Forbidden),
            _ => Results.Problem(result.Message, statusCode: StatusCodes.Status502BadGateway),
        };
    }

    /// <summary>An IMAP part specifier: numbers separated by dots ("2", "1.3").</summary>
    private static bool IsPartSpecifier(string part) =>
        part.Length <= 32 && part.Split('.').All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
}

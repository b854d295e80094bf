using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>
/// Attachment downloads. Each request is checked against the same visibility rule as the pages: a user who may not
/// see the e-mail gets 404 (its existence is not confirmed), and everyone gets 403 while the E-mails module is off.
/// </summary>
public static class EmailEndpoints
{
    private const string Prefix = "/attachments";

    /// <summary>The address of an attachment; <paramref name="download"/> forces a download even for images.</summary>
    public static string AttachmentUrl(int attachmentId, bool download = false) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}/{attachmentId}") + (download ? "?download=true" : "");

    public static IEndpointRouteBuilder MapEmailEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Prefix + "/{id:int}", GetAttachmentAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> GetAttachmentAsync(
        int id,
        bool? download,
        HttpContext context,
        ModuleService modules,
        RecordAccess access,
        IDbContextFactory<AppDbContext> dbFactory,
        AttachmentStore files,
        CancellationToken cancellationToken)
    {
        if (Viewer.From(context.User) is not { } viewer)
        {
            return Results.Challenge();
        }

        if (!modules.IsEnabled(CrmModule.Emails))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var attachment = await db.EmailAttachments.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.EmailId, a.FileName, a.ContentType, a.ContentHash })
            .SingleOrDefaultAsync(cancellationToken);
        if (attachment is null || !await access.CanSeeEmailAsync(viewer, attachment.EmailId, cancellationToken) || !files.Exists(attachment.ContentHash))
        {
            return Results.NotFound();
        }

        var contentType = SafeFileName.ContentType(attachment.ContentType);
        var inline = download != true && SafeFileName.IsSafeInline(contentType);
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        // Sets both filename (ASCII fallback) and filename* (UTF-8), escaped: no header injection, no path.
        disposition.SetHttpFileName(SafeFileName.Clean(attachment.FileName));
        var headers = context.Response.Headers;
        headers.ContentDisposition = disposition.ToString();
        headers.XContentTypeOptions = "nosniff";
        // Should a browser render it anyway, it renders with no script and no origin.
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
        headers.CacheControl = "private, max-age=3600";
        return Results.File(files.PathFor(attachment.ContentHash), contentType, enableRangeProcessing: true);
    }
}

namespace PrivateMail.Web.Features.Setup;

/// <summary>
/// Before the first administrator exists every page leads to <c>/setup</c>; afterwards <c>/setup</c> answers 404.
/// </summary>
internal sealed class SetupRedirectMiddleware(RequestDelegate next)
{
    public const string SetupPath = "/setup";

    private static readonly string[] AlwaysAllowed = ["/_framework", "/_content", "/_blazor", "/css", "/img", "/not-found", "/Error"];

    public async Task InvokeAsync(HttpContext context, SetupState state)
    {
        var path = context.Request.Path;
        var isSetupPage = path.StartsWithSegments(SetupPath, StringComparison.OrdinalIgnoreCase);
        if (!isSetupPage && (AlwaysAllowed.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)) || Path.HasExtension(path.Value)))
        {
            await next(context);
            return;
        }

        var complete = await state.IsCompleteAsync();
        if (!complete && !isSetupPage)
        {
            context.Response.Redirect(SetupPath);
            return;
        }

        if (complete && isSetupPage)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(context);
    }
}

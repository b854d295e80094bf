using Microsoft.Extensions.Options;

namespace PrivateMail.Web.Hosting;

/// <summary>Where the app keeps its files: the SQLite database and the Data Protection keys.</summary>
public sealed class PrivateMailOptions
{
    public const string SectionName = "PrivateMail";

    /// <summary>
    /// Folder for the database, keys, attachments and failed messages; relative paths are under the content root. After
    /// start-up (<see cref="PrivateMailOptionsSetup"/>) it is always the absolute path.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The address users reach the app at, e.g. <c>https://crm.example.com</c>: OAuth redirect URIs are built from it.
    /// Empty means the address of the request (fine when no proxy rewrites it).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>A data folder as an absolute path: relative ones are under <paramref name="contentRoot"/>.</summary>
    public static string ResolveDataDirectory(string dataDirectory, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(dataDirectory) ? dataDirectory : Path.Combine(contentRoot, dataDirectory));
}

/// <summary>
/// Resolves <see cref="PrivateMailOptions.DataDirectory"/> once, against the host's content root, so no service needs the
/// host environment to find its files; and checks the section, naming the bad key, before the app takes requests.
/// </summary>
internal sealed class PrivateMailOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<PrivateMailOptions>
{
    public void PostConfigure(string? name, PrivateMailOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DataDirectory) && PrivateMailOptionsValidator.DataDirectoryError(options.DataDirectory) is null)
        {
            options.DataDirectory = PrivateMailOptions.ResolveDataDirectory(options.DataDirectory, environment.ContentRootPath);
        }
    }
}

/// <summary>The rules for the <c>PrivateMail</c> configuration section; each failure names its key and what is expected.</summary>
internal sealed class PrivateMailOptionsValidator : IValidateOptions<PrivateMailOptions>
{
    private const string Section = PrivateMailOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PrivateMailOptions options)
    {
        var failures = new List<string>();
        if (DataDirectoryError(options.DataDirectory) is { } dataError)
        {
            failures.Add(dataError);
        }

        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
        {
            failures.Add($"{Section}:{nameof(PrivateMailOptions.PublicBaseUrl)} must be an absolute http or https address without query, e.g. https://crm.example.com (it is '{options.PublicBaseUrl}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static string? DataDirectoryError(string? dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            return $"{Section}:{nameof(PrivateMailOptions.DataDirectory)} must name a folder for the database and keys (it is empty).";
        }

        return dataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? $"{Section}:{nameof(PrivateMailOptions.DataDirectory)} contains characters a path cannot have (it is '{dataDirectory}')."
            : null;
    }
}

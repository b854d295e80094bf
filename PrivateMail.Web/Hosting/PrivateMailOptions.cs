using System.ComponentModel.DataAnnotations;

namespace PrivateMail.Web.Hosting;

/// <summary>Where the app keeps its files: the SQLite database and the Data Protection keys.</summary>
public sealed class PrivateMailOptions
{
    public const string SectionName = "PrivateMail";

    /// <summary>Folder for the database and keys; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The address users reach the app at, e.g. <c>https://crm.example.com</c>: OAuth redirect URIs are built from it.
    /// Empty means the address of the request (fine when no proxy rewrites it).
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>The data folder as an absolute path.</summary>
    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));
}

using System.ComponentModel.DataAnnotations;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>How much of a message is kept in the e-mail row; section <c>Emails</c>.</summary>
public sealed class EmailStorageOptions
{
    public const string SectionName = "Emails";

    /// <summary>Text bodies are cut at this many characters; the rest stays in the original message on the mail server.</summary>
    [Range(10_000, 100_000_000)]
    public int MaxTextBodyChars { get; set; } = 2 * 1024 * 1024;

    /// <summary>The preview lists and record pages show (and load) instead of the full body.</summary>
    [Range(100, 20_000)]
    public int PreviewChars { get; set; } = 2000;

    /// <summary>
    /// HTML bodies larger than this are not parsed and sanitised as HTML: they are kept as an attachment and the e-mail
    /// shows text, so one hostile message cannot pin a core for minutes.
    /// </summary>
    [Range(10_000, 100_000_000)]
    public int MaxHtmlChars { get; set; } = 1024 * 1024;

    /// <summary>
    /// Sanitising one stored HTML body for reading may take this long (wall clock, so generous: a loaded machine is slow
    /// too); beyond it the e-mail page shows the text instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan HtmlTimeLimit { get; set; } = TimeSpan.FromSeconds(30);
}

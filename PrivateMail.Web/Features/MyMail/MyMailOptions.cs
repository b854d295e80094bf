using System.ComponentModel.DataAnnotations;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>Limits of the My mail client (configuration section <c>MyMail</c>).</summary>
public sealed class MyMailOptions
{
    public const string SectionName = "MyMail";

    /// <summary>The most a message's attachments may add up to; checked before connecting to the server.</summary>
    [Range(1, long.MaxValue)]
    public long MaxAttachmentBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>How many messages a user may send per <see cref="SendWindow"/>.</summary>
    [Range(1, 100_000)]
    public int SendLimit { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SendWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long an uploaded or copied file may wait in the compose folder: a message abandoned (tab closed, never sent or
    /// discarded) leaves its files behind, and they are deleted after this long (checked every hour and at start-up).
    /// </summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan ComposeFileLifetime { get; set; } = TimeSpan.FromDays(1);
}

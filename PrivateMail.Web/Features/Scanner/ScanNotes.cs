using System.Globalization;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// What the scanner has to say about a run or a message, stored as a code with its arguments and put into words only
/// when shown, in the viewer's language (the scanner runs in the background, without a user or a culture). Text
/// stored before this existed (or a connection error already in words) is shown as it is.
/// </summary>
public static class ScanNotes
{
    private const char Mark = '§';
    private const char Separator = '\u001F';

    public const string FolderMissing = "FolderMissing";
    public const string FolderRefused = "FolderRefused";
    public const string TooLarge = "TooLarge";
    public const string Unreadable = "Unreadable";
    public const string Failed = "Failed";
    public const string Refused = "Refused";
    public const string RawMissing = "RawMissing";
    public const string OwnerInactive = "OwnerInactive";
    public const string ReusedMessageId = "ReusedMessageId";
    public const string Interrupted = "Interrupted";
    /// <summary>Stored (and bound) without a ticket: the sender reached the per-sender ticket cap. Arguments: sender, cap.</summary>
    public const string TicketCap = "TicketCap";

    public static string Encode(string code, params object[] args) =>
        Mark + string.Join(Separator, [code, .. args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "")]);

    /// <summary>The code of an encoded note, or null for plain text.</summary>
    public static string? CodeOf(string? stored) =>
        stored is { Length: > 1 } && stored[0] == Mark ? stored[1..].Split(Separator)[0] : null;

    /// <summary>The arguments of an encoded note (empty for plain text).</summary>
    public static IReadOnlyList<string> ArgsOf(string? stored) =>
        stored is { Length: > 1 } && stored[0] == Mark ? stored[1..].Split(Separator)[1..] : [];

    /// <summary>The note in the current UI culture.</summary>
    public static string Display(string? stored)
    {
        if (stored is null || stored.Length < 2 || stored[0] != Mark)
        {
            return stored ?? "";
        }

        var parts = stored[1..].Split(Separator);
        var format = ScannerStrings.ResourceManager.GetString("Note" + parts[0], CultureInfo.CurrentUICulture);
        if (format is null)
        {
            return string.Join(' ', parts);
        }

        try
        {
            return string.Format(CultureInfo.CurrentCulture, format, parts[1..]);
        }
        catch (FormatException)
        {
            return format;
        }
    }
}

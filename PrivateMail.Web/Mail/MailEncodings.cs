using System.Runtime.CompilerServices;
using System.Text;

namespace PrivateMail.Web.Mail;

/// <summary>
/// Makes the legacy code pages (ISO-8859-2, windows-1250, KOI8-R…) available to MimeKit. .NET ships them but does
/// not register them; without this MimeKit silently decodes Polish mail as Latin-1 ("Zg³oszenie" for "Zgłoszenie").
/// </summary>
internal static class MailEncodings
{
    /// <summary>Runs when the web assembly loads: before the scanner, reprocessing or any test parses a message.</summary>
    [ModuleInitializer]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}

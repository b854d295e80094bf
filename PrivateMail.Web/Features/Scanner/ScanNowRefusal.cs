using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>Scan now refused because another app node is scanning the mailbox; the message is in the user's language.</summary>
public sealed class ScanRunningElsewhereException() : Exception(NodeStrings.ScanRunningOnAnotherNode);

/// <summary>What Scan now tells its caller about a refused gate.</summary>
internal static class ScanNowRefusal
{
    /// <summary>True when the scan started; false when this node runs one already; throws when another node does.</summary>
    public static bool Started(ScanRefusal refusal) => refusal switch
    {
        ScanRefusal.None => true,
        ScanRefusal.RunningOnAnotherNode => throw new ScanRunningElsewhereException(),
        _ => false,
    };
}

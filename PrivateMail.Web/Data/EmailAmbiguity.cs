using PrivateMail.Domain.Scanning;

namespace PrivateMail.Web.Data;

/// <summary>
/// One candidate of an ambiguous match: the address (or domain) <see cref="Value"/> of the e-mail matched several records
/// of <see cref="RecordKind"/>, this being one. Written with the e-mail by the scan; deleted when a person picks one.
/// </summary>
public sealed class EmailAmbiguity
{
    public int EmailId { get; set; }
    public Email? Email { get; set; }
    public RecordKind RecordKind { get; set; }
    public string RecordId { get; set; } = "";
    /// <summary>The normalised address or domain that matched every candidate.</summary>
    public string Value { get; set; } = "";
    /// <summary>The candidate's name when the mail was scanned (the page shows the current one when it still exists).</summary>
    public string DisplayName { get; set; } = "";
}

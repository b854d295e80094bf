using PrivateMail.Domain.Modules;

namespace PrivateMail.Web.Data;

/// <summary>Whether an installed module is enabled (Modules - installation).</summary>
public sealed class ModuleSetting
{
    public CrmModule Module { get; set; }
    public bool Enabled { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? ChangedBy { get; set; }
}

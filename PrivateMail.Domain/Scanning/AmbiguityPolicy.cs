namespace PrivateMail.Domain.Scanning;

/// <summary>What the scanner binds when one address (or domain) matches several records of the same kind.</summary>
public enum AmbiguityPolicy
{
    /// <summary>Bind every matching record (the behaviour before the policy existed).</summary>
    BindAll,
    /// <summary>Bind none of them; the e-mail carries the candidates for a person to choose.</summary>
    BindNoneAndFlag,
    /// <summary>Bind only the candidate modified most recently.</summary>
    BindMostRecentlyModified,
}

namespace PrivateMail.Web.Features.Records;

/// <summary>One page of a list as a grid asks for it: zero-based page, sort column (a row property name) and search text.</summary>
public sealed record GridRequest(int Page = 0, int PageSize = 25, string? SortBy = null, bool Descending = false, string? Search = null)
{
    /// <summary>Page sizes are bounded so a crafted request cannot ask for the whole table at once.</summary>
    public int Take => Math.Clamp(PageSize, 1, 200);

    public int Skip => Math.Max(Page, 0) * Take;
}

/// <summary>The rows of one page and the total number of matching rows.</summary>
public sealed record GridResult<T>(IReadOnlyList<T> Items, int Total);

/// <summary>What a save returns: the record's id, or errors keyed by field name (or "" for the whole form).</summary>
public sealed record RecordSaveResult(int? Id, IReadOnlyDictionary<string, string> FieldErrors)
{
    public bool Succeeded => Id is not null && FieldErrors.Count == 0;

    public static RecordSaveResult Saved(int id) => new(id, new Dictionary<string, string>());

    public static RecordSaveResult Invalid(IReadOnlyDictionary<string, string> errors) => new(null, errors);

    public static RecordSaveResult Failed(string message) => new(null, new Dictionary<string, string> { [""] = message });
}

using AngleSharp.Dom;

namespace PrivateMail.Tests.TestSupport;

/// <summary>Markup checks for what screen readers and keyboards need.</summary>
internal static class Accessibility
{
    private const string Activators = "button, [role=button], a[href]";

    private const string Interactive =
        "button, [role=button], a[href], input:not([type=hidden]), select, textarea, [role=menuitem], [role=checkbox], [role=tab], " +
        "[role=combobox], [role=link], [tabindex]:not([tabindex='-1'])";

    /// <summary>
    /// No button or link holds another interactive element: nested controls are announced twice or not at all and
    /// break keyboard focus (axe's nested-interactive rule).
    /// </summary>
    public static void AssertNoNestedInteractive(INodeList markup)
    {
        var nested = markup.OfType<IElement>()
            .SelectMany(root => root.Matches(Activators) ? root.QuerySelectorAll(Activators).Prepend(root) : root.QuerySelectorAll(Activators))
            .SelectMany(outer => outer.QuerySelectorAll(Interactive).Select(inner => $"{Describe(outer)} contains {Describe(inner)}"))
            .ToList();

        Assert.True(nested.Count == 0, string.Join("\n", nested));
    }

    private static string Describe(IElement element) =>
        $"<{element.LocalName}{(element.Id is { Length: > 0 } id ? $" id={id}" : "")}{(element.GetAttribute("role") is { } role ? $" role={role}" : "")}" +
        $"{(element.GetAttribute("aria-label") is { } label ? $" aria-label=\"{label}\"" : "")}> \"{element.TextContent.Trim()}\"";
}

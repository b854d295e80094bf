using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Web.Features.Records.Emails;

/// <summary>What the sanitiser leaves of hostile and privacy-leaking mail HTML, asserted on its actual output.</summary>
public sealed class EmailHtmlSanitizerTests
{
    private readonly EmailHtmlSanitizer _sanitizer = new();

    private SafeEmailHtml Show(string html, bool images = false, Func<string, string?>? cid = null) =>
        _sanitizer.ForDisplay(html, images, cid ?? (_ => null));

    private static string Body(SafeEmailHtml safe) => safe.Document[(safe.Document.IndexOf("<body>", StringComparison.Ordinal) + 6)..];

    [Fact]
    public void Script_elements_are_removed_with_their_content()
    {
        var body = Body(Show("<p>Hi</p><script>alert('x')</script><SCRIPT src=\"https://evil.example/x.js\"></SCRIPT>"));

        Assert.Contains("<p>Hi</p>", body);
        Assert.DoesNotContain("script", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert", body);
    }

    [Fact]
    public void Event_handlers_are_removed()
    {
        var body = Body(Show("<img src=\"data:image/png;base64,iVBORw0KGgo=\" onerror=\"alert(1)\"><div onclick=\"steal()\" onmouseover='x()'>Text</div>"));

        Assert.DoesNotContain("onerror", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onmouseover", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<div>Text</div>", body);
    }

    [Theory]
    [InlineData("<a href=\"javascript:alert(1)\">Click</a>")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">Click</a>")]
    [InlineData("<a href=\" javascript:alert(1)\">Click</a>")]
    [InlineData("<a href=\"&#106;avascript:alert(1)\">Click</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">Click</a>")]
    public void Script_urls_are_removed_from_links(string html)
    {
        var body = Body(Show(html));

        Assert.Contains("Click", body);
        Assert.DoesNotContain("script:", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", body);
    }

    [Fact]
    public void Ordinary_links_stay_and_open_in_a_new_tab_without_referrer()
    {
        var body = Body(Show("<a href=\"https://example.com/offer\">Offer</a>"));

        Assert.Contains("href=\"https://example.com/offer\"", body);
        Assert.Contains("target=\"_blank\"", body);
        Assert.Contains("rel=\"noopener noreferrer\"", body);
    }

    [Fact]
    public void Remote_images_are_blocked_until_the_user_asks_for_them()
    {
        const string html = "<p>Offer</p><img src=\"https://tracker.example/pixel.gif?u=42\" alt=\"logo\">";

        var blocked = Show(html);
        var shown = Show(html, images: true);

        Assert.Equal(1, blocked.BlockedImages);
        Assert.DoesNotContain("tracker.example", Body(blocked));
        Assert.Contains("<img alt=\"logo\" data-pm-blocked=\"\">", Body(blocked));
        Assert.Contains("img-src 'self' data:\"", blocked.Document);
        Assert.Equal(0, shown.BlockedImages);
        Assert.Contains("src=\"https://tracker.example/pixel.gif?u=42\"", Body(shown));
    }

    [Theory]
    [InlineData("<table background=\"http://tracker.example/bg.png\"><tr><td>x</td></tr></table>")]
    [InlineData("<div style=\"background-image: url('https://tracker.example/bg.png')\">x</div>")]
    [InlineData("<div style=\"background: url(//tracker.example/bg.png) no-repeat\">x</div>")]
    [InlineData("<style>body { background: url(https://tracker.example/bg.png) }</style><p>x</p>")]
    [InlineData("<img srcset=\"https://tracker.example/a.png 1x, https://tracker.example/b.png 2x\">")]
    public void Other_remote_resources_are_blocked_as_well(string html)
    {
        var body = Body(Show(html));

        Assert.DoesNotContain("tracker.example", body);
    }

    [Theory]
    [InlineData("<div style=\"width: expression(alert(1))\">x</div>")]
    [InlineData("<div style=\"width:expression(alert(1));color:red\">x</div>")]
    [InlineData("<div style=\"behavior: url(x.htc); -moz-binding: url(x.xml#y)\">x</div>")]
    public void Css_expressions_and_behaviours_are_removed(string html)
    {
        var body = Body(Show(html, images: true));

        Assert.DoesNotContain("expression", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert", body);
        Assert.DoesNotContain("behavior", body);
        Assert.DoesNotContain("binding", body);
        Assert.Contains(">x</div>", body);
    }

    [Fact]
    public void Inline_cid_images_resolve_to_the_attachment_endpoint()
    {
        var safe = Show("<img src=\"cid:logo@firma.example\" alt=\"Logo\"><img src=\"cid:unknown@x\">", cid:
            cid => cid == "logo@firma.example" ? "/attachments/7" : null);

        Assert.Contains("src=\"/attachments/7\"", Body(safe));
        Assert.DoesNotContain("cid:", Body(safe));
        Assert.Equal(0, safe.BlockedImages);
    }

    [Fact]
    public void Forms_frames_and_objects_are_removed()
    {
        var body = Body(Show("<form action=\"https://phish.example\"><input name=\"password\"><button>Log in</button></form><iframe src=\"https://x.example\"></iframe><object data=\"x.swf\"></object>"));

        Assert.DoesNotContain("<form", body);
        Assert.DoesNotContain("<input", body);
        Assert.DoesNotContain("<iframe", body);
        Assert.DoesNotContain("<object", body);
        Assert.DoesNotContain("phish.example", body);
    }

    [Fact]
    public void The_frame_document_forbids_scripts_by_policy_too()
    {
        var document = Show("<p>x</p>").Document;

        Assert.Contains("Content-Security-Policy", document);
        Assert.Contains("script-src 'none'", document);
        Assert.Contains("<base target=\"_blank\">", document);
    }

    [Fact]
    public void Storage_keeps_remote_images_and_cid_references_for_later_but_removes_scripts()
    {
        var stored = _sanitizer.SanitiseForStorage("<img src=\"https://cdn.example/a.png\"><img src=\"cid:part1\"><script>x()</script><b onclick=\"y()\">b</b>");

        Assert.Contains("src=\"https://cdn.example/a.png\"", stored);
        Assert.Contains("src=\"cid:part1\"", stored);
        Assert.DoesNotContain("script", stored);
        Assert.DoesNotContain("onclick", stored);
    }

    [Fact]
    public void Plain_text_of_html_keeps_paragraphs_and_drops_styles()
    {
        var text = EmailHtmlSanitizer.ToPlainText("<style>p{color:red}</style><p>Dzień dobry,</p><p>faktura&nbsp;w załączniku.<br>Pozdrawiam</p>");

        Assert.Equal("Dzień dobry,\nfaktura w załączniku.\nPozdrawiam", text);
    }
}

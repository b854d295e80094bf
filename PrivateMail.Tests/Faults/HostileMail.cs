using System.Text;

namespace PrivateMail.Tests.Faults;

/// <summary>One generated message: what it tries, and its raw bytes exactly as they are delivered.</summary>
internal sealed record HostileMessage(string Name, byte[] Raw);

/// <summary>
/// A generated corpus of malformed and hostile mail: truncated, mislabelled charsets, deep nesting, huge headers,
/// NUL bytes, broken base64, nested message/rfc822 "bombs", every classic XSS vector in HTML, 1,000 recipients.
/// Each message has a unique subject so none deduplicates into another.
/// </summary>
internal static class HostileMail
{
    /// <summary>HTML attack vectors; each becomes its own text/html message, and all together one more.</summary>
    public static readonly IReadOnlyList<string> XssVectors =
    [
        "<script>alert(1)</script><p>after script</p>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<img src=x onerror=alert(1)>",
        "<img src=x oNeRrOr = \"alert(1)\">",
        "<body onload=alert(1)><p>body</p></body>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">entities</a>",
        "<a href=\"&#x6A;avascript&#x3A;alert(1)\">hex entities</a>",
        "<a href=\" \tjava\nscript:alert(1)\">whitespace</a>",
        "<a href=\"vbscript:msgbox(1)\">vb</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "<svg onload=alert(1)><circle r=5 /></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text y=20>svg link</text></a></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
        "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
        "<div style=\"width: expression(alert(1));\">css expression</div>",
        "<div style=\"background:url('javascript:alert(1)')\">css url</div>",
        "<style>body { background: url(\"javascript:alert(1)\"); } p { behavior: url(x.htc); -moz-binding: url(x.xml#xss) }</style><p>style</p>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\"><a href=\"x\">based</a>",
        "<form action=\"javascript:alert(1)\"><input type=submit onfocus=alert(1) autofocus></form>",
        "<details open ontoggle=alert(1)><summary>s</summary></details>",
        "<video><source onerror=\"alert(1)\"></video><audio src=x onerror=alert(1)></audio>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<table background=\"javascript:alert(1)\"><tr><td>bg</td></tr></table>",
        "<img src=\"jav&#x09;ascript:alert(1)\"><img dynsrc=\"javascript:alert(1)\"><img lowsrc=\"javascript:alert(1)\">",
        "<a href=\"#\" onclick=\"alert(1)\" onmouseover=alert(1)>handlers</a><p onpointerenter=alert(1)>p</p>",
        "<!--[if gte IE 4]><script>alert(1)</script><![endif]--><p>conditional</p>",
        "<xss:script xmlns:xss=\"http://www.w3.org/1999/xhtml\">alert(1)</xss:script>",
        "<img src=`javascript:alert(1)`><a href='javascript&colon;alert(1)'>colon entity</a>",
        "<link rel=stylesheet href=\"javascript:alert(1)\"><link rel=import href=\"//evil.example\">",
        "<button formaction=\"javascript:alert(1)\">b</button><isindex action=\"javascript:alert(1)\" type=image>",
    ];

    public static List<HostileMessage> Build(string tag)
    {
        var list = new List<HostileMessage>();
        var n = 0;
        string Id() => $"<hostile-{tag}-{++n}@evil.example>";
        string Head(string subject, string contentType = "text/plain; charset=utf-8", string? extra = null) =>
            $"From: Mallory <mallory@evil.example>\r\nTo: Bob <bob@example.test>\r\nSubject: {subject} {tag}\r\nDate: Mon, 2 Nov 2026 08:00:00 +0000\r\n" +
            $"Message-ID: {Id()}\r\nMIME-Version: 1.0\r\n{extra}Content-Type: {contentType}\r\n\r\n";
        void Add(string name, string text) => list.Add(new HostileMessage(name, Encoding.UTF8.GetBytes(text)));
        void AddBytes(string name, params byte[][] parts) => list.Add(new HostileMessage(name, parts.SelectMany(p => p).ToArray()));

        // Truncated.
        Add("truncated mid-header", $"From: Mallory <mallory@evil.example>\r\nSubject: truncated header {tag}\r\nMessage-ID: {Id()}\r\nContent-Ty");
        Add("truncated mid-header-name", $"From: mallory@evil.example\r\nSubject: truncated name {tag}\r\nX-Very-Long-Header-That-Stops");
        Add("truncated mid-body multipart", Head("truncated multipart", "multipart/mixed; boundary=\"b1\"") +
            "--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfs");
        Add("truncated mid-base64", Head("truncated base64", "text/plain", "Content-Transfer-Encoding: base64\r\n") + "SGVsbG8gd29ybGQsIHRoaXMgaXMgY3V0IG");
        Add("only headers, no blank line", $"From: mallory@evil.example\r\nSubject: no body {tag}\r\nMessage-ID: {Id()}");

        // Charsets.
        AddBytes("unknown charset label", Encoding.ASCII.GetBytes(Head("unknown charset", "text/plain; charset=x-klingon-8")), [0xFF, 0xFE, 0x80, 0x81, 0x41, 0x0D, 0x0A]);
        AddBytes("utf-8 label over invalid bytes", Encoding.ASCII.GetBytes(Head("bad utf8", "text/plain; charset=utf-8")), [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0x0D, 0x0A]);
        AddBytes("iso-2022-jp label over utf-8", Encoding.ASCII.GetBytes(Head("wrong label", "text/html; charset=iso-2022-jp")), Encoding.UTF8.GetBytes("<p>Zażółć gęślą jaźń \u65e5\u672c</p>\r\n"));
        AddBytes("raw 8-bit header with bogus encoded-word", Encoding.ASCII.GetBytes($"From: =?x-unknown?B?////?= <m@evil.example>\r\nSubject: =?utf-8?Q?broken=ZZ?= {tag} "), [0xE9, 0xFF], Encoding.ASCII.GetBytes($"\r\nMessage-ID: {Id()}\r\n\r\nbody\r\n"));
        Add("utf-16 label on ascii", Head("utf16 label", "text/plain; charset=utf-16") + "odd length text.\r\n");

        // Structure bombs.
        var nested = new StringBuilder(Head("nested 100 deep", "multipart/mixed; boundary=\"d0\""));
        for (var d = 1; d < 100; d++)
        {
            nested.Append("--d").Append(d - 1).Append("\r\nContent-Type: multipart/mixed; boundary=\"d").Append(d).Append("\"\r\n\r\n");
        }

        nested.Append("--d99\r\nContent-Type: text/plain\r\n\r\nthe bottom\r\n");
        for (var d = 99; d >= 0; d--)
        {
            nested.Append("--d").Append(d).Append("--\r\n");
        }

        Add("multipart nested 100 deep", nested.ToString());

        var rfc822 = $"From: inner@evil.example\r\nSubject: innermost\r\nMessage-ID: <inner-{tag}@evil.example>\r\n\r\n" + new string('A', 2000) + "\r\n";
        for (var d = 0; d < 60; d++)
        {
            rfc822 = $"From: layer{d}@evil.example\r\nSubject: layer {d}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"r{d}\"\r\n\r\n" +
                $"--r{d}\r\nContent-Type: text/plain\r\n\r\nlayer {d}\r\n--r{d}\r\nContent-Type: message/rfc822\r\n\r\n{rfc822}\r\n--r{d}\r\nContent-Type: message/rfc822\r\n\r\n{(d < 3 ? rfc822 : "From: x@evil.example\r\n\r\nsmall\r\n")}\r\n--r{d}--\r\n";
        }

        Add("message/rfc822 nested 60 deep, doubling at the bottom", Head("rfc822 bomb", "multipart/mixed; boundary=\"top\"") +
            $"--top\r\nContent-Type: message/rfc822\r\n\r\n{rfc822}\r\n--top--\r\n");

        var wide = new StringBuilder(Head("2000 tiny parts", "multipart/mixed; boundary=\"w\""));
        for (var p = 0; p < 2000; p++)
        {
            wide.Append("--w\r\nContent-Type: application/octet-stream; name=\"p").Append(p).Append(".bin\"\r\nContent-Disposition: attachment; filename=\"p").Append(p).Append(".bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n");
        }

        Add("2,000 attachments", wide.Append("--w--\r\n").ToString());
        Add("boundary never closed and reused", Head("boundary chaos", "multipart/alternative; boundary=\"x\"") +
            "--x\r\nContent-Type: multipart/alternative; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>loop</p>\r\n--x\r\n");
        Add("multipart without boundary", Head("no boundary", "multipart/mixed") + "just text\r\n");
        Add("compressed-looking zip declared as text", Head("zip as text", "application/zip; name=\"bomb.zip\"", "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"../../../../etc/passwd\"\r\n") +
            Convert.ToBase64String(new byte[64 * 1024], Base64FormattingOptions.InsertLineBreaks) + "\r\n");

        // Headers.
        var many = new StringBuilder($"From: Mallory <mallory@evil.example>\r\nTo: bob@example.test\r\nSubject: 10000 headers {tag}\r\nMessage-ID: {Id()}\r\n");
        for (var h = 0; h < 10_000; h++)
        {
            many.Append("X-Filler-").Append(h).Append(": value ").Append(h).Append("\r\n");
        }

        Add("10,000 headers", many.Append("\r\nbody\r\n").ToString());
        Add("100 KB subject line", $"From: mallory@evil.example\r\nSubject: long {tag} {new string('S', 100_000)}\r\nMessage-ID: {Id()}\r\n\r\nbody\r\n");
        Add("header folded 5,000 times", $"From: mallory@evil.example\r\nMessage-ID: {Id()}\r\nSubject: folded {tag}" + string.Concat(Enumerable.Repeat("\r\n x", 5000)) + "\r\n\r\nbody\r\n");
        var recipients = string.Join(",\r\n ", Enumerable.Range(1, 1000).Select(r => $"\"Recipient {r}\" <r{r}@many.example>"));
        Add("1,000 recipients", $"From: Mallory <mallory@evil.example>\r\nTo: {recipients}\r\nCc: {recipients}\r\nSubject: 1000 recipients {tag}\r\nMessage-ID: {Id()}\r\n\r\nhello all\r\n");
        Add("address headers of garbage", $"From: <<<@@@>>> \"unterminated\r\nTo: ;;;,,,@,\r\nReply-To: =?utf-8?B?!!!?=\r\nSubject: garbage addresses {tag}\r\nMessage-ID: {Id()}\r\nIn-Reply-To: <<<>>>\r\nReferences: {string.Concat(Enumerable.Repeat("<a@b> ", 3000))}\r\n\r\nbody\r\n");
        Add("dates from nowhere", $"From: mallory@evil.example\r\nDate: Tue, 99 Foo 99999 99:99:99 +9999\r\nSubject: bad date {tag}\r\nMessage-ID: {Id()}\r\n\r\nbody\r\n");

        // NUL bytes and binary.
        AddBytes("NUL bytes in headers and body", Encoding.ASCII.GetBytes($"From: mall\0ory@evil.example\r\nSubject: nul\0 {tag}\r\nMessage-ID: {Id()}\r\n\r\n"), [0x61, 0x00, 0x62, 0x00, 0x00, 0x63, 0x0D, 0x0A]);
        AddBytes("NUL bytes in html", Encoding.ASCII.GetBytes(Head("nul html", "text/html")), Encoding.ASCII.GetBytes("<scr\0ipt>alert(1)</scr\0ipt><a href=\"java\0script:alert(1)\">x</a><img src=x on\0error=alert(1)>\r\n"));
        AddBytes("binary garbage body", Encoding.ASCII.GetBytes(Head("binary body", "application/octet-stream", "Content-Transfer-Encoding: binary\r\n")), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 256)).ToArray());

        // Encodings.
        Add("invalid base64", Head("bad base64", "text/plain", "Content-Transfer-Encoding: base64\r\n") + "!!!not base64@@@ ==== ***\r\n%%%%\r\n");
        Add("invalid base64 html", Head("bad base64 html", "text/html", "Content-Transfer-Encoding: base64\r\n") + "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==!!!\r\n@@@\r\n");
        Add("invalid quoted-printable", Head("bad qp", "text/html", "Content-Transfer-Encoding: quoted-printable\r\n") + "=3Cscript=3Ealert(1)=3C/script=3E =ZZ =\r\n=4\r\n");
        Add("unknown transfer encoding", Head("unknown cte", "text/plain", "Content-Transfer-Encoding: x-uuencode-ish\r\n") + "begin 644 x\r\n`\r\nend\r\n");

        // Hostile HTML.
        for (var v = 0; v < XssVectors.Count; v++)
        {
            Add($"xss vector {v}", Head($"xss {v}", "text/html; charset=utf-8") + "<html><body>" + XssVectors[v] + "<p>safe text</p></body></html>\r\n");
        }

        Add("every xss vector at once", Head("xss all", "text/html; charset=utf-8") + "<html><head><script>alert(0)</script></head><body>" + string.Join("\r\n", XssVectors) + "</body></html>\r\n");
        Add("xss in multipart alternative", Head("xss alternative", "multipart/alternative; boundary=\"alt\"") +
            "--alt\r\nContent-Type: text/plain\r\n\r\nplain\r\n--alt\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Convert.ToBase64String(Encoding.UTF8.GetBytes("<img src=x onerror=alert(1)><script>alert(2)</script><a href=javascript:alert(3)>a</a>"), Base64FormattingOptions.InsertLineBreaks) + "\r\n--alt--\r\n");
        Add("html attachment with script, inline html with cid", Head("xss attachment", "multipart/related; boundary=\"rel\"") +
            "--rel\r\nContent-Type: text/html\r\n\r\n<p>see</p><img src=\"cid:evil\" onerror=alert(1)><a href=\"cid:javascript:alert(1)\">cid</a>\r\n" +
            "--rel\r\nContent-Type: image/svg+xml\r\nContent-ID: <evil>\r\nContent-Disposition: inline; filename=\"x.svg\"\r\n\r\n<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>\r\n" +
            "--rel\r\nContent-Type: text/html; name=\"page.html\"\r\nContent-Disposition: attachment; filename=\"page.html\"\r\n\r\n<script>alert(1)</script>\r\n--rel--\r\n");

        return list;
    }
}

using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// A generated corpus of malformed and hostile mail delivered byte for byte to Dovecot: the scanner never crashes,
/// every delivered message is either stored or quarantined with a reason (stored + failed == delivered), and nothing
/// executable survives the HTML sanitiser, neither in what is read from the store nor in the document the e-mail page shows.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed partial class HostileMailTests(DovecotFixture dovecot)
{
    private static readonly HashSet<string> ForbiddenElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "base", "link", "meta", "isindex", "noscript",
    };

    [Fact]
    public async Task Hostile_mail_never_crashes_the_scanner_every_message_is_stored_or_quarantined_and_no_script_survives()
    {
        var folder = "hostile-" + Guid.NewGuid().ToString("N")[..8];
        var corpus = HostileMail.Build(folder);
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, corpus.Select(m => m.Raw));
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = 20);
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);

        // Every run must end Done: ScanUntilNothingNewAsync fails on an Error or a thrown exception.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runs = await harness.ScanUntilNothingNewAsync(mailboxId);
        TestContext.Current.TestOutputHelper?.WriteLine($"scanned in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(corpus.Count, runs.Sum(r => r.Fetched));
        Assert.Equal(0, runs.Sum(r => r.Skipped));
        await using var db = await harness.DbAsync();
        var stored = await db.Emails.AsNoTracking().Where(e => e.MailboxId == mailboxId).ToListAsync();
        var failed = await db.FailedMessages.AsNoTracking().Where(f => f.MailboxId == mailboxId).ToListAsync();
        Assert.True(stored.Count + failed.Count == corpus.Count,
            $"{corpus.Count} delivered, {stored.Count} stored, {failed.Count} quarantined: {corpus.Count - stored.Count - failed.Count} vanished.");
        Assert.Equal((stored.Count, failed.Count), (runs.Sum(r => r.Stored), runs.Sum(r => r.Failed)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{corpus.Count} delivered: {stored.Count} stored, {failed.Count} quarantined ({string.Join("; ", failed.Select(f => f.Error).Distinct())})");
        Assert.All(failed, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Error), $"UID {f.Uid} quarantined without a reason");
            var raw = new FileInfo(Path.Combine(harness.Database.Directory, f.RawPath!));
            Assert.True(raw.Exists && raw.Length == f.Size, $"UID {f.Uid}: the raw bytes are not kept");
        });

        // The sanitiser check must not pass vacuously: every XSS message was stored with an HTML body.
        var withHtml = stored.Where(e => e.HtmlBody is not null).ToList();
        Assert.True(withHtml.Count >= HostileMail.XssVectors.Count, $"Only {withHtml.Count} stored e-mails have HTML.");
        var sanitizer = harness.Services.GetRequiredService<EmailHtmlSanitizer>();
        foreach (var email in withHtml)
        {
            // Stored as received (sanitised when read): what leaves the database is the service's sanitised copy, and the
            // page sanitises that again for its frame. StoredHtmlReadPathTests walks the read paths themselves.
            var read = sanitizer.SanitiseForStorage(email.HtmlBody!);
            AssertInert(read, $"HTML of \"{email.Subject}\" as read from the store");
            foreach (var showImages in new[] { false, true })
            {
                var shown = sanitizer.ForDisplay(read, showImages, id => $"/attachments/{Uri.EscapeDataString(id)}");
                AssertInert(shown.Document, $"displayed HTML of \"{email.Subject}\" (images {(showImages ? "shown" : "blocked")})", wholeDocument: true);
            }
        }

        // And straight from each vector (not only what the MIME parser handed over), the way the page sanitises.
        foreach (var vector in HostileMail.XssVectors)
        {
            AssertInert(sanitizer.ForDisplay(vector, showRemoteImages: true, _ => null).Document, $"vector {vector}", wholeDocument: true);
        }
    }

    [Fact]
    public void The_inertness_check_itself_catches_each_kind_of_survivor()
    {
        // Guards the guard: were AssertInert blind, the test above would pass whatever the sanitiser let through.
        string[] live =
        [
            "<p>x</p><script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">a</a>",
            "<a href=\"&#106;avascript:alert(1)\">a</a>", "<svg onload=alert(1)></svg>", "<iframe src=x></iframe>",
            "<div style=\"width:expression(alert(1))\">d</div>", "<a href=\"vbscript:x\">v</a>", "<a href=\"data:text/html,x\">d</a>",
            "<form></form>",
        ];
        foreach (var html in live)
        {
            Assert.ThrowsAny<Exception>(() => AssertInert(html, html));
        }

        AssertInert("<p style=\"color:red\">fine <a href=\"https://example.com\">link</a> <img src=\"cid:x\"></p>", "benign");
    }

    /// <summary>
    /// Fails when the HTML holds anything that can run: script-ish elements, on* handlers, script URLs in any attribute
    /// (after entity decoding, with whitespace and control characters removed), CSS expressions or script URLs in styles.
    /// Text that merely reads "javascript:" is harmless and allowed; the check is on the parsed elements and attributes.
    /// </summary>
    internal static void AssertInert(string html, string what, bool wholeDocument = false)
    {
        Assert.DoesNotMatch(ScriptTag(), html);

        var document = new HtmlParser().ParseDocument(html);
        // The display document's own head holds exactly its CSP meta tags, <base target=_blank> and a style sheet.
        var scope = wholeDocument ? document.Body!.Descendants<IElement>() : document.All;
        foreach (var element in scope)
        {
            Assert.False(ForbiddenElements.Contains(element.LocalName), $"<{element.LocalName}> survived in {what}");
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{attribute.Name}= on <{element.LocalName}> in {what}");
                var value = Squeeze().Replace(attribute.Value, "").ToLowerInvariant();
                // A cid: URL names an attachment (its Content-ID may read "javascript:…"); the page maps it to /attachments/{id}.
                var scheme = value.StartsWith("cid:", StringComparison.Ordinal) ? "" : value;
                Assert.False(scheme.Contains("javascript:") || scheme.Contains("vbscript:") || scheme.Contains("livescript:") || scheme.StartsWith("data:text/html", StringComparison.Ordinal),
                    $"{attribute.Name}=\"{attribute.Value}\" on <{element.LocalName}> in {what}");
                Assert.False(value.Contains("expression(") || value.Contains("-moz-binding") || value.Contains("behavior:"),
                    $"{attribute.Name}=\"{attribute.Value}\" on <{element.LocalName}> in {what}");
            }

            if (element.LocalName == "style")
            {
                var css = Squeeze().Replace(element.TextContent, "").ToLowerInvariant();
                Assert.False(css.Contains("javascript:") || css.Contains("expression(") || css.Contains("-moz-binding") || css.Contains("behavior:"), $"live CSS in {what}: {element.TextContent}");
            }
        }

        if (wholeDocument)
        {
            Assert.All(document.Head!.Children, e => Assert.Contains(e.LocalName, new[] { "meta", "base", "style" }));
            Assert.Contains("script-src 'none'", document.Head.QuerySelector("meta[http-equiv='Content-Security-Policy']")?.GetAttribute("content"));
        }
    }

    [GeneratedRegex(@"<\s*/?\s*script", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"[\s\u0000-\u001f]+")]
    private static partial Regex Squeeze();
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using static Microsoft.Playwright.Assertions;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attacks: framing the app (clickjacking), injected script, MIME sniffing, leaking URLs through the Referer, stealing the
/// sign-in cookie over plain http, and a client spoofing X-Forwarded-Proto/For. Checked live against the running app on
/// Kestrel over http and over https with a self-signed certificate on loopback.
/// </summary>
public sealed class SecurityHeadersTests
{
    private const string Password = "Right-password-1";

    private static void AssertBrowserProtections(HttpResponseMessage response, string what)
    {
        var csp = Single(response, "Content-Security-Policy", what);
        foreach (var directive in new[] { "default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'" })
        {
            Assert.True(csp.Contains(directive, StringComparison.Ordinal), $"{what}: CSP lacks {directive}: {csp}");
        }

        var scripts = Regex.Match(csp, "script-src ([^;]*)").Groups[1].Value;
        Assert.DoesNotContain("'unsafe-inline'", scripts, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", scripts, StringComparison.Ordinal);
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options", what));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy", what));
    }

    private static string Single(HttpResponseMessage response, string header, string what)
    {
        Assert.True(response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values),
            $"{what} ({(int)response.StatusCode}) has no {header} header.");
        return Assert.Single(values);
    }

    private static bool HasHsts(HttpResponseMessage response) => response.Headers.Contains("Strict-Transport-Security");

    [Fact]
    public async Task Over_http_every_response_carries_the_policy_and_cookies_are_http_only_without_hsts()
    {
        await using var app = new PrivateMailAppFactory();
        await app.CreateUserAsync("jan", Password, administrator: true);
        var container = new CookieContainer();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = container })
        {
            BaseAddress = new Uri(app.BaseAddress + "/"),
        };

        foreach (var path in new[] { "Account/Login", "css/app.css", "_framework/blazor.web.js", "no-such-page", "my-settings" })
        {
            using var response = await client.GetAsync(path);
            AssertBrowserProtections(response, path);
            Assert.False(HasHsts(response), $"{path}: HSTS over plain http");
        }

        // The one inline script, the framework's import map, carries this response's nonce; no other inline script exists.
        using (var login = await client.GetAsync("Account/Login"))
        {
            var nonce = Regex.Match(Single(login, "Content-Security-Policy", "login"), "'nonce-([^']+)'").Groups[1].Value;
            Assert.True(nonce.Length >= 16, "The policy has no nonce.");
            var html = await login.Content.ReadAsStringAsync();
            var inline = Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>").Select(m => m.Value).ToList();
            var script = Assert.Single(inline);
            Assert.Contains("type=\"importmap\"", script, StringComparison.Ordinal);
            Assert.Contains($"nonce=\"{nonce}\"", script, StringComparison.Ordinal);
        }

        await PrivateMailAppFactory.SignInAsync(client, "jan", Password);
        var cookies = container.GetAllCookies().ToList();
        var auth = Assert.Single(cookies, c => c.Name == ".AspNetCore.Identity.Application");
        Assert.True(auth.HttpOnly);
        // Plain http (development, or a proxy that is not declared): a Secure cookie would never come back.
        Assert.False(auth.Secure);
        Assert.All(cookies.Where(c => c.Name.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)), c => Assert.True(c.HttpOnly));
    }

    [Fact]
    public async Task Over_https_the_cookies_are_secure_and_hsts_is_sent()
    {
        using var certificate = TestCertificates.SelfSigned();
        await using var app = new PrivateMailAppFactory(certificate)
        {
            ConfigureTestServices = s => s.Configure<HstsOptions>(o => o.ExcludedHosts.Clear()),
        };
        app.Settings["PrivateMail:PublicBaseUrl"] = "https://127.0.0.1";
        await app.CreateUserAsync("jan", Password, administrator: true);
        Assert.StartsWith("https://", app.BaseAddress, StringComparison.Ordinal);
        var container = new CookieContainer();
        using var client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = container,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
        })
        { BaseAddress = new Uri(app.BaseAddress + "/") };

        using (var login = await client.GetAsync("Account/Login"))
        {
            AssertBrowserProtections(login, "https Account/Login");
            var hsts = Single(login, "Strict-Transport-Security", "https Account/Login");
            Assert.Equal("max-age=31536000", hsts);
            var antiforgery = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
            Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        }

        await PrivateMailAppFactory.SignInAsync(client, "jan", Password);
        var auth = Assert.Single(container.GetAllCookies(), c => c.Name == ".AspNetCore.Identity.Application");
        Assert.True(auth.Secure);
        Assert.True(auth.HttpOnly);
    }

    [Fact]
    public async Task A_spoofed_forwarded_proto_is_ignored_unless_a_proxy_is_configured()
    {
        await using var direct = new PrivateMailAppFactory { ConfigureTestServices = s => s.Configure<HstsOptions>(o => o.ExcludedHosts.Clear()) };
        await direct.CreateUserAsync("jan", Password, administrator: true);
        using (var client = direct.CreateHttpClient())
        {
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, "Account/Login") { Headers = { { "X-Forwarded-Proto", "https" } } };
            using var response = await client.SendAsync(spoofed);
            Assert.False(HasHsts(response), "A client's own X-Forwarded-Proto was believed.");
        }

        // Behind a declared proxy (here on loopback, the default) the forwarded scheme counts: HSTS and secure cookies.
        await using var proxied = new PrivateMailAppFactory { ConfigureTestServices = s => s.Configure<HstsOptions>(o => o.ExcludedHosts.Clear()) };
        proxied.Settings["PrivateMail:ForwardedHeaders:Enabled"] = "true";
        await proxied.CreateUserAsync("jan", Password, administrator: true);
        using (var client = proxied.CreateHttpClient())
        {
            using var forwarded = new HttpRequestMessage(HttpMethod.Get, "Account/Login") { Headers = { { "X-Forwarded-Proto", "https" } } };
            using var response = await client.SendAsync(forwarded);
            Assert.True(HasHsts(response), "The declared proxy's X-Forwarded-Proto was ignored.");
            var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
            Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>
/// The Content-Security-Policy measured in Chromium: every page of the app (generated from its endpoint table), an
/// e-mail with an HTML body in its sandboxed frame, the set-up and sign-in pages — Blazor becomes interactive and the
/// browser reports no CSP violation on any of them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "Right-password-1";
    private readonly PrivateMailAppFactory _app = new();
    private BrowserSession _session = null!;

    public async ValueTask InitializeAsync() => _session = await browser.NewSessionAsync(_app.BaseAddress);

    public async ValueTask DisposeAsync()
    {
        await _session.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task No_page_breaks_the_policy_and_the_html_mail_frame_still_renders()
    {
        var violations = new List<string>();
        var page = await _session.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add($"{page.Url}: {message.Text}");
                }
            }
        };

        // First run: the set-up page, with the code from the data folder, under the policy.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        await page.Locator("#setup-code").FillAsync(_app.ReadSetupCode());
        await page.Locator("#setup-username").FillAsync("admin");
        await page.Locator("#setup-first-name").FillAsync("Ada");
        await page.Locator("#setup-last-name").FillAsync("Lovelace");
        await page.Locator("#setup-email").FillAsync("admin@example.test");
        await page.Locator("#setup-password").FillAsync(Password);
        await page.Locator("#setup-confirm").FillAsync(Password);
        await page.Locator("#setup-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await EndToEnd.JourneySteps.SignInAsync(page, "admin", Password);

        var adminId = await UserIdAsync("admin");
        await _app.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, adminId);
        var make = new RecordFactory(_app.Services);
        var contact = await make.ContactAsync(adminId, "Csp", "Contact", "csp@customer.example");
        var email = await make.EmailAsync(adminId, "Html mail", html:
            "<html><body><p style=\"color:#c00\">Styled <b>HTML</b> body</p><img alt=\"dot\" src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"></body></html>");

        var pages = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => !r.Contains('{', StringComparison.Ordinal) && r != "/setup" && !r.StartsWith("/Account", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal)
            .Concat([$"/emails/{email}", $"/contacts/{contact}", $"/contacts/{contact}/edit", "/my-settings/mailbox", "/no-such-page"])
            .ToList();
        Assert.Contains("/admin/mail-servers", pages);

        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            if (path != "/Error")
            {
                await page.WaitForBlazorAsync();
            }
        }

        // The e-mail's HTML in its sandboxed srcdoc frame: rendered, inline style applied, under the inherited policy.
        await page.GotoAsync($"/emails/{email}");
        await page.WaitForBlazorAsync();
        var body = page.FrameLocator("#email-html").Locator("p").First;
        await Expect(body).ToHaveTextAsync("Styled HTML body");
        await Expect(body).ToHaveCSSAsync("color", "rgb(204, 0, 0)");

        // Interactive after all those loads: a MudBlazor menu opens (circuit, WebSocket and MudBlazor's script allowed).
        await page.Locator("#user-menu-button").ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(1);

        await page.GotoAsync("/Account/Lockout");
        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations));
        TestContext.Current.TestOutputHelper?.WriteLine($"{pages.Count} pages loaded with no CSP violation: {string.Join(" ", pages)}");
    }

    private async Task<string> UserIdAsync(string userName)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
    }
}

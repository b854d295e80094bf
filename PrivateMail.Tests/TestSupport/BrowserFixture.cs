using Microsoft.Playwright;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// One headless Chromium (the Debian package, driven by Playwright) for the <see cref="BrowserCollection"/>;
/// each test gets its own <see cref="BrowserSession"/>, i.e. a fresh browser context with no cookies.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture has not been initialised.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. Run ./test.sh once: it installs the Debian 'chromium' package " +
                "the browser tests use (do not run 'playwright install').");
        }

        // Blazor round-trips over the circuit; a loaded 2-core CI machine needs more than Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            Headless = true,
            ExecutablePath = ChromiumPath,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh context (own cookies and storage) whose relative URLs resolve against <paramref name="baseAddress"/>.</summary>
    public async Task<BrowserSession> NewSessionAsync(string baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress,
            // Labels asserted by the tests are English; the app picks the language from Accept-Language.
            Locale = "en-US",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        return new BrowserSession(context);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// A browser context for one test. Dispose it from the test class's <c>DisposeAsync</c> (not inside the test method):
/// then the test's outcome is known and, when it failed, every open page is saved as a screenshot and HTML file
/// under <c>browser-failures/</c> in the test output folder, with the browser console errors.
/// </summary>
public sealed class BrowserSession(IBrowserContext context) : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public IBrowserContext Context { get; } = context;

    /// <summary>Console errors and uncaught exceptions from every page of this session, in order.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                AddError($"console: {message.Text} ({message.Location})");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                AddError($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        page.PageError += (_, error) => AddError($"page error: {error}");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (TestContext.Current.TestState?.Result == TestResult.Failed)
            {
                await SaveFailureArtifactsAsync();
            }
        }
        finally
        {
            await Context.CloseAsync();
        }
    }

    private void AddError(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    private async Task SaveFailureArtifactsAsync()
    {
        var name = string.Concat((TestContext.Current.Test?.TestDisplayName ?? "test").Select(c => char.IsLetterOrDigit(c) ? c : '_'));
        if (name.Length > 120)
        {
            name = name[..120];
        }

        var folder = Path.Combine(AppContext.BaseDirectory, "browser-failures");
        Directory.CreateDirectory(folder);
        var index = 0;
        foreach (var page in Context.Pages)
        {
            index++;
            var stem = Path.Combine(folder, $"{name}-page{index}");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = stem + ".png", FullPage = true, Timeout = 5_000 });
                await File.WriteAllTextAsync(stem + ".html", $"<!-- {page.Url} -->\n" + await page.ContentAsync());
                TestContext.Current.SendDiagnosticMessage($"Saved {stem}.png and .html ({page.Url})");
            }
            catch (PlaywrightException e)
            {
                TestContext.Current.SendDiagnosticMessage($"Could not capture page {index} ({page.Url}): {e.Message}");
            }
        }

        await File.WriteAllLinesAsync(Path.Combine(folder, $"{name}-errors.txt"), Errors);
    }
}

/// <summary>Waiting for Blazor Server: a click sent before the circuit has attached its event handlers is lost.</summary>
public static class BlazorPageExtensions
{
    /// <summary>Waits until the page is interactive. Call after every full page load (goto, reload, sign-in) of an interactive page.</summary>
    public static async Task WaitForBlazorAsync(this IPage page, float timeoutMs = 15_000)
    {
        // MainLayout renders data-interactive="true" only once the circuit renders; prerendered markup says "false".
        await page.Locator("[data-interactive=true]").First.WaitForAsync(new LocatorWaitForOptions { Timeout = timeoutMs });
    }
}

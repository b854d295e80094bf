using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner.Settings;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>
/// System configuration → Mail tools → Scanner settings: validated with the ranges ScannerOptions declares, stored in one
/// row, seen by the scanner's settings service at once, reset to the configured defaults; administrators only.
/// </summary>
public sealed class ScannerSettingsPageTests : MailServerTestContext
{
    private ScannerSettingsAdmin Admin => Services.GetRequiredService<ScannerSettingsAdmin>();

    private ScannerSettingsService Effective => Services.GetRequiredService<ScannerSettingsService>();

    private IRenderedComponent<MailServersHost> RenderPage()
    {
        var page = Render<MailServersHost>(p => p.AddChildContent<ScannerSettingsPage>());
        page.WaitForElement("#scanner-settings");
        return page;
    }

    private async Task<ScannerAdminSettings?> RowAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.ScannerAdminSettings.AsNoTracking().SingleOrDefaultAsync();
    }

    [Fact]
    public async Task Saved_values_are_stored_in_one_row_and_the_scanner_reads_them_at_once()
    {
        var page = RenderPage();
        Assert.Contains("The defaults from the configuration file are in force.", page.Markup);
        Assert.Equal("2000", page.Find("#scanner-settings-MaxMessagesPerRun").GetAttribute("value"));
        page.Find("#scanner-settings-MaxMessagesPerRun").Input("3");
        page.Find("#scanner-settings-TicketCapPerSenderPerHour").Input("2");
        page.Find("#scanner-settings-IntervalSeconds").Input("10");
        await page.Find("#scanner-settings-policy-BindNoneAndFlag").ClickAsync(new MouseEventArgs());

        await page.Find("#scanner-settings-save").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("Scanner settings saved", page.Markup));
        var row = await RowAsync();
        Assert.NotNull(row);
        Assert.Equal((3, 2, 10, AmbiguityPolicy.BindNoneAndFlag), (row.MaxMessagesPerRun, row.TicketCapPerSenderPerHour, row.IntervalSeconds, row.AmbiguityPolicy));
        var next = await Effective.GetAsync();
        Assert.Equal((3, 2, 10, AmbiguityPolicy.BindNoneAndFlag), (next.MaxMessagesPerRun, next.TicketCapPerSenderPerHour, next.IntervalSeconds, next.AmbiguityPolicy));
        // Untouched values keep the defaults, in the option's own unit.
        Assert.Equal((32L * 1024 * 1024, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30)), (next.BatchBytes, next.TimeBudget, next.HistoryRetention));
        Assert.Equal(2000, Effective.Defaults.MaxMessagesPerRun);
    }

    [Fact]
    public async Task Values_outside_the_declared_ranges_are_refused_next_to_their_fields_and_nothing_typed_is_lost()
    {
        var page = RenderPage();
        page.Find("#scanner-settings-BatchSize").Input("0");
        page.Find("#scanner-settings-TimeBudgetSeconds").Input("7200");
        page.Find("#scanner-settings-MaxMessagesPerRun").Input("5");

        await page.Find("#scanner-settings-save").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("Enter a whole number from 1 to 1000.", page.Markup));
        Assert.Contains("Enter a whole number from 5 to 3600.", page.Markup);
        Assert.Equal("0", page.Find("#scanner-settings-BatchSize").GetAttribute("value"));
        Assert.Equal("7200", page.Find("#scanner-settings-TimeBudgetSeconds").GetAttribute("value"));
        Assert.Equal("5", page.Find("#scanner-settings-MaxMessagesPerRun").GetAttribute("value"));
        Assert.Null(await RowAsync());
        Assert.Equal(2000, (await Effective.GetAsync()).MaxMessagesPerRun);
    }

    [Fact]
    public async Task The_server_refuses_invalid_values_without_the_page_in_the_users_language()
    {
        var (form, _, _) = await Admin.GetAsync();
        form.BatchKilobytes = 0;
        form.HistoryRetentionDays = null;
        form.IntervalMinutes = 60;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("pl");

        var result = await Admin.SaveAsync(form);

        Assert.False(result.Succeeded);
        Assert.Equal(["BatchKilobytes", "HistoryRetentionDays", "IntervalMinutes"], result.FieldErrors.Keys.Order());
        Assert.Equal("Wpisz liczbę całkowitą od 1 do 59.", result.FieldErrors["IntervalMinutes"]);
        Assert.Null(await RowAsync());
    }

    [Fact]
    public async Task Reset_to_defaults_deletes_the_row_and_the_configured_values_apply_again()
    {
        var (form, customised, _) = await Admin.GetAsync();
        Assert.False(customised);
        form.MaxMessagesPerRun = 7;
        Assert.True((await Admin.SaveAsync(form)).Succeeded);
        Assert.Equal(7, (await Effective.GetAsync()).MaxMessagesPerRun);
        var page = RenderPage();
        Assert.Contains("Values saved by an administrator are in force.", page.Markup);
        Assert.Equal("7", page.Find("#scanner-settings-MaxMessagesPerRun").GetAttribute("value"));

        await page.Find("#scanner-settings-reset").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("2000", page.Find("#scanner-settings-MaxMessagesPerRun").GetAttribute("value")));
        Assert.Null(await RowAsync());
        Assert.Equal(2000, (await Effective.GetAsync()).MaxMessagesPerRun);
    }

    [Fact]
    public async Task A_non_administrator_can_neither_read_save_nor_reset_them()
    {
        var userId = await CreateUserAsync("jan");
        SignIn("jan", userId);
        var form = ScannerSettingsForm.From(Effective.Defaults);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.GetAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.SaveAsync(form));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Admin.ResetAsync());
        Assert.Null(await RowAsync());
    }

    [Fact]
    public void Every_field_has_a_visible_label()
    {
        var page = RenderPage();

        foreach (var input in page.FindAll("#scanner-settings input[id^='scanner-settings-']"))
        {
            var id = input.GetAttribute("id");
            // A number field's label points at it; a radio button sits inside its label.
            var label = page.FindAll($"label[for='{id}']").FirstOrDefault() ?? input.Closest("label");
            Assert.True(label is not null && label.TextContent.Trim().Length > 0, $"{id} has no label");
        }
    }
}

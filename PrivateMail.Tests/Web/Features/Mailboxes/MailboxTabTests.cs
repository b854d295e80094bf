using System.Net;
using System.Net.Sockets;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport.Components;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

public sealed class MailboxTabTests : MailboxTestContext
{
    private const string Secret = "S3cret-Pa55word!";

    private IRenderedComponent<WithPopovers> RenderTab()
    {
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");
        return page;
    }

    private static bool IsChecked(IRenderedComponent<WithPopovers> page, string id) => page.Find(id).HasAttribute("checked");

    private static List<string?> Chips(IRenderedComponent<WithPopovers> page, string list) =>
        page.FindAll($"#{list}-chips [data-chip]").Select(c => c.GetAttribute("data-chip")).ToList();

    private static async Task SaveAsync(IRenderedComponent<WithPopovers> page) => await page.Find("#mailbox-save").ClickAsync(new MouseEventArgs());

    /// <summary>A loopback port nobody listens on: connecting is refused at once.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Without_an_offered_server_the_tab_says_an_administrator_must_add_one()
    {
        var page = RenderMailboxTab();

        page.WaitForAssertion(() => Assert.Contains("An administrator must first add a mail server", page.Find("#mailbox-no-servers").TextContent));
        Assert.Empty(page.FindAll("#mailbox-form"));
    }

    [Fact]
    public async Task The_sections_have_headings_and_a_new_mailbox_starts_with_inbox_create_and_bind_and_every_search_field()
    {
        await AddServerAsync("Company mail");

        var page = RenderTab();

        Assert.Contains("Basic information", page.Find("#mailbox-section-basic h6").TextContent);
        Assert.Contains("Status", page.Find("#mailbox-section-status h6").TextContent);
        Assert.Contains("Folders to scan", page.Find("#mailbox-section-folders h6").TextContent);
        Assert.Contains("Mail scanner", page.Find("#mailbox-section-scanner h6").TextContent);
        Assert.Equal("Mailbox – Jan Tester", page.Find("#mailbox-name").GetAttribute("value"));
        Assert.Equal(["INBOX"], page.FindAll("#mailbox-folders-chosen [data-chip]").Select(c => c.GetAttribute("data-chip")));
        Assert.True(IsChecked(page, "#mailbox-action-CreateEmail"));
        Assert.True(IsChecked(page, "#mailbox-action-BindEmail"));
        Assert.False(IsChecked(page, "#mailbox-action-OpenTicket"));
        Assert.False(IsChecked(page, "#mailbox-action-CreateTicket"));
        Assert.Equal(SearchFields.All.Count, page.FindAll("#mailbox-search-fields input[checked]").Count);
        Assert.Contains("Contacts – E-mail", page.Find("#mailbox-search-fields").TextContent);
        Assert.Contains("Tickets – Number in the subject", page.Find("#mailbox-search-fields").TextContent);
        Assert.True(IsChecked(page, "#mailbox-active"));
        Assert.Empty(page.FindAll("#mailbox-password-set"));
    }

    [Fact]
    public async Task The_password_is_write_only_after_saving_it_is_never_rendered_and_a_blank_save_keeps_it()
    {
        await AddServerAsync("Company mail");
        var page = RenderTab();
        page.Find("#mailbox-login").Input("jan");
        page.Find("#mailbox-password").Input(Secret);

        await SaveAsync(page);

        page.WaitForAssertion(() => Assert.Contains("A password is set — type to replace it.", page.Find("#mailbox-password-set").TextContent));
        Assert.DoesNotContain(Secret, page.Markup);
        Assert.True(string.IsNullOrEmpty(page.Find("#mailbox-password").GetAttribute("value")));
        Assert.Equal(Secret, StoredPassword((await LoadMailboxAsync(JanId))!));

        // A fresh render (as after a reload) shows the hint, an empty box, and nowhere the secret.
        await DisposeComponentsAsync();
        var again = RenderTab();
        Assert.DoesNotContain(Secret, again.Markup);
        Assert.True(string.IsNullOrEmpty(again.Find("#mailbox-password").GetAttribute("value")));
        Assert.NotNull(again.Find("#mailbox-password-set"));

        again.Find("#mailbox-name").Input("Renamed without retyping the password");
        await SaveAsync(again);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal("Renamed without retyping the password", stored.Name);
        Assert.Equal(Secret, StoredPassword(stored));
    }

    [Fact]
    public async Task A_first_save_without_password_shows_the_field_error_and_keeps_everything_typed()
    {
        await AddServerAsync("Company mail");
        var page = RenderTab();
        page.Find("#mailbox-name").Input("My work mail");
        page.Find("#mailbox-login").Input("jan@example.test");
        page.Find("#mailbox-action-OpenTicket").Change(true);

        await SaveAsync(page);

        page.WaitForAssertion(() => Assert.Contains("Password is required.", page.Find("#mailbox-section-basic").TextContent));
        Assert.Equal("My work mail", page.Find("#mailbox-name").GetAttribute("value"));
        Assert.Equal("jan@example.test", page.Find("#mailbox-login").GetAttribute("value"));
        Assert.True(IsChecked(page, "#mailbox-action-OpenTicket"));
        Assert.Null(await LoadMailboxAsync(JanId));
    }

    [Fact]
    public async Task Ticking_bind_ticks_create_unticking_create_unticks_bind_and_what_is_saved_is_consistent()
    {
        await AddServerAsync("Company mail");
        var page = RenderTab();
        Assert.Contains("Needs Create e-mail.", page.Find("#mailbox-actions").TextContent);

        page.Find("#mailbox-action-CreateEmail").Change(false);
        Assert.False(IsChecked(page, "#mailbox-action-CreateEmail"));
        Assert.False(IsChecked(page, "#mailbox-action-BindEmail"));

        page.Find("#mailbox-action-BindEmail").Change(true);
        Assert.True(IsChecked(page, "#mailbox-action-CreateEmail"));
        Assert.True(IsChecked(page, "#mailbox-action-BindEmail"));

        page.Find("#mailbox-action-CreateEmail").Change(false);
        page.Find("#mailbox-action-CreateTicket").Change(true);
        Assert.False(IsChecked(page, "#mailbox-action-BindEmail"));
        page.Find("#mailbox-login").Input("jan");
        page.Find("#mailbox-password").Input("pw");
        await SaveAsync(page);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal(ScannerActions.CreateTicket, stored.Actions);
        Assert.True(ScannerActionRules.IsConsistent(stored.Actions));
    }

    [Fact]
    public async Task Exception_chips_add_normalised_values_refuse_invalid_ones_in_place_and_accept_star_at_domains()
    {
        await AddServerAsync("Company mail");
        var page = RenderTab();

        page.Find("#mailbox-email-exception-input").Input("Jan.Kowalski@Example.COM");
        page.Find("#mailbox-email-exception-input").KeyDown(Key.Enter);
        page.WaitForAssertion(() => Assert.Equal(["jan.kowalski@example.com"], Chips(page, "mailbox-email-exceptions")));
        Assert.True(string.IsNullOrEmpty(page.Find("#mailbox-email-exception-input").GetAttribute("value")));

        page.Find("#mailbox-email-exception-input").Input("not-an-address");
        page.Find("#mailbox-email-exception-input").KeyDown(Key.Enter);
        page.WaitForAssertion(() => Assert.Contains("“not-an-address” is not a valid e-mail address.", page.Find("#mailbox-email-exceptions").TextContent));
        Assert.Equal("not-an-address", page.Find("#mailbox-email-exception-input").GetAttribute("value"));
        Assert.Equal(["jan.kowalski@example.com"], Chips(page, "mailbox-email-exceptions"));

        page.Find("#mailbox-domain-exception-input").Input("*@Newsletter.Example.org");
        page.Find("#mailbox-domain-exception-input").KeyDown(Key.Enter);
        page.WaitForAssertion(() => Assert.Equal(["newsletter.example.org"], Chips(page, "mailbox-domain-exceptions")));

        page.Find("#mailbox-domain-exception-input").Input("no spaces.com");
        page.Find("#mailbox-domain-exception-input").KeyDown(Key.Enter);
        page.WaitForAssertion(() => Assert.Contains("“no spaces.com” is not a valid domain.", page.Find("#mailbox-domain-exceptions").TextContent));
    }

    [Fact]
    public async Task Text_left_in_a_chip_box_is_added_on_save_or_stops_the_save_with_its_error()
    {
        await AddServerAsync("Company mail");
        var page = RenderTab();
        page.Find("#mailbox-login").Input("jan");
        page.Find("#mailbox-password").Input("pw");
        page.Find("#mailbox-email-exception-input").Input("broken@");

        await SaveAsync(page);

        page.WaitForAssertion(() => Assert.Contains("“broken@” is not a valid e-mail address.", page.Find("#mailbox-email-exceptions").TextContent));
        Assert.Null(await LoadMailboxAsync(JanId));

        page.Find("#mailbox-email-exception-input").Input("Fixed@Example.com");
        await SaveAsync(page);

        Assert.Equal(["fixed@example.com"], (await LoadMailboxAsync(JanId))!.EmailExceptions);
    }

    [Fact]
    public async Task Removing_every_chip_and_saving_stores_empty_lists()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.EmailExceptions = ["a@example.com", "b@example.com"];
        model.DomainExceptions = ["spam.example"];
        await SaveOrFailAsync(model);
        var page = RenderTab();
        Assert.Equal(["a@example.com", "b@example.com"], Chips(page, "mailbox-email-exceptions"));

        while (page.FindAll("#mailbox-email-exceptions-chips .mud-chip-close-button, #mailbox-domain-exceptions-chips .mud-chip-close-button") is { Count: > 0 } buttons)
        {
            buttons[0].Click();
        }

        Assert.Contains("None yet.", page.Find("#mailbox-email-exceptions").TextContent);
        await SaveAsync(page);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Empty(stored.EmailExceptions);
        Assert.Empty(stored.DomainExceptions);
        Assert.Contains("None yet.", page.Find("#mailbox-domain-exceptions").TextContent);
    }

    [Fact]
    public async Task Folders_not_loaded_yet_show_the_chosen_ones_and_a_closed_port_shows_the_localised_error()
    {
        var port = ClosedPort();
        var model = await ValidModelAsync(await AddServerAsync("Unreachable", port: port));
        model.Folders = ["INBOX", "Projects/2026"];
        await SaveOrFailAsync(model);
        var page = RenderTab();

        Assert.Equal("NotLoaded", page.Find("#mailbox-folders").GetAttribute("data-state"));
        Assert.Equal(["INBOX", "Projects/2026"], page.FindAll("#mailbox-folders-chosen [data-chip]").Select(c => c.GetAttribute("data-chip")));

        await page.Find("#mailbox-load-folders").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("Error", page.Find("#mailbox-folders").GetAttribute("data-state")), TimeSpan.FromSeconds(20));
        Assert.Contains($"127.0.0.1 refused the connection on port {port}.", page.Find("#mailbox-folders-error").TextContent);
        Assert.Contains("The folders could not be loaded.", page.Find("#mailbox-folders-error").TextContent);
        // The chosen folders are still there to see.
        Assert.Equal(2, page.FindAll("#mailbox-folders-chosen [data-chip]").Count);
    }

    [Fact]
    public async Task Test_connection_against_a_closed_port_reports_the_failure_in_an_alert()
    {
        var port = ClosedPort();
        await AddServerAsync("Unreachable", port: port);
        var page = RenderTab();
        page.Find("#mailbox-login").Input("jan");
        page.Find("#mailbox-password").Input("pw");

        await page.Find("#mailbox-test").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("false", page.Find("#mailbox-test-result").GetAttribute("data-succeeded")), TimeSpan.FromSeconds(20));
        Assert.Contains($"refused the connection on port {port}", page.Find("#mailbox-test-result").TextContent);
    }

    [Fact]
    public async Task Only_active_and_visible_servers_are_in_the_server_list()
    {
        await AddServerAsync("Offered one");
        await AddServerAsync("Offered two");
        await AddServerAsync("Hidden", visible: false);
        await AddServerAsync("Switched off", active: false);
        var page = RenderTab();

        page.Find("#mailbox-section-basic .mud-select .mud-input-control").MouseDown();

        page.WaitForAssertion(() => Assert.Equal(["Offered one", "Offered two"],
            page.FindAll(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim())));
    }

    [Fact]
    public async Task An_oauth_server_offers_sign_in_with_the_provider_marks_the_login_optional_and_hides_the_password()
    {
        await AddServerAsync("Microsoft 365", auth: MailAuthMethod.OAuth2, provider: OAuthProvider.Microsoft);

        var page = RenderTab();

        var signIn = page.Find("#mailbox-oauth-signin");
        Assert.Contains("Sign in with Microsoft", signIn.TextContent);
        Assert.False(signIn.HasAttribute("disabled"));
        Assert.Equal("NotSignedIn", page.Find("#mailbox-oauth").GetAttribute("data-state"));
        Assert.Contains("Login (optional)", page.Find("#mailbox-section-basic").TextContent);
        Assert.Empty(page.FindAll("#mailbox-password"));
    }

    [Fact]
    public async Task A_locked_mailbox_shows_the_last_error_and_its_time_in_the_users_time_zone_and_can_be_switched_off()
    {
        await SaveOrFailAsync(await ValidModelAsync(await AddServerAsync("Company mail")));
        await using (var db = await CreateDbAsync())
        {
            var user = await db.Users.SingleAsync(u => u.Id == JanId);
            user.TimeZone = "Europe/Warsaw";
            var mailbox = await db.Mailboxes.SingleAsync(m => m.OwnerId == JanId);
            mailbox.Status = MailboxStatus.Locked;
            mailbox.LastError = "The server refused the login or password.";
            mailbox.LastErrorAt = new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
            await db.SaveChangesAsync();
        }

        var page = RenderTab();

        var locked = page.Find("#mailbox-locked").TextContent;
        Assert.Contains("Locked by the mail scanner on 2026-03-01 13:30 (Europe/Warsaw)", locked);
        Assert.Contains("Last error: The server refused the login or password.", locked);
        Assert.Equal("Locked", page.Find("#mailbox-status").TextContent.Trim());

        page.Find("#mailbox-active").Change(false);
        Assert.Equal("Inactive", page.Find("#mailbox-status").TextContent.Trim());
        await SaveAsync(page);
        Assert.Equal(MailboxStatus.Inactive, (await LoadMailboxAsync(JanId))!.Status);
    }

    [Fact]
    public async Task In_polish_the_tab_speaks_polish_including_its_validation_messages()
    {
        UseCulture("pl");
        await AddServerAsync("Poczta firmowa");
        var page = RenderTab();

        Assert.Contains("Informacje podstawowe", page.Find("#mailbox-section-basic h6").TextContent);
        Assert.Contains("Foldery do skanowania", page.Find("#mailbox-section-folders h6").TextContent);
        Assert.Contains("Skaner poczty", page.Find("#mailbox-section-scanner h6").TextContent);
        Assert.Contains("Powiąż wiadomość e-mail", page.Find("#mailbox-actions").TextContent);
        Assert.Contains("Wymaga akcji Stwórz e-maila.", page.Find("#mailbox-actions").TextContent);
        Assert.Contains("Kontakty – E-mail", page.Find("#mailbox-search-fields").TextContent);
        Assert.Equal("Skrzynka – Jan Tester", page.Find("#mailbox-name").GetAttribute("value"));
        Assert.Contains("Zapisz", page.Find("#mailbox-save").TextContent);

        page.Find("#mailbox-email-exception-input").Input("zły adres");
        page.Find("#mailbox-email-exception-input").KeyDown(Key.Enter);
        page.WaitForAssertion(() => Assert.Contains("„zły adres” nie jest poprawnym adresem e-mail.", page.Find("#mailbox-email-exceptions").TextContent));

        page.Find("#mailbox-email-exception-input").Input("");
        await SaveAsync(page);
        page.WaitForAssertion(() => Assert.Contains("Hasło: pole wymagane.", page.Find("#mailbox-section-basic").TextContent));
    }
}

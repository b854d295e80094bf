using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Mailboxes;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

public sealed class MailboxServiceTests : MailboxTestContext
{
    [Fact]
    public async Task A_user_without_a_mailbox_gets_null_and_sensible_defaults_for_a_new_one()
    {
        var serverId = await AddServerAsync("Company mail");

        Assert.Null(await Mailboxes.GetAsync());
        var model = await Mailboxes.CreateDefaultAsync();

        Assert.False(model.Exists);
        Assert.Equal("Mailbox – Jan Tester", model.Name);
        Assert.Equal(serverId, model.MailServerId);
        Assert.Equal(["INBOX"], model.Folders);
        Assert.Equal(ScannerActions.CreateEmail | ScannerActions.BindEmail, model.Actions);
        Assert.Equal(SearchFields.DefaultKeys, model.SearchFields);
        Assert.Empty(model.EmailExceptions);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30), DateOnly.FromDateTime(model.ImportSince!.Value));
        Assert.Equal("", model.Password);
    }

    [Fact]
    public async Task Only_active_and_visible_servers_are_offered()
    {
        var offered = await AddServerAsync("Offered");
        await AddServerAsync("Hidden", visible: false);
        await AddServerAsync("Inactive", active: false);
        await AddServerAsync("Both off", active: false, visible: false);

        var servers = await Mailboxes.GetSelectableServersAsync();

        var only = Assert.Single(servers);
        Assert.Equal((offered, "Offered", true), (only.Id, only.Name, only.IsOffered));
    }

    [Fact]
    public async Task The_mailboxs_own_server_stays_selectable_and_flagged_after_an_administrator_hides_it()
    {
        var serverId = await AddServerAsync("Old server");
        await AddServerAsync("New server");
        await SaveOrFailAsync(await ValidModelAsync(serverId));

        await SetServerAsync(serverId, active: true, visible: false);

        var servers = await Mailboxes.GetSelectableServersAsync();
        Assert.False(Assert.Single(servers, s => s.Id == serverId).IsOffered);
        Assert.True(Assert.Single(servers, s => s.Name == "New server").IsOffered);
        // The owner can still save (e.g. to switch the mailbox off) without being forced to move first.
        var model = (await Mailboxes.GetAsync())!;
        model.Status = MailboxStatus.Inactive;
        await SaveOrFailAsync(model);
        Assert.Equal(MailboxStatus.Inactive, (await LoadMailboxAsync(JanId))!.Status);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_hidden_or_inactive_server_is_refused_even_when_posted(bool active, bool visible)
    {
        var withdrawn = await AddServerAsync("Withdrawn", active: active, visible: visible);
        var model = await ValidModelAsync(withdrawn);

        var result = await Mailboxes.SaveAsync(model);

        Assert.Equal("Choose one of the offered servers.", result.FieldErrors[nameof(MailboxModel.MailServerId)]);
        Assert.Null(await LoadMailboxAsync(JanId));
        Assert.False((await Mailboxes.TestConnectionAsync(model)).Succeeded);
        Assert.False((await Mailboxes.LoadFoldersAsync(model)).Succeeded);
    }

    [Fact]
    public async Task A_server_that_does_not_exist_is_refused()
    {
        await AddServerAsync("Company mail");
        var model = await ValidModelAsync(serverId: 999);

        var result = await Mailboxes.SaveAsync(model);

        Assert.True(result.FieldErrors.ContainsKey(nameof(MailboxModel.MailServerId)));
    }

    [Fact]
    public async Task First_save_on_a_login_server_needs_name_login_and_password_and_reports_each_on_its_field()
    {
        var serverId = await AddServerAsync("Company mail");
        var model = await ValidModelAsync(serverId, password: "");
        model.Name = "  ";
        model.Login = "";

        var result = await Mailboxes.SaveAsync(model);

        Assert.Equal("Name is required.", result.FieldErrors[nameof(MailboxModel.Name)]);
        Assert.Equal("Login is required.", result.FieldErrors[nameof(MailboxModel.Login)]);
        Assert.Equal("Password is required.", result.FieldErrors[nameof(MailboxModel.Password)]);
        Assert.Null(await LoadMailboxAsync(JanId));
    }

    [Fact]
    public async Task A_name_longer_than_100_characters_is_refused()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.Name = new string('x', 101);

        var result = await Mailboxes.SaveAsync(model);

        Assert.Equal("Name can be at most 100 characters long.", result.FieldErrors[nameof(MailboxModel.Name)]);
    }

    [Fact]
    public async Task With_an_oauth_server_login_and_password_are_optional()
    {
        var serverId = await AddServerAsync("Google Workspace", auth: MailAuthMethod.OAuth2, provider: OAuthProvider.Google);
        var model = await ValidModelAsync(serverId, password: "");
        model.Login = "";

        await SaveOrFailAsync(model);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal("", stored.Login);
        Assert.Null(stored.PasswordProtected);
    }

    [Fact]
    public async Task The_password_is_stored_encrypted_never_returned_and_kept_when_a_later_save_leaves_it_blank()
    {
        var serverId = await AddServerAsync("Company mail");
        await SaveOrFailAsync(await ValidModelAsync(serverId, password: "First-Pa55"));
        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.DoesNotContain("First-Pa55", stored.PasswordProtected);
        Assert.Equal("First-Pa55", StoredPassword(stored));

        var loaded = (await Mailboxes.GetAsync())!;
        Assert.Equal("", loaded.Password);
        Assert.True(loaded.HasPassword);
        loaded.Name = "Renamed";
        await SaveOrFailAsync(loaded);
        Assert.Equal("First-Pa55", StoredPassword((await LoadMailboxAsync(JanId))!));

        loaded.Password = "Second-Pa55";
        await SaveOrFailAsync(loaded);
        stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal("Second-Pa55", StoredPassword(stored));
        Assert.Equal("Renamed", stored.Name);
    }

    [Fact]
    public async Task Exceptions_are_normalised_deduplicated_and_an_invalid_one_is_refused_by_name()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.EmailExceptions = ["Boss@Example.COM", "boss@example.com ", "no-reply@Zażółć.pl"];
        model.DomainExceptions = ["*@Spam.example", "spam.example", "@Ads.Example."];

        await SaveOrFailAsync(model);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal(["boss@example.com", "no-reply@xn--za-6ja4f8n1l.pl"], stored.EmailExceptions);
        Assert.Equal(["spam.example", "ads.example"], stored.DomainExceptions);

        model.EmailExceptions = ["ok@example.com", "not an address"];
        model.DomainExceptions = ["localhost"];
        var result = await Mailboxes.SaveAsync(model);
        Assert.Equal("“not an address” is not a valid e-mail address.", result.FieldErrors[nameof(MailboxModel.EmailExceptions)]);
        Assert.Equal("“localhost” is not a valid domain.", result.FieldErrors[nameof(MailboxModel.DomainExceptions)]);
        Assert.Equal(["boss@example.com", "no-reply@xn--za-6ja4f8n1l.pl"], (await LoadMailboxAsync(JanId))!.EmailExceptions);
    }

    [Fact]
    public async Task Clearing_both_exception_lists_saves_them_empty_yetiforce_bug_192()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.EmailExceptions = ["boss@example.com"];
        model.DomainExceptions = ["spam.example"];
        await SaveOrFailAsync(model);

        var loaded = (await Mailboxes.GetAsync())!;
        loaded.EmailExceptions.Clear();
        loaded.DomainExceptions.Clear();
        await SaveOrFailAsync(loaded);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Empty(stored.EmailExceptions);
        Assert.Empty(stored.DomainExceptions);
    }

    [Fact]
    public async Task Inconsistent_actions_unknown_search_fields_no_folders_and_a_future_date_are_refused()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.Actions = ScannerActions.BindEmail;
        model.SearchFields = ["Contacts.Email", "Contacts.Password"];
        model.Folders = [" "];
        model.ImportSince = DateTime.UtcNow.Date.AddDays(2);

        var result = await Mailboxes.SaveAsync(model);

        Assert.Equal("Bind e-mail needs Create e-mail.", result.FieldErrors[nameof(MailboxModel.Actions)]);
        Assert.Equal("Unknown search field: Contacts.Password.", result.FieldErrors[nameof(MailboxModel.SearchFields)]);
        Assert.Equal("Choose at least one folder to scan.", result.FieldErrors[nameof(MailboxModel.Folders)]);
        Assert.Equal("The date cannot be in the future.", result.FieldErrors[nameof(MailboxModel.ImportSince)]);
        Assert.Null(await LoadMailboxAsync(JanId));
    }

    [Fact]
    public async Task Search_fields_are_stored_once_in_catalogue_order_and_an_empty_set_is_allowed()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.SearchFields = ["Tickets.Number", "Contacts.Email", "Tickets.Number"];
        model.ImportSince = new DateTime(2026, 1, 15);
        model.Actions = ScannerActions.CreateEmail | ScannerActions.CreateTicket;
        await SaveOrFailAsync(model);

        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal(["Contacts.Email", "Tickets.Number"], stored.SearchFields);
        Assert.Equal(new DateOnly(2026, 1, 15), stored.ImportSince);
        Assert.Equal(ScannerActions.CreateEmail | ScannerActions.CreateTicket, stored.Actions);

        model.SearchFields = [];
        await SaveOrFailAsync(model);
        Assert.Empty((await LoadMailboxAsync(JanId))!.SearchFields);
    }

    [Fact]
    public async Task Saving_keeps_a_scanner_lock_the_owner_may_switch_a_locked_mailbox_off_but_not_lock_one()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail"));
        model.Status = MailboxStatus.Locked;
        Assert.Equal("Only the mail scanner can lock a mailbox.", (await Mailboxes.SaveAsync(model)).FieldErrors[nameof(MailboxModel.Status)]);

        model.Status = MailboxStatus.Active;
        await SaveOrFailAsync(model);
        await LockAsync("Authentication failed.");

        var loaded = (await Mailboxes.GetAsync())!;
        Assert.Equal(MailboxStatus.Locked, loaded.StoredStatus);
        loaded.Status = MailboxStatus.Active;
        loaded.Name = "Still locked";
        await SaveOrFailAsync(loaded);
        var stored = (await LoadMailboxAsync(JanId))!;
        Assert.Equal((MailboxStatus.Locked, "Still locked", "Authentication failed."), (stored.Status, stored.Name, stored.LastError));

        loaded.Status = MailboxStatus.Inactive;
        await SaveOrFailAsync(loaded);
        Assert.Equal(MailboxStatus.Inactive, (await LoadMailboxAsync(JanId))!.Status);
    }

    [Fact]
    public async Task Test_connection_and_load_folders_without_a_password_say_what_is_missing_without_connecting()
    {
        var model = await ValidModelAsync(await AddServerAsync("Company mail", port: 1), password: "");

        var test = await Mailboxes.TestConnectionAsync(model);
        var folders = await Mailboxes.LoadFoldersAsync(model);

        Assert.Equal((false, "Choose a server and enter the login and password first."), (test.Succeeded, test.Message));
        Assert.Equal("Choose a server and enter the login and password first.", folders.Error);
    }

    private async Task LockAsync(string error)
    {
        await using var db = await CreateDbAsync();
        var mailbox = db.Mailboxes.Single(m => m.OwnerId == JanId);
        mailbox.Status = MailboxStatus.Locked;
        mailbox.LastError = error;
        mailbox.LastErrorAt = new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
        await db.SaveChangesAsync();
    }
}

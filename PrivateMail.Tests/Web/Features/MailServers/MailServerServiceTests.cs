using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Web.Features.MailServers;

public sealed class MailServerServiceTests : MailServerTestContext
{
    private static MailServerModel GoogleServer(string secret = "first-secret") => new()
    {
        Name = "Gmail",
        ImapHost = "imap.gmail.com",
        AuthMethod = MailAuthMethod.OAuth2,
        OAuthProvider = OAuthProvider.Google,
        OAuthClientId = "1234.apps.googleusercontent.com",
        OAuthClientSecret = secret,
    };

    [Fact]
    public async Task A_non_administrator_cannot_list_load_save_delete_activate_or_test()
    {
        var id = await SaveServerAsync(NewServer());
        var userId = await CreateUserAsync("jan");
        SignIn("jan", userId);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.ListAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.GetAsync(id));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.SaveAsync(NewServer("Mine")));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.DeleteAsync(id));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.SetActiveAsync(id, false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Service.TestConnectionAsync(NewServer(), "alice", "alicepw"));
        Assert.True(await ServerExistsAsync(id));
        Assert.True((await LoadServerAsync(id)).IsActive);
    }

    [Fact]
    public async Task Delete_is_refused_while_a_mailbox_uses_the_server_and_works_once_none_does()
    {
        var id = await SaveServerAsync(NewServer("Office"));
        await AddMailboxAsync(id, "jan");

        var refused = await Service.DeleteAsync(id);

        Assert.False(refused.Succeeded);
        Assert.True(refused.InUse);
        Assert.Equal("Office cannot be deleted while mailboxes use it (mailboxes: 1). Deactivate it instead: the mailboxes keep their settings and users can no longer pick it.", refused.Error);
        Assert.True(await ServerExistsAsync(id));

        var unused = await SaveServerAsync(NewServer("Spare"));
        Assert.True((await Service.DeleteAsync(unused)).Succeeded);
        Assert.False(await ServerExistsAsync(unused));
    }

    [Fact]
    public async Task Names_are_unique_whatever_their_case_but_a_server_keeps_its_own_name()
    {
        var id = await SaveServerAsync(NewServer("Office"));

        var duplicate = await Service.SaveAsync(NewServer("OFFICE"));
        Assert.Equal("Another mail server is already called OFFICE.", duplicate.FieldErrors[nameof(MailServerModel.Name)]);

        var own = (await Service.GetAsync(id))!;
        own.ImapPort = 1993;
        Assert.True((await Service.SaveAsync(own)).Succeeded);
        Assert.Equal(1993, (await LoadServerAsync(id)).ImapPort);
    }

    [Fact]
    public async Task Saving_without_the_form_still_checks_every_field()
    {
        var result = await Service.SaveAsync(new MailServerModel
        {
            Name = new string('x', 51),
            ImapHost = "",
            ImapPort = 0,
            SmtpHost = "bad host",
            SmtpPort = 65536,
            ImapSecurity = (MailSecurity)42,
        });

        Assert.False(result.Succeeded);
        Assert.Equal("Name can be at most 50 characters long.", result.FieldErrors[nameof(MailServerModel.Name)]);
        Assert.Equal("IMAP host is required.", result.FieldErrors[nameof(MailServerModel.ImapHost)]);
        Assert.Equal("IMAP port must be a number from 1 to 65535.", result.FieldErrors[nameof(MailServerModel.ImapPort)]);
        Assert.Equal("SMTP host must be a host name (e.g. imap.example.com) or an IP address.", result.FieldErrors[nameof(MailServerModel.SmtpHost)]);
        Assert.Equal("SMTP port must be a number from 1 to 65535.", result.FieldErrors[nameof(MailServerModel.SmtpPort)]);
        Assert.Equal("Choose one of the listed options.", result.FieldErrors[nameof(MailServerModel.ImapSecurity)]);
        Assert.Empty(await Service.ListAsync());
    }

    [Fact]
    public async Task A_client_secret_is_required_to_create_an_oauth_server_and_kept_when_left_blank_later()
    {
        var missing = await Service.SaveAsync(GoogleServer(secret: "  "));
        Assert.Equal("Client secret is required.", missing.FieldErrors[nameof(MailServerModel.OAuthClientSecret)]);

        var id = await SaveServerAsync(GoogleServer("first-secret"));
        var loaded = (await Service.GetAsync(id))!;
        Assert.True(loaded.HasClientSecret);
        Assert.Equal("", loaded.OAuthClientSecret);

        loaded.OAuthClientId = "other-client";
        await SaveServerAsync(loaded);
        var protector = Services.GetRequiredService<SecretProtector>();
        Assert.Equal("first-secret", protector.Unprotect((await LoadServerAsync(id)).OAuthClientSecretProtected));

        loaded.OAuthClientSecret = "second-secret";
        await SaveServerAsync(loaded);
        Assert.Equal("second-secret", protector.Unprotect((await LoadServerAsync(id)).OAuthClientSecretProtected));
    }

    [Fact]
    public async Task Switching_back_to_login_and_password_forgets_the_oauth_settings_and_secret()
    {
        var id = await SaveServerAsync(GoogleServer());
        var model = (await Service.GetAsync(id))!;

        model.AuthMethod = MailAuthMethod.Password;
        await SaveServerAsync(model);

        var server = await LoadServerAsync(id);
        Assert.Null(server.OAuthProvider);
        Assert.Null(server.OAuthClientId);
        Assert.Null(server.OAuthClientSecretProtected);
        // Switching to OAuth again needs a new secret: the old one is gone.
        model.AuthMethod = MailAuthMethod.OAuth2;
        model.OAuthProvider = OAuthProvider.Microsoft;
        model.OAuthClientId = "app-id";
        var result = await Service.SaveAsync(model);
        Assert.Equal("Client secret is required.", result.FieldErrors[nameof(MailServerModel.OAuthClientSecret)]);
    }

    [Fact]
    public async Task A_generic_provider_needs_https_endpoints_and_scopes_while_google_stores_none_of_its_own()
    {
        var generic = GoogleServer();
        generic.OAuthProvider = OAuthProvider.Generic;
        generic.OAuthAuthorizeEndpoint = "ftp://idp.example.com/authorize";
        generic.OAuthTokenEndpoint = "/token";

        var result = await Service.SaveAsync(generic);

        Assert.Equal("Enter an absolute https:// address (http:// only for localhost).", result.FieldErrors[nameof(MailServerModel.OAuthAuthorizeEndpoint)]);
        Assert.Equal("Enter an absolute https:// address (http:// only for localhost).", result.FieldErrors[nameof(MailServerModel.OAuthTokenEndpoint)]);
        Assert.Equal("Scopes is required.", result.FieldErrors[nameof(MailServerModel.OAuthScopes)]);

        var google = GoogleServer();
        google.OAuthAuthorizeEndpoint = "https://ignored.example.com/a";
        google.OAuthScopes = "ignored";
        var server = await LoadServerAsync(await SaveServerAsync(google));
        Assert.Null(server.OAuthAuthorizeEndpoint);
        Assert.Null(server.OAuthScopes);
        Assert.Equal("https://mail.google.com/", OAuthProviderDefaults.Scopes(server.OAuthProvider));
    }

    [Fact]
    public async Task The_list_counts_the_mailboxes_on_each_server()
    {
        var office = await SaveServerAsync(NewServer("Office"));
        await SaveServerAsync(NewServer("Archive"));
        await AddMailboxAsync(office, "jan");

        var rows = await Service.ListAsync();

        Assert.Equal(["Archive", "Office"], rows.Select(r => r.Name));
        Assert.Equal(1, rows.Single(r => r.Name == "Office").MailboxCount);
        Assert.Equal(0, rows.Single(r => r.Name == "Archive").MailboxCount);
    }

    [Fact]
    public async Task A_test_login_without_a_password_is_refused_before_connecting()
    {
        var outcome = await Service.TestConnectionAsync(NewServer(), "alice", "");

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.Connection);
        Assert.Equal("Enter the test password as well, or clear the test login.", outcome.Message);
    }
}

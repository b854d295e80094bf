using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Web.Features.MailServers;

public sealed class MailServerEditPageTests : MailServerTestContext
{
    private string Uri => Services.GetRequiredService<NavigationManager>().Uri;

    private async Task<int> CountServersAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.MailServers.CountAsync();
    }

    [Fact]
    public void A_new_server_starts_with_ssl_tls_on_993_and_certificate_validation_on()
    {
        var host = RenderEdit();

        Assert.Equal(nameof(MailSecurity.SslTls), Value(host, "server-imap-security"));
        Assert.Equal("SSL/TLS", Combobox(host, "server-imap-security").TextContent.Trim());
        Assert.Equal("993", Value(host, "server-imap-port"));
        Assert.True(host.Find("#server-validate-certificate").HasAttribute("checked"));
        Assert.Empty(host.FindAll("#server-certificate-warning"));
        Assert.Equal("465", Value(host, "server-smtp-port"));
        Assert.True(host.Find("#server-active").HasAttribute("checked"));
        Assert.True(host.Find("#server-visible").HasAttribute("checked"));
        Assert.True(host.Find("#server-auth-password").HasAttribute("checked"));
        Assert.Empty(host.FindAll("#server-oauth"));
    }

    [Fact]
    public async Task Choosing_a_security_mode_moves_a_default_port_but_never_a_custom_one()
    {
        var host = RenderEdit();

        await PickAsync(host, "server-imap-security", "STARTTLS");
        Assert.Equal("143", Value(host, "server-imap-port"));
        await PickAsync(host, "server-imap-security", "SSL/TLS");
        Assert.Equal("993", Value(host, "server-imap-port"));

        host.Find("#server-imap-port").Input("1993");
        await PickAsync(host, "server-imap-security", "STARTTLS");
        Assert.Equal("1993", Value(host, "server-imap-port"));
        Assert.Equal(nameof(MailSecurity.StartTls), Value(host, "server-imap-security"));

        await PickAsync(host, "server-smtp-security", "STARTTLS");
        Assert.Equal("587", Value(host, "server-smtp-port"));
        await PickAsync(host, "server-smtp-security", "None (unencrypted)");
        Assert.Equal("25", Value(host, "server-smtp-port"));
        host.Find("#server-smtp-port").Input("2525");
        await PickAsync(host, "server-smtp-security", "SSL/TLS");
        Assert.Equal("2525", Value(host, "server-smtp-port"));
    }

    [Fact]
    public void Turning_certificate_validation_off_shows_the_warning_and_on_again_hides_it()
    {
        var host = RenderEdit();
        Assert.Empty(host.FindAll("#server-certificate-warning"));

        host.Find("#server-validate-certificate").Change(false);
        Assert.Contains("someone on the network could pose as this server", host.Find("#server-certificate-warning").TextContent);

        host.Find("#server-validate-certificate").Change(true);
        Assert.Empty(host.FindAll("#server-certificate-warning"));
    }

    [Fact]
    public async Task Invalid_fields_each_show_their_own_error_and_keep_what_was_typed()
    {
        var host = RenderEdit();

        host.Find("#server-imap-host").Input("not a host!");
        host.Find("#server-imap-port").Input("0");
        host.Find("#server-smtp-host").Input("smtp..example.com");
        host.Find("#server-smtp-port").Input("70000");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Equal("Name is required.", FieldError(host, "server-name")));
        Assert.Equal("IMAP host must be a host name (e.g. imap.example.com) or an IP address.", FieldError(host, "server-imap-host"));
        Assert.Equal("IMAP port must be a number from 1 to 65535.", FieldError(host, "server-imap-port"));
        Assert.Equal("SMTP host must be a host name (e.g. imap.example.com) or an IP address.", FieldError(host, "server-smtp-host"));
        Assert.Equal("SMTP port must be a number from 1 to 65535.", FieldError(host, "server-smtp-port"));
        Assert.Equal("not a host!", Value(host, "server-imap-host"));
        Assert.Equal("smtp..example.com", Value(host, "server-smtp-host"));
        Assert.Equal(0, await CountServersAsync());
        Assert.EndsWith("/", Uri);
    }

    [Fact]
    public async Task Validation_messages_speak_polish_for_a_polish_administrator()
    {
        UseCulture("pl");
        var host = RenderEdit();

        host.Find("#server-name").Input("Firma");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Equal("Host IMAP: pole wymagane.", FieldError(host, "server-imap-host")));
        Assert.Contains("Ogólne", host.Find("#section-general").TextContent);
        Assert.Equal("Firma", Value(host, "server-name"));
    }

    [Fact]
    public async Task A_name_already_used_in_another_case_is_refused_on_the_name_field()
    {
        await SaveServerAsync(NewServer("Company IMAP"));
        var host = RenderEdit();

        host.Find("#server-name").Input("company imap");
        host.Find("#server-imap-host").Input("imap2.example.com");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Equal("Another mail server is already called company imap.", FieldError(host, "server-name")));
        Assert.Equal("imap2.example.com", Value(host, "server-imap-host"));
        Assert.Equal(1, await CountServersAsync());
    }

    [Fact]
    public async Task Saving_a_new_server_stores_it_normalised_and_returns_to_the_list()
    {
        var host = RenderEdit();

        host.Find("#server-name").Input("  Office  ");
        host.Find("#server-imap-host").Input(" IMAP.Example.COM ");
        await PickAsync(host, "server-imap-security", "STARTTLS");
        host.Find("#server-validate-certificate").Change(false);
        host.Find("#server-visible").Change(false);
        host.Find("#server-smtp-host").Input("smtp.example.com");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.EndsWith("/admin/mail-servers", Uri));
        Assert.Contains("Mail server saved.", host.Markup);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var server = await db.MailServers.SingleAsync();
        Assert.Equal("Office", server.Name);
        Assert.Equal("imap.example.com", server.ImapHost);
        Assert.Equal(143, server.ImapPort);
        Assert.Equal(MailSecurity.StartTls, server.ImapSecurity);
        Assert.False(server.ValidateCertificate);
        Assert.True(server.IsActive);
        Assert.False(server.IsVisible);
        Assert.Equal("smtp.example.com", server.SmtpHost);
        Assert.Equal(MailAuthMethod.Password, server.AuthMethod);
    }

    [Fact]
    public async Task Editing_shows_the_stored_values_and_saves_the_changes()
    {
        var model = NewServer("Office");
        model.ChangeImapSecurity(MailSecurity.None);
        model.ImapPort = 10143;
        var id = await SaveServerAsync(model);
        var host = RenderEdit(id);

        Assert.Equal("Office", Value(host, "server-name"));
        Assert.Equal("10143", Value(host, "server-imap-port"));
        Assert.Equal(nameof(MailSecurity.None), Value(host, "server-imap-security"));
        Assert.NotNull(host.Find("#server-unencrypted-warning"));

        host.Find("#server-imap-host").Input("127.0.0.1");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.EndsWith("/admin/mail-servers", Uri));
        var server = await LoadServerAsync(id);
        Assert.Equal("127.0.0.1", server.ImapHost);
        Assert.Equal(10143, server.ImapPort);
    }

    [Fact]
    public void An_unknown_server_says_so()
    {
        var host = Render<MailServersHost>(p => p.AddChildContent<PrivateMail.Web.Features.MailServers.MailServerEditPage>(c => c.Add(e => e.Id, 4242)));

        host.WaitForAssertion(() => Assert.Contains("no longer exists", host.Find("#server-not-found").TextContent));
        Assert.Empty(host.FindAll("#mail-server-form"));
    }

    [Fact]
    public async Task OAuth2_shows_its_fields_fixed_scopes_for_google_and_endpoints_for_generic()
    {
        var host = RenderEdit();

        await host.Find("#server-auth-oauth2").ClickAsync(new());
        host.WaitForElement("#server-oauth");
        Assert.NotNull(host.Find("#server-oauth-client-id"));
        Assert.NotNull(host.Find("#server-oauth-client-secret"));
        Assert.Empty(host.FindAll("#server-oauth-authorize-url"));

        await PickAsync(host, "server-oauth-provider", "Google");
        var scopes = host.Find("#server-oauth-fixed-scopes");
        Assert.Equal("https://mail.google.com/", scopes.GetAttribute("value"));
        Assert.True(scopes.HasAttribute("readonly"));
        Assert.Empty(host.FindAll("#server-oauth-authorize-url"));

        await PickAsync(host, "server-oauth-provider", "Other (generic OAuth 2.0)");
        Assert.NotNull(host.Find("#server-oauth-authorize-url"));
        Assert.NotNull(host.Find("#server-oauth-token-url"));
        Assert.NotNull(host.Find("#server-oauth-scopes"));
        Assert.Empty(host.FindAll("#server-oauth-fixed-scopes"));

        await host.Find("#server-auth-password").ClickAsync(new());
        Assert.Empty(host.FindAll("#server-oauth"));
    }

    [Fact]
    public async Task OAuth2_settings_are_checked_on_save_with_an_error_on_each_field()
    {
        var host = RenderEdit();
        host.Find("#server-name").Input("Identity provider");
        host.Find("#server-imap-host").Input("imap.example.com");
        await host.Find("#server-auth-oauth2").ClickAsync(new());
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Equal("Provider is required.", FieldError(host, "server-oauth-provider")));
        Assert.Equal("Client ID is required.", FieldError(host, "server-oauth-client-id"));
        Assert.Equal("Client secret is required.", FieldError(host, "server-oauth-client-secret"));

        await PickAsync(host, "server-oauth-provider", "Other (generic OAuth 2.0)");
        host.Find("#server-oauth-client-id").Input("privatemail");
        host.Find("#server-oauth-client-secret").Input("a-secret");
        host.Find("#server-oauth-authorize-url").Input("http://idp.example.com/authorize");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.Equal("Enter an absolute https:// address (http:// only for localhost).", FieldError(host, "server-oauth-authorize-url")));
        Assert.Equal("Token URL is required.", FieldError(host, "server-oauth-token-url"));
        Assert.Equal("Scopes is required.", FieldError(host, "server-oauth-scopes"));
        Assert.Equal(0, await CountServersAsync());

        host.Find("#server-oauth-authorize-url").Input("http://127.0.0.1:8080/authorize");
        host.Find("#server-oauth-token-url").Input("https://idp.example.com/token");
        host.Find("#server-oauth-scopes").Input("imap,  offline_access");
        await host.Find("#mail-server-form").SubmitAsync();

        host.WaitForAssertion(() => Assert.EndsWith("/admin/mail-servers", Uri));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var server = await db.MailServers.SingleAsync();
        Assert.Equal(OAuthProvider.Generic, server.OAuthProvider);
        Assert.Equal("http://127.0.0.1:8080/authorize", server.OAuthAuthorizeEndpoint);
        Assert.Equal("imap offline_access", server.OAuthScopes);
    }

    [Fact]
    public async Task The_client_secret_is_stored_encrypted_and_never_rendered_back()
    {
        const string secret = "GOCSPX-very-secret-value-7Q";
        var host = RenderEdit();
        host.Find("#server-name").Input("Gmail");
        host.Find("#server-imap-host").Input("imap.gmail.com");
        await host.Find("#server-auth-oauth2").ClickAsync(new());
        await PickAsync(host, "server-oauth-provider", "Google");
        host.Find("#server-oauth-client-id").Input("1234.apps.googleusercontent.com");
        host.Find("#server-oauth-client-secret").Input(secret);
        await host.Find("#mail-server-form").SubmitAsync();
        host.WaitForAssertion(() => Assert.EndsWith("/admin/mail-servers", Uri));

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.MailServers.AsNoTracking().SingleAsync();
        Assert.DoesNotContain(secret, stored.OAuthClientSecretProtected);
        var protector = Services.GetRequiredService<SecretProtector>();
        Assert.Equal(secret, protector.Unprotect(stored.OAuthClientSecretProtected));
        Assert.Null(stored.OAuthScopes);

        // A fresh page, as after a browser reload.
        await DisposeComponentsAsync();
        var reloaded = RenderEdit(stored.Id);
        Assert.DoesNotContain(secret, reloaded.Markup);
        Assert.Equal("", Value(reloaded, "server-oauth-client-secret"));
        Assert.Equal("Set — type to replace", reloaded.Find("#server-oauth-client-secret").GetAttribute("placeholder"));
        Assert.Equal("1234.apps.googleusercontent.com", Value(reloaded, "server-oauth-client-id"));

        // Saving again without typing a secret keeps the stored one.
        reloaded.Find("#server-oauth-client-id").Input("5678.apps.googleusercontent.com");
        await reloaded.Find("#mail-server-form").SubmitAsync();
        reloaded.WaitForAssertion(() => Assert.EndsWith("/admin/mail-servers", Uri));
        var resaved = await LoadServerAsync(stored.Id);
        Assert.Equal("5678.apps.googleusercontent.com", resaved.OAuthClientId);
        Assert.Equal(secret, protector.Unprotect(resaved.OAuthClientSecretProtected));
    }

    [Fact]
    public async Task Test_connection_with_an_invalid_host_marks_the_field_and_does_not_connect()
    {
        var host = RenderEdit();

        host.Find("#server-imap-host").Input("no host here");
        await host.Find("#server-test").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Equal("IMAP host must be a host name (e.g. imap.example.com) or an IP address.", FieldError(host, "server-imap-host")));
        Assert.Equal("Please correct the highlighted fields.", host.Find("#server-test-result").TextContent.Trim());
        Assert.Equal("false", host.Find("#server-test-result").GetAttribute("data-succeeded"));
    }
}

using MailKit.Security;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>The mailbox service against the real Dovecot: folder trees and connection tests with typed or stored passwords.</summary>
[Collection(DovecotCollection.Name)]
public sealed class MailboxFoldersTests(DovecotFixture dovecot) : MailboxTestContext
{
    private async Task<char> SeparatorAsync()
    {
        using var client = await dovecot.ConnectAsync(dovecot.Alice, SecureSocketOptions.None);
        return client.PersonalNamespaces[0].DirectorySeparator;
    }

    private Task AppendAsync(string folder) => dovecot.AppendAsync(dovecot.Alice, folder, new MimeMessage(
        [new MailboxAddress("Sender", "sender@example.test")], [dovecot.Alice.Address], $"For {folder}", new TextPart("plain") { Text = "Hello" }));

    private async Task<MailboxModel> AliceModelAsync(MailSecurity security = MailSecurity.None, string? password = null)
    {
        var port = security == MailSecurity.SslTls ? dovecot.ImapsPort : dovecot.ImapPort;
        var serverId = await AddServerAsync($"Dovecot {security}", dovecot.Host, port, security, validateCertificate: false);
        var model = await ValidModelAsync(serverId, password ?? dovecot.Alice.Password);
        model.Login = dovecot.Alice.Login;
        return model;
    }

    [Fact]
    public async Task Load_folders_lists_inbox_the_special_use_sent_folder_a_nested_folder_and_a_non_ascii_name_decoded()
    {
        // Dovecot's Maildir++ layout separates levels with "."; the test asks the server rather than assuming.
        var separator = await SeparatorAsync();
        await AppendAsync($"Projects{separator}2026");
        await AppendAsync("Zażółć gęślą");

        var result = await Mailboxes.LoadFoldersAsync(await AliceModelAsync());

        Assert.True(result.Succeeded, result.Error);
        var inbox = result.Folders[0];
        Assert.Equal(("INBOX", FolderRole.Inbox, 0, true), (inbox.FullName, inbox.Role, inbox.Depth, inbox.CanSelect));
        Assert.Equal("Sent", MailboxLabels.Role(Assert.Single(result.Folders, f => f.FullName == "Sent").Role));
        var nested = Assert.Single(result.Folders, f => f.FullName == $"Projects{separator}2026");
        Assert.Equal(("2026", 1), (nested.Name, nested.Depth));
        Assert.Contains(result.Folders, f => f.FullName == "Projects" && f.Depth == 0);
        // On the wire this is "Za&AXwA8wFCAQc- g&ARkBWw-l&AQU-" (modified UTF-7).
        var polish = Assert.Single(result.Folders, f => f.Name == "Zażółć gęślą");
        Assert.Equal("Zażółć gęślą", polish.FullName);
    }

    [Fact]
    public async Task Folders_come_in_tree_order_so_each_child_sits_under_its_parent()
    {
        var separator = await SeparatorAsync();
        await AppendAsync($"Clients{separator}Acme");
        await AppendAsync("Clients Old");

        var names = (await Mailboxes.LoadFoldersAsync(await AliceModelAsync())).Folders.Select(f => f.FullName).ToList();

        Assert.Equal(names.IndexOf("Clients") + 1, names.IndexOf($"Clients{separator}Acme"));
        Assert.True(names.IndexOf("Clients Old") > names.IndexOf($"Clients{separator}Acme"));
    }

    [Fact]
    public async Task A_parent_that_exists_only_through_its_child_is_listed_but_cannot_be_selected()
    {
        var separator = await SeparatorAsync();
        // MailKit will not create a name containing the separator, so ask Dovecot directly, as another client would.
        await RawImap.RunAsync(dovecot, dovecot.Alice, $"CREATE Orphans{separator}Child");

        var folders = (await Mailboxes.LoadFoldersAsync(await AliceModelAsync())).Folders;

        Assert.False(Assert.Single(folders, f => f.FullName == "Orphans").CanSelect);
        Assert.True(Assert.Single(folders, f => f.FullName == $"Orphans{separator}Child").CanSelect);
    }

    [Theory]
    [InlineData(MailSecurity.None)]
    [InlineData(MailSecurity.StartTls)]
    [InlineData(MailSecurity.SslTls)]
    public async Task Test_connection_signs_in_with_the_typed_login_and_password(MailSecurity security)
    {
        var check = await Mailboxes.TestConnectionAsync(await AliceModelAsync(security));

        Assert.True(check.Succeeded, check.Message);
        Assert.Equal("Connected and signed in as alice.", check.Message);
    }

    [Fact]
    public async Task A_wrong_password_fails_with_the_localised_authentication_message()
    {
        var model = await AliceModelAsync(password: "wrong-password");

        var english = await Mailboxes.TestConnectionAsync(model);
        UseCulture("pl");
        var polish = await Mailboxes.TestConnectionAsync(model);
        var folders = await Mailboxes.LoadFoldersAsync(model);

        Assert.Equal((false, "The server refused the login or password."), (english.Succeeded, english.Message));
        Assert.Equal((false, "Serwer odrzucił login lub hasło."), (polish.Succeeded, polish.Message));
        Assert.Equal("Serwer odrzucił login lub hasło.", folders.Error);
    }

    [Fact]
    public async Task A_blank_password_field_uses_the_stored_password_and_a_typed_one_takes_precedence()
    {
        await SaveOrFailAsync(await AliceModelAsync());
        var saved = (await Mailboxes.GetAsync())!;
        Assert.Equal("", saved.Password);

        Assert.True((await Mailboxes.TestConnectionAsync(saved)).Succeeded);
        Assert.True((await Mailboxes.LoadFoldersAsync(saved)).Succeeded);

        saved.Password = "typed-but-wrong";
        Assert.Equal("The server refused the login or password.", (await Mailboxes.TestConnectionAsync(saved)).Message);
    }
}

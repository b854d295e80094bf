using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, H1): a user types a colleague's or a customer's address as their mailbox login and never connects.
/// A login proves an address only once the mail server accepted it for the saved mailbox — a login typed in the form
/// and tested, but not saved, proves nothing.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class MailboxLoginProofTests(DovecotFixture dovecot) : MailboxTestContext
{
    [Fact]
    public async Task Only_a_saved_login_the_server_accepted_is_proven_and_a_merely_typed_one_is_not()
    {
        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None, validateCertificate: false);
        var model = await ValidModelAsync(serverId, dovecot.Alice.Password);
        model.Login = dovecot.Alice.Login;
        var saved = await Mailboxes.SaveAsync(model);
        Assert.True(saved.Succeeded, string.Join("; ", saved.FieldErrors.Values));
        Assert.Null((await LoadMailboxAsync(JanId))!.ProvenLogin);

        // The form now names another account (with its right password) but is not saved: the test succeeds, proves nothing.
        var typed = (await Mailboxes.GetAsync())!;
        (typed.Login, typed.Password) = (dovecot.Bob.Login, dovecot.Bob.Password);
        Assert.True((await Mailboxes.TestConnectionAsync(typed)).Succeeded);
        Assert.Null((await LoadMailboxAsync(JanId))!.ProvenLogin);

        // The saved login with the stored password: accepted, so proven.
        var stored = (await Mailboxes.GetAsync())!;
        Assert.True((await Mailboxes.TestConnectionAsync(stored)).Succeeded);
        Assert.Equal(dovecot.Alice.Login, (await LoadMailboxAsync(JanId))!.ProvenLogin);
    }
}

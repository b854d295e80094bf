using MailKit;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Integration.MyMail;

[Collection(PostfixCollection.Name)]
public sealed class PostfixFixtureTests(PostfixFixture postfix)
{
    [Fact]
    public async Task Alice_sends_to_bob_and_it_arrives_in_bobs_inbox()
    {
        var ct = TestContext.Current.CancellationToken;
        var message = new MimeMessage();
        message.From.Add(postfix.Dovecot.Alice.Address);
        message.To.Add(postfix.Dovecot.Bob.Address);
        message.Subject = "Fixture " + Guid.NewGuid().ToString("N");
        message.Body = new TextPart("plain") { Text = "Hello Bob" };

        await postfix.SendAsync(postfix.Dovecot.Alice, message, ct);

        using var bob = await postfix.Dovecot.ConnectAsync(postfix.Dovecot.Bob, SecureSocketOptions.None, ct);
        var found = await WaitForAsync(bob, message.Subject, ct);
        var received = await bob.Inbox.GetMessageAsync(found, ct);
        Assert.Equal(message.MessageId, received.MessageId);
        Assert.Equal("Hello Bob", received.TextBody?.Trim());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_535()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new SmtpClient { ServerCertificateValidationCallback = postfix.Dovecot.ValidateServerCertificate };
        await client.ConnectAsync(postfix.Host, postfix.SmtpsPort, SecureSocketOptions.SslOnConnect, ct);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain("alice", "wrong"), ct));
        Assert.Contains("535", error.Message + (error.InnerException?.Message ?? ""), StringComparison.Ordinal);
    }

    /// <summary>Delivery is asynchronous (queue → LMTP): waits until the subject is in the INBOX (bounded; fails otherwise).</summary>
    internal static async Task<UniqueId> WaitForAsync(MailKit.Net.Imap.ImapClient client, string subject, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly, deadline.Token);
            var hits = await client.Inbox.SearchAsync(SearchQuery.SubjectContains(subject), deadline.Token);
            if (hits.Count > 0)
            {
                return hits[0];
            }

            await client.Inbox.CloseAsync(false, deadline.Token);
            await Task.Delay(50, deadline.Token);
        }
    }
}

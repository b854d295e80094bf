using PrivateMail.Web.Features.Mailboxes;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

/// <summary>The Mailbox tab's sender address must belong to the login: nobody can make My mail send as someone else.</summary>
public sealed class SenderAddressTests
{
    [Theory]
    [InlineData("alice@example.test", "alice@example.test", true)]
    [InlineData("Alice@Example.TEST", "alice@example.test", true)]
    [InlineData("alice@example.test", "alice", true)]
    [InlineData("alice@other.example", "alice", true)]
    [InlineData("boss@example.test", "alice@example.test", false)]
    [InlineData("boss@example.test", "alice", false)]
    [InlineData("alice.smith@example.test", "alice", false)]
    [InlineData("alice@example.test", "", false)]
    [InlineData("not an address", "alice", false)]
    [InlineData("alice@example.test\r\nBcc: eve@evil.test", "alice@example.test", false)]
    public void A_sender_address_is_accepted_only_when_it_is_the_login(string sender, string login, bool accepted) =>
        Assert.Equal(accepted, MailboxService.SenderAddressError(sender, login) is null);
}

using PrivateMail.Domain.Scanning;

namespace PrivateMail.Tests.Domain.Scanning;

public sealed class MailboxStatusRulesTests
{
    [Theory]
    // stored, requested, new password typed → result (null: refused)
    [InlineData(null, MailboxStatus.Active, true, MailboxStatus.Active)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.Active, false, MailboxStatus.Active)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Locked, false, null)]
    [InlineData(MailboxStatus.Active, MailboxStatus.SecretUnreadable, true, null)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Active, true, MailboxStatus.Locked)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Locked, false, MailboxStatus.Locked)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Active, false, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.SecretUnreadable, false, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.SecretUnreadable, true, MailboxStatus.Active)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Active, true, MailboxStatus.Active)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    public void Only_the_scanner_lifts_a_lock_and_only_a_new_password_an_unreadable_secret(
        MailboxStatus? stored, MailboxStatus requested, bool newSecret, MailboxStatus? expected) =>
        Assert.Equal(expected, MailboxStatusRules.AfterOwnerSave(stored, requested, newSecret));

    [Theory]
    [InlineData(MailboxStatus.Active, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.Inactive)]
    public void An_unreadable_secret_stops_the_mailbox_but_never_switches_it_on(MailboxStatus current, MailboxStatus expected) =>
        Assert.Equal(expected, MailboxStatusRules.WhenSecretUnreadable(current));
}

using PrivateMail.Domain.Scanning;

namespace PrivateMail.Tests.Domain.Scanning;

public sealed class MailboxStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 10, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = Now.AddHours(-1);

    private static MailboxState With(MailboxStatus status) => new(status, "old reason", Earlier);

    [Theory]
    // stored (null: new mailbox), requested, new password typed → result (null: refused)
    [InlineData(null, MailboxStatus.Active, true, MailboxStatus.Active)]
    [InlineData(null, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(null, MailboxStatus.Locked, false, null)]
    [InlineData(null, MailboxStatus.SecretUnreadable, true, null)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Active, false, MailboxStatus.Active)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.Active, false, MailboxStatus.Active)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Locked, false, null)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.Locked, false, null)]
    [InlineData(MailboxStatus.Active, MailboxStatus.SecretUnreadable, true, null)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.SecretUnreadable, false, null)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Active, true, MailboxStatus.Locked)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Locked, false, MailboxStatus.Locked)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.SecretUnreadable, false, null)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Active, false, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.SecretUnreadable, false, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.SecretUnreadable, true, MailboxStatus.Active)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Active, true, MailboxStatus.Active)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Inactive, false, MailboxStatus.Inactive)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Locked, false, null)]
    [InlineData(MailboxStatus.Active, (MailboxStatus)42, false, null)]
    public void Owner_save_only_the_scanner_lifts_a_lock_and_only_a_new_password_an_unreadable_secret(
        MailboxStatus? stored, MailboxStatus requested, bool newSecret, MailboxStatus? expected)
    {
        var change = MailboxState.AfterOwnerSave(stored is { } s ? With(s) : null, requested, newSecret);

        Assert.Equal(expected, change.Allowed ? change.State.Status : null);
        if (!change.Allowed)
        {
            Assert.Equal(MailboxStateRefusal.NotTheOwners, change.Refused);
        }
    }

    [Theory]
    // Only leaving SecretUnreadable clears its reason; a lock's reason stays shown while the owner switches it off and on.
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Active, true, true)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Inactive, false, true)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.Active, false, false)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.Inactive, false, false)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Inactive, false, false)]
    public void Owner_save_clears_the_error_only_when_leaving_an_unreadable_secret(MailboxStatus stored, MailboxStatus requested, bool newSecret, bool cleared)
    {
        var change = MailboxState.AfterOwnerSave(With(stored), requested, newSecret);

        Assert.True(change.Allowed);
        Assert.Equal(cleared ? null : "old reason", change.State.LastError);
        Assert.Equal(cleared ? null : Earlier, change.State.LastErrorAt);
    }

    [Theory]
    [InlineData(MailboxStatus.Active, null)]
    [InlineData(MailboxStatus.Locked, null)]
    [InlineData(MailboxStatus.Inactive, MailboxStateRefusal.Inactive)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStateRefusal.SecretUnreadable)]
    public void Lock_locks_an_active_or_locked_mailbox_with_the_reason(MailboxStatus current, MailboxStateRefusal? refused)
    {
        var change = With(current).Lock("login failed", Now);

        Assert.Equal(refused, change.Refused);
        Assert.Equal(refused is null ? new MailboxState(MailboxStatus.Locked, "login failed", Now) : With(current), change.State);
        Assert.Equal(refused is null, MailboxState.LockableFrom.Contains(current));
    }

    [Fact]
    public void Lock_keeps_at_most_the_columns_length_of_the_reason()
    {
        var change = With(MailboxStatus.Active).Lock(new string('x', 2500), Now);

        Assert.Equal(MailboxState.MaxErrorLength, change.State.LastError!.Length);
    }

    [Theory]
    [InlineData(MailboxStatus.Locked, null)]
    [InlineData(MailboxStatus.Active, MailboxStateRefusal.NotLocked)]
    [InlineData(MailboxStatus.Inactive, MailboxStateRefusal.NotLocked)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStateRefusal.NotLocked)]
    public void Unlock_and_a_new_sign_in_lift_only_a_lock(MailboxStatus current, MailboxStateRefusal? refused)
    {
        foreach (var change in new[] { With(current).Unlock(), With(current).SignedIn() })
        {
            Assert.Equal(refused, change.Refused);
            Assert.Equal(refused is null ? new MailboxState(MailboxStatus.Active) : With(current), change.State);
        }

        Assert.Equal(refused is null, MailboxState.UnlockableFrom.Contains(current));
    }

    [Theory]
    [InlineData(MailboxStatus.Active, null)]
    [InlineData(MailboxStatus.Locked, null)]
    [InlineData(MailboxStatus.SecretUnreadable, null)]
    [InlineData(MailboxStatus.Inactive, MailboxStateRefusal.Inactive)]
    public void An_ended_sign_in_locks_every_mailbox_but_an_inactive_one(MailboxStatus current, MailboxStateRefusal? refused)
    {
        var change = With(current).SignInEnded("sign in again", Now);

        Assert.Equal(refused, change.Refused);
        Assert.Equal(refused is null ? new MailboxState(MailboxStatus.Locked, "sign in again", Now) : With(current), change.State);
    }

    [Theory]
    [InlineData(MailboxStatus.Active, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.Locked, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.SecretUnreadable, MailboxStatus.SecretUnreadable)]
    [InlineData(MailboxStatus.Inactive, MailboxStatus.Inactive)]
    public void An_unreadable_secret_stops_the_mailbox_but_never_switches_it_on(MailboxStatus current, MailboxStatus expected)
    {
        var change = With(current).SecretUnreadable("enter the password again", Now);

        Assert.True(change.Allowed);
        Assert.Equal(new MailboxState(expected, "enter the password again", Now), change.State);
    }

    [Theory]
    // status, minutes since the failure (null: none recorded) → due with a 15-minute retry interval
    [InlineData(MailboxStatus.Active, null, true)]
    [InlineData(MailboxStatus.Active, 1, true)]
    [InlineData(MailboxStatus.Locked, null, true)]
    [InlineData(MailboxStatus.Locked, 14, false)]
    [InlineData(MailboxStatus.Locked, 15, true)]
    [InlineData(MailboxStatus.Locked, 60, true)]
    [InlineData(MailboxStatus.Inactive, null, false)]
    [InlineData(MailboxStatus.SecretUnreadable, 60, false)]
    public void The_schedule_retries_a_locked_mailbox_after_the_interval(MailboxStatus status, int? minutesAgo, bool due)
    {
        var state = new MailboxState(status, "x", minutesAgo is { } m ? Now.AddMinutes(-m) : null);

        Assert.Equal(due, state.IsDue(Now, TimeSpan.FromMinutes(15)));
    }
}

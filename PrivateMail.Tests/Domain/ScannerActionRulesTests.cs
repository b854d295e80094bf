using PrivateMail.Domain.Scanning;

namespace PrivateMail.Tests.Domain;

public sealed class ScannerActionRulesTests
{
    private const ScannerActions Create = ScannerActions.CreateEmail;
    private const ScannerActions Bind = ScannerActions.BindEmail;
    private const ScannerActions Open = ScannerActions.OpenTicket;
    private const ScannerActions Ticket = ScannerActions.CreateTicket;

    [Theory]
    [InlineData(ScannerActions.None, Bind, true, Create | Bind)]
    [InlineData(Create | Bind | Open, Create, false, Open)]
    [InlineData(Create | Bind, Bind, false, Create)]
    [InlineData(ScannerActions.None, Ticket, true, Ticket)]
    [InlineData(Create, Open, true, Create | Open)]
    public void Toggling_keeps_the_set_consistent(ScannerActions before, ScannerActions action, bool on, ScannerActions expected)
    {
        var after = ScannerActionRules.Toggle(before, action, on);

        Assert.Equal(expected, after);
        Assert.True(ScannerActionRules.IsConsistent(after));
    }

    [Theory]
    [InlineData(Bind, false)]
    [InlineData(Bind | Open, false)]
    [InlineData(Create | Bind | Open | Ticket, true)]
    [InlineData(Open | Ticket, true)]
    [InlineData(ScannerActions.None, true)]
    public void Bind_needs_create(ScannerActions actions, bool consistent) =>
        Assert.Equal(consistent, ScannerActionRules.IsConsistent(actions));

    [Fact]
    public void Actions_run_in_the_documented_order() =>
        Assert.Equal([Create, Bind, Open, Ticket], ScannerActionRules.InOrder);
}

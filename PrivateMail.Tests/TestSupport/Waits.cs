namespace PrivateMail.Tests.TestSupport;

/// <summary>Ceilings for bUnit waits on work a page does after a debounce or a background hop.</summary>
public static class Waits
{
    /// <summary>
    /// For a live update or a debounced search: the page reloads on a thread-pool task after 250–300 ms. The assertion
    /// returns the moment it holds; this ceiling (instead of bUnit's 1 s) only keeps a busy CI machine's thread-pool
    /// delays from failing a feature that works. It is not a sleep: a passing run does not wait for it.
    /// </summary>
    public static readonly TimeSpan Background = TimeSpan.FromSeconds(10);
}

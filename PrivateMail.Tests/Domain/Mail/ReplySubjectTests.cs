using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Domain.Mail;

public sealed class ReplySubjectTests
{
    [Theory]
    [InlineData("Offer", "Re: Offer")]
    [InlineData("Re: Offer", "Re: Offer")]
    [InlineData("RE: Offer", "Re: Offer")]
    [InlineData("Odp: Offer", "Re: Offer")]
    [InlineData("AW: Offer", "Re: Offer")]
    [InlineData("Re: RE: Odp: Offer", "Re: Offer")]
    [InlineData("Re[2]: Offer", "Re: Offer")]
    [InlineData("Fwd: Offer", "Re: Offer")]
    [InlineData("Regarding the offer", "Re: Regarding the offer")]
    [InlineData("", "Re: ")]
    [InlineData("Offer\r\nBcc: eve@evil.test", "Re: Offer Bcc: eve@evil.test")]
    public void Reply_has_one_prefix_and_one_line(string subject, string expected) =>
        Assert.Equal(expected, ReplySubject.Reply(subject));

    [Theory]
    [InlineData("Offer", "Fwd: Offer")]
    [InlineData("Fwd: Offer", "Fwd: Offer")]
    [InlineData("FW: Offer", "Fwd: Offer")]
    [InlineData("PD: Re: Offer", "Fwd: Offer")]
    [InlineData("WG: Offer", "Fwd: Offer")]
    public void Forward_has_one_prefix(string subject, string expected) =>
        Assert.Equal(expected, ReplySubject.Forward(subject));
}

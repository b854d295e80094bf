using PrivateMail.Domain.Records;

namespace PrivateMail.Tests.Domain;

public sealed class RecordNumberTests
{
    [Fact]
    public void Formats_with_the_prefix_and_as_a_subject_tag()
    {
        var number = new RecordNumber(RecordNumber.TicketPrefix, 42);

        Assert.Equal("T42", number.ToString());
        Assert.Equal("[T42]", number.ToSubjectTag());
    }

    [Theory]
    [InlineData("T42", 42)]
    [InlineData("[T42]", 42)]
    [InlineData(" t42 ", 42)]
    [InlineData("[ T7 ]", 7)]
    [InlineData("T999999999999999999", 999999999999999999)]
    public void Parses_a_whole_number_with_or_without_brackets(string text, long expected)
    {
        Assert.True(RecordNumber.TryParse(text, "T", out var number));
        Assert.Equal(expected, number.Sequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("T")]
    [InlineData("T0")]
    [InlineData("T042")]
    [InlineData("T-1")]
    [InlineData("X42")]
    [InlineData("T42a")]
    [InlineData("T1000000000000000000")]
    public void Refuses_what_is_not_a_number_of_the_prefix(string? text) =>
        Assert.False(RecordNumber.TryParse(text, "T", out _));

    [Theory]
    [InlineData("Re: [T42] Printer on fire", new long[] { 42 })]
    [InlineData("RE: AW: Printer [t42]", new long[] { 42 })]
    [InlineData("T42 follow-up", new long[] { 42 })]
    [InlineData("Question about T42, again", new long[] { 42 })]
    [InlineData("Merge [T5] and [T6]", new long[] { 5, 6 })]
    [InlineData("Bare T9 and tagged [T8]", new long[] { 8, 9 })]
    [InlineData("[T42] duplicate of [T42] and T42", new long[] { 42 })]
    [InlineData("ST42 or T42b or T42_x or abc/T42 are not tickets", new long[] { })]
    [InlineData("Invoice 2026-T42", new long[] { })]
    [InlineData("Zażółć [T13] gęślą jaźń", new long[] { 13 })]
    [InlineData("", new long[] { })]
    public void Finds_ticket_numbers_in_a_subject_among_other_text(string subject, long[] expected) =>
        Assert.Equal(expected, RecordNumber.FindInSubject(subject, "T").Select(n => n.Sequence));
}

using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Domain;

public sealed class MessageIdentityTests
{
    private static MessageSnapshot Message(string? id, string subject = "s", string body = "b") => new()
    {
        From = EmailAddress.Parse("a@b.example"),
        To = [EmailAddress.Parse("c@d.example")!],
        Subject = subject,
        TextBody = body,
        Date = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.FromHours(1)),
        MessageId = id,
    };

    [Theory]
    [InlineData("<ABC@Example.com>", "abc@example.com")]
    [InlineData("  abc@example.com ", "abc@example.com")]
    [InlineData("", null)]
    [InlineData("<>", null)]
    [InlineData("has space@example.com", null)]
    [InlineData(null, null)]
    public void Message_ids_normalise(string? input, string? expected) =>
        Assert.Equal(expected, MessageIdentity.NormaliseMessageId(input));

    [Fact]
    public void The_same_message_id_in_any_case_is_the_same_key() =>
        Assert.Equal(MessageIdentity.DedupKey(Message("ABC@example.com")), MessageIdentity.DedupKey(Message("<abc@EXAMPLE.com>", subject: "other")));

    [Fact]
    public void Without_a_message_id_the_content_decides()
    {
        Assert.Equal(MessageIdentity.DedupKey(Message(null)), MessageIdentity.DedupKey(Message(null)));
        Assert.NotEqual(MessageIdentity.DedupKey(Message(null)), MessageIdentity.DedupKey(Message(null, body: "other body")));
        Assert.StartsWith("sha:", MessageIdentity.DedupKey(Message(null)));
    }
}

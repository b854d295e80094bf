using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Domain.Mail;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>Dzień dobry</p><p>Jan</p>", 100, "Dzień dobry Jan")]
    [InlineData("<div>a</div>\n\n   <div>b</div>", 100, "a b")]
    [InlineData("<script>alert('x')</script>tekst<style>p{color:red}</style>", 100, "tekst")]
    [InlineData("<SCRIPT type=\"text/javascript\">evil()</SCRIPT>ok", 100, "ok")]
    [InlineData("&lt;b&gt; stays as written", 100, "&lt;b&gt; stays as written")]
    [InlineData("abcdefghij", 4, "abcd")]
    [InlineData("text <unclosed", 100, "text")]
    public void Tags_are_dropped_script_and_style_are_never_text_and_the_length_is_capped(string html, int maxChars, string expected) =>
        Assert.Equal(expected, HtmlText.Rough(html, maxChars));
}

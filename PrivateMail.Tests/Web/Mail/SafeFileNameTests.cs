using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Mail;

public sealed class SafeFileNameTests
{
    [Theory]
    [InlineData("faktura.pdf", "faktura.pdf")]
    [InlineData("Zażółć gęślą jaźń.docx", "Zażółć gęślą jaźń.docx")]
    [InlineData("faktura \"03/2026\".pdf", "faktura 03_2026.pdf")]
    [InlineData("../../etc/passwd", "etc_passwd")]
    [InlineData("..\\..\\boot.ini", "boot.ini")]
    [InlineData("evil\r\nContent-Type: text/html.txt", "evil Content-Type text_html.txt")]
    [InlineData("a<b>c|d?e*f;g:h.txt", "abcdefgh.txt")]
    [InlineData("...", "attachment")]
    [InlineData("", "attachment")]
    [InlineData(null, "attachment")]
    public void Cleans_names_for_the_download_header(string? input, string expected) =>
        Assert.Equal(expected, SafeFileName.Clean(input));

    [Fact]
    public void Shortens_long_names_keeping_the_extension()
    {
        var clean = SafeFileName.Clean(new string('x', 300) + ".pdf");

        Assert.Equal(150, clean.Length);
        Assert.EndsWith("x.pdf", clean);
    }

    [Theory]
    [InlineData("Application/PDF; name=\"a.pdf\"", "application/pdf")]
    [InlineData("image/png", "image/png")]
    [InlineData("text/html; charset=utf-8", "text/html")]
    [InlineData("rubbish", "application/octet-stream")]
    [InlineData("*/*", "application/octet-stream")]
    [InlineData(null, "application/octet-stream")]
    public void Keeps_well_formed_content_types_only(string? input, string expected) =>
        Assert.Equal(expected, SafeFileName.ContentType(input));
}

using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, Low): an attachment named <c>invoice\u202Efdp.exe</c> — with a right-to-left override — shows as
/// <c>invoiceexe.pdf</c>. Bidirectional and other invisible format characters are removed from stored names, as are
/// control characters.
/// </summary>
public sealed class AttachmentNameSpoofingTests
{
    [Theory]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("report\u202Bcod.scr", "reportcod.scr")]
    [InlineData("\u202Aa\u202Cb\u202Dc\u202E.txt", "abc.txt")]
    [InlineData("\u2066photo\u2069\u2067gpj.\u2068exe", "photogpj.exe")]
    [InlineData("name\u200E\u200F\u061C.pdf", "name.pdf")]
    [InlineData("zero\u200Bwidth\u200D\uFEFF.doc", "zerowidth.doc")]
    [InlineData("tab\tand\u0007bell.txt", "tab and bell.txt")]
    [InlineData("faktura\u00A0zażółć.pdf", "faktura zażółć.pdf")]
    public void Bidirectional_format_and_control_characters_never_reach_a_stored_name(string declared, string expected) =>
        Assert.Equal(expected, SafeFileName.Clean(declared));

    [Fact]
    public async Task A_scanned_attachment_with_a_right_to_left_override_is_stored_and_served_under_its_real_extension()
    {
        using var database = new TestDatabase();
        await using var app = await AppServices.StartAsync(database);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.Users.Add(new ApplicationUser { Id = "owner", UserName = "olga", NormalizedUserName = "OLGA", SecurityStamp = "x" });
            await db.SaveChangesAsync();
        }

        var stored = await app.Services.GetRequiredService<EmailStore>().StoreAsync(new NewEmail
        {
            OwnerId = "owner",
            Subject = "Invoice",
            From = EmailAddress.Parse("billing@vendor.example"),
            Date = DateTimeOffset.UtcNow,
            MessageId = "rlo@vendor.example",
            Attachments = [new NewAttachment("invoice\u202Efdp.exe", "application/pdf", new MemoryStream(Encoding.ASCII.GetBytes("MZ")))],
        });

        await using var check = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var name = await check.EmailAttachments.Where(a => a.EmailId == stored.Id).Select(a => a.FileName).SingleAsync();
        Assert.Equal("invoicefdp.exe", name);
        Assert.DoesNotContain(name, c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
    }
}

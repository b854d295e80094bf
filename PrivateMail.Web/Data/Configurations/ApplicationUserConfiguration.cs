using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> builder)
    {
        builder.Property(u => u.FirstName).HasMaxLength(100);
        builder.Property(u => u.LastName).HasMaxLength(100);
        builder.Property(u => u.Language).HasMaxLength(10);
        builder.Property(u => u.TimeZone).HasMaxLength(64);
        builder.Property(u => u.DateFormat).HasMaxLength(20);
        builder.Property(u => u.ProvenEmail).HasMaxLength(320);
        builder.Property(u => u.Signature).HasMaxLength(4000);
        builder.Property(u => u.DefaultMailClient).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.MailOpenMode).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(u => u.DisplayName);
    }
}

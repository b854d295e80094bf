using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class EmailAmbiguityConfiguration : IEntityTypeConfiguration<EmailAmbiguity>
{
    public void Configure(EntityTypeBuilder<EmailAmbiguity> builder)
    {
        builder.HasKey(a => new { a.EmailId, a.RecordKind, a.RecordId });
        builder.Property(a => a.RecordKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.RecordId).HasMaxLength(450);
        builder.Property(a => a.Value).HasMaxLength(320);
        builder.Property(a => a.DisplayName).HasMaxLength(300);
        builder.HasOne(a => a.Email).WithMany().HasForeignKey(a => a.EmailId).OnDelete(DeleteBehavior.Cascade);
    }
}

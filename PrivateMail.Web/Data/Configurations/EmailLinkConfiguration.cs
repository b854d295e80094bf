using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class EmailLinkConfiguration : IEntityTypeConfiguration<EmailLink>
{
    public void Configure(EntityTypeBuilder<EmailLink> builder)
    {
        // Binding the same mail to the same record twice is a no-op.
        builder.HasKey(l => new { l.EmailId, l.RecordKind, l.RecordId });
        builder.Property(l => l.RecordKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(l => l.RecordId).HasMaxLength(450);
        // A record's e-mails.
        builder.HasIndex(l => new { l.RecordKind, l.RecordId });
        builder.HasOne(l => l.Email).WithMany(e => e.Links).HasForeignKey(l => l.EmailId).OnDelete(DeleteBehavior.Cascade);
    }
}

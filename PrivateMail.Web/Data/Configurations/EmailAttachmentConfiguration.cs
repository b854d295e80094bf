using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class EmailAttachmentConfiguration : IEntityTypeConfiguration<EmailAttachment>
{
    public void Configure(EntityTypeBuilder<EmailAttachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(255);
        builder.Property(a => a.ContentType).HasMaxLength(200);
        builder.Property(a => a.ContentId).HasMaxLength(500);
        builder.Property(a => a.ContentHash).HasMaxLength(64);
        // A file is shared by every attachment with the same content; the index tells whether it is still used.
        builder.HasIndex(a => a.ContentHash);
        builder.HasOne(a => a.Email).WithMany(e => e.Attachments).HasForeignKey(a => a.EmailId).OnDelete(DeleteBehavior.Cascade);
    }
}

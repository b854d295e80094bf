using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> builder)
    {
        // One private mailbox per user.
        builder.HasIndex(m => m.OwnerId).IsUnique();
        builder.HasOne(m => m.Owner).WithMany().HasForeignKey(m => m.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.Name).HasMaxLength(100);
        builder.Property(m => m.Login).HasMaxLength(320);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Actions).HasConversion<int>();
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.OAuthAccount).HasMaxLength(320);
        builder.Property(m => m.SenderAddress).HasMaxLength(320);
        builder.PrimitiveCollection(m => m.Folders);
        builder.PrimitiveCollection(m => m.SearchFields);
        builder.PrimitiveCollection(m => m.EmailExceptions);
        builder.PrimitiveCollection(m => m.DomainExceptions);
    }
}

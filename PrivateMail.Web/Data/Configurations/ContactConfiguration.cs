using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.Property(c => c.FirstName).HasMaxLength(100);
        builder.Property(c => c.LastName).HasMaxLength(100);
        builder.Property(c => c.Email).HasMaxLength(320);
        builder.Property(c => c.EmailNormalised).HasMaxLength(320);
        builder.Property(c => c.SecondaryEmail).HasMaxLength(320);
        builder.Property(c => c.SecondaryEmailNormalised).HasMaxLength(320);
        builder.Property(c => c.Phone).HasMaxLength(50);
        // Not unique: colleagues share an office address; the scanner binds mail to every contact that has it.
        builder.HasIndex(c => c.EmailNormalised);
        builder.HasIndex(c => c.SecondaryEmailNormalised);
        builder.HasIndex(c => new { c.OwnerId, c.LastName });
        builder.HasOne(c => c.Account).WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

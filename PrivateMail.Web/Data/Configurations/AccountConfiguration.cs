using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Email).HasMaxLength(320);
        builder.Property(a => a.EmailNormalised).HasMaxLength(320);
        builder.Property(a => a.Website).HasMaxLength(500);
        builder.Property(a => a.Domain).HasMaxLength(253);
        builder.Property(a => a.Phone).HasMaxLength(50);
        builder.HasIndex(a => a.EmailNormalised);
        builder.HasIndex(a => a.Domain);
        builder.HasIndex(a => new { a.OwnerId, a.Name });
        builder.HasOne(a => a.Owner).WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> builder)
    {
        builder.Property(l => l.Company).HasMaxLength(200);
        builder.Property(l => l.FirstName).HasMaxLength(100);
        builder.Property(l => l.LastName).HasMaxLength(100);
        builder.Property(l => l.Email).HasMaxLength(320);
        builder.Property(l => l.EmailNormalised).HasMaxLength(320);
        builder.Property(l => l.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(l => l.EmailNormalised);
        builder.HasIndex(l => new { l.OwnerId, l.Company });
        builder.HasOne(l => l.Owner).WithMany().HasForeignKey(l => l.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

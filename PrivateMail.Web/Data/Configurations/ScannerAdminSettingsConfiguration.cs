using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class ScannerAdminSettingsConfiguration : IEntityTypeConfiguration<ScannerAdminSettings>
{
    public void Configure(EntityTypeBuilder<ScannerAdminSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.AmbiguityPolicy).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.UpdatedById).HasMaxLength(450);
    }
}

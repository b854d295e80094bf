using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class ModuleSettingConfiguration : IEntityTypeConfiguration<ModuleSetting>
{
    public void Configure(EntityTypeBuilder<ModuleSetting> builder)
    {
        builder.HasKey(m => m.Module);
        builder.Property(m => m.Module).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.ChangedBy).HasMaxLength(256);
    }
}

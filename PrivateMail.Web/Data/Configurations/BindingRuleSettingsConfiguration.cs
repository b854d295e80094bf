using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class BindingRuleSettingsConfiguration : IEntityTypeConfiguration<BindingRuleSettings>
{
    public void Configure(EntityTypeBuilder<BindingRuleSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.PrimitiveCollection(s => s.FreeMailDomains);
        builder.PrimitiveCollection(s => s.OurDomains);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class GlobalExceptionSettingsConfiguration : IEntityTypeConfiguration<GlobalExceptionSettings>
{
    public void Configure(EntityTypeBuilder<GlobalExceptionSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.PrimitiveCollection(s => s.EmailExceptions);
        builder.PrimitiveCollection(s => s.DomainExceptions);
    }
}

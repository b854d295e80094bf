using PrivateMail.Domain.Modules;

namespace PrivateMail.Tests.Domain;

public sealed class CrmModulesTests
{
    [Fact]
    public void MyMail_ships_disabled_and_every_other_module_enabled()
    {
        Assert.False(CrmModules.EnabledByDefault(CrmModule.MyMail));
        Assert.All(CrmModules.All.Where(m => m != CrmModule.MyMail), m => Assert.True(CrmModules.EnabledByDefault(m)));
    }

    [Fact]
    public void Catalogue_lists_every_module_once()
    {
        Assert.Equal(Enum.GetValues<CrmModule>().Order(), CrmModules.All.Order());
    }
}

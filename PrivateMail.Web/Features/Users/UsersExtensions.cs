namespace PrivateMail.Web.Features.Users;

internal static class UsersExtensions
{
    public static IServiceCollection AddUserAdministration(this IServiceCollection services)
    {
        services.AddScoped<UserAdminService>();
        return services;
    }
}

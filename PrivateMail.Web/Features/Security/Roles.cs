namespace PrivateMail.Web.Features.Security;

public static class Roles
{
    public const string Administrator = "Administrator";
    public const string User = "User";

    public static IReadOnlyList<string> All { get; } = [Administrator, User];
}

public static class Policies
{
    public const string Administrator = "Administrator";
}

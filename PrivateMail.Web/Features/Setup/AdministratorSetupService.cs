using Microsoft.AspNetCore.Identity;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Features.Users;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Setup;

/// <summary>Creates the one and only first administrator.</summary>
internal sealed class AdministratorSetupService(
    SetupState state,
    SetupCode setupCode,
    Nodes.ClusterLocks locks,
    UserManager<ApplicationUser> users,
    ILogger<AdministratorSetupService> logger)
{
    /// <returns>Errors to show, or an empty list on success.</returns>
    public async Task<IReadOnlyList<string>> CreateAsync(SetupModel model, string language)
    {
        // Across every node on the database (an advisory lock on PostgreSQL): two first visitors, even on two nodes
        // behind a load balancer, cannot both become administrator — the second finds the first already there.
        await using (await locks.AcquireAsync(Nodes.ClusterLockKey.Setup))
        {
            if (await state.IsCompleteAsync())
            {
                return [Strings.SetupAlreadyDone];
            }

            if (!setupCode.Matches(model.SetupCode))
            {
                logger.LogWarning("Set-up refused: wrong set-up code.");
                return [SecurityStrings.SetupCodeWrong];
            }

            var (user, result) = await UserAccounts.CreateAsync(users, model.UserName, model.Email, model.Password,
                administrator: true, firstName: model.FirstName, lastName: model.LastName, language: language);
            if (!result.Succeeded)
            {
                return result.Errors.Select(e => e.Description).ToList();
            }

            state.MarkComplete();
            setupCode.Consume();
            logger.LogInformation("First administrator {UserName} created.", user.UserName);
            return [];
        }
    }
}

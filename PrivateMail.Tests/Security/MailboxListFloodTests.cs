using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, Low): a user saves thousands of folders or exception entries so that every scan of their mailbox
/// opens every folder and compares every message with every entry. The lists are bounded, with a clear message.
/// </summary>
public sealed class MailboxListFloodTests : IAsyncLifetime
{
    private readonly PrivateMailAppFactory _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _factory.CreateUserAsync("ula", "Test-password-1", administrator: false);
        await _factory.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test", Ct);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("en", "Choose at most 50 folders (now 51).", "At most 200 entries (now 201).")]
    [InlineData("pl", "Wybierz najwyżej 50 folderów (teraz 51).", "Najwyżej 200 pozycji (teraz 201).")]
    public async Task One_folder_or_exception_too_many_is_refused_with_a_message_in_the_users_language(string culture, string folders, string entries)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
        await using var user = await UserScope.StartAsync(_factory.Services, "ula");
        var mailboxes = user.Get<MailboxService>();
        var model = new MailboxModel
        {
            Name = "Mine", Login = "ula", Password = "secret",
            Folders = [.. Enumerable.Range(0, MailboxLimits.MaxFolders + 1).Select(i => $"Folder {i}")],
            EmailExceptions = [.. Enumerable.Range(0, MailboxLimits.MaxExceptionEntries + 1).Select(i => $"sender{i}@spam.example")],
            DomainExceptions = [.. Enumerable.Range(0, MailboxLimits.MaxExceptionEntries + 1).Select(i => $"spam{i}.example")],
        };

        var result = await mailboxes.SaveAsync(model, Ct);

        Assert.Equal(folders, result.FieldErrors[nameof(MailboxModel.Folders)]);
        Assert.Equal(entries, result.FieldErrors[nameof(MailboxModel.EmailExceptions)]);
        Assert.Equal(entries, result.FieldErrors[nameof(MailboxModel.DomainExceptions)]);
        Assert.Null(await mailboxes.GetAsync(Ct));
        // Nothing the user typed is lost.
        Assert.Equal(MailboxLimits.MaxFolders + 1, model.Folders.Count);
    }

    [Fact]
    public async Task Lists_at_the_limit_are_accepted()
    {
        await using var user = await UserScope.StartAsync(_factory.Services, "ula");
        var model = new MailboxModel
        {
            Name = "Mine", Login = "ula", Password = "secret",
            Folders = [.. Enumerable.Range(0, MailboxLimits.MaxFolders).Select(i => $"Folder {i}")],
            EmailExceptions = [.. Enumerable.Range(0, MailboxLimits.MaxExceptionEntries).Select(i => $"sender{i}@spam.example")],
            DomainExceptions = [.. Enumerable.Range(0, MailboxLimits.MaxExceptionEntries).Select(i => $"spam{i}.example")],
        };

        var result = await user.Get<MailboxService>().SaveAsync(model, Ct);

        Assert.DoesNotContain(nameof(MailboxModel.Folders), result.FieldErrors.Keys);
        Assert.DoesNotContain(nameof(MailboxModel.EmailExceptions), result.FieldErrors.Keys);
        Assert.DoesNotContain(nameof(MailboxModel.DomainExceptions), result.FieldErrors.Keys);
    }
}

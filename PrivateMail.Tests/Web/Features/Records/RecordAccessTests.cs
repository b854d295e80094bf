using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Web.Features.Records;

/// <summary>The visibility rule, tested directly in one table: who sees which record and which e-mail.</summary>
public sealed class RecordAccessTests : PrivateMailTestContext, IAsyncLifetime
{
    private readonly Dictionary<string, string> _users = [];
    private readonly Dictionary<string, (RecordKind Kind, string Id)> _records = [];
    private readonly Dictionary<string, int> _emails = [];

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _users["olga"] = await CreateUserAsync("olga");
        _users["ben"] = await CreateUserAsync("ben");
        _users["carl"] = await CreateUserAsync("carl");
        _users["ada"] = await CreateUserAsync("ada", administrator: true);
        var make = new RecordFactory(Services);
        var olga = _users["olga"];

        _records["olga's contact"] = (RecordKind.Contact, Key(await make.ContactAsync(olga, "Jan", "Kowalski", "jan@firma.example")));
        _records["olga's account"] = (RecordKind.Account, Key(await make.AccountAsync(olga, "Firma")));
        _records["olga's lead"] = (RecordKind.Lead, Key(await make.LeadAsync(olga, "Prospekt")));
        _records["olga's ticket"] = (RecordKind.Ticket, Key((await make.TicketAsync(olga, "Printer")).Id));
        _records["olga as a user"] = (RecordKind.User, olga);
        _records["ben's contact"] = (RecordKind.Contact, Key(await make.ContactAsync(_users["ben"], "Anna", "Nowak")));

        var olgasMailbox = await make.MailboxAsync(olga);
        _emails["from olga's mailbox"] = await make.EmailAsync(olga, "In olga's mailbox", mailboxId: olgasMailbox);
        // Stored under another owner, but it came from olga's mailbox: the mailbox rule alone must let her see it.
        _emails["owned by ada, in olga's mailbox"] = await make.EmailAsync(_users["ada"], "Ada's copy", mailboxId: olgasMailbox);
        _emails["ben's, linked to olga's contact"] = await make.EmailAsync(_users["ben"], "Ben writes about Jan");
        await make.LinkAsync(_emails["ben's, linked to olga's contact"], RecordKind.Contact, _records["olga's contact"].Id);
        _emails["ada's, linked to olga's ticket"] = await make.EmailAsync(_users["ada"], "Ticket reply");
        await make.LinkAsync(_emails["ada's, linked to olga's ticket"], RecordKind.Ticket, _records["olga's ticket"].Id);
        _emails["ada's, linked to user ben"] = await make.EmailAsync(_users["ada"], "For Ben");
        await make.LinkAsync(_emails["ada's, linked to user ben"], RecordKind.User, _users["ben"]);
        _emails["ada's, linked to ben's contact"] = await make.EmailAsync(_users["ada"], "About Anna");
        await make.LinkAsync(_emails["ada's, linked to ben's contact"], RecordKind.Contact, _records["ben's contact"].Id);
        _emails["ada's, unlinked"] = await make.EmailAsync(_users["ada"], "Private to ada");
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    /// <summary>(what, viewer, sees it). Administrators see everything; owners see their own; links extend to e-mails only.</summary>
    private static readonly (string What, string Viewer, bool Sees)[] Table =
    [
        ("olga's contact", "olga", true),
        ("olga's contact", "ben", false),
        ("olga's contact", "ada", true),
        ("olga's account", "olga", true),
        ("olga's account", "ben", false),
        ("olga's account", "ada", true),
        ("olga's lead", "olga", true),
        ("olga's lead", "ben", false),
        ("olga's lead", "ada", true),
        ("olga's ticket", "olga", true),
        ("olga's ticket", "ben", false),
        ("olga's ticket", "ada", true),
        ("olga as a user", "olga", true),
        ("olga as a user", "ben", false),
        ("olga as a user", "ada", true),
        ("ben's contact", "olga", false),
        ("ben's contact", "ben", true),
        ("from olga's mailbox", "olga", true),
        ("from olga's mailbox", "ben", false),
        ("from olga's mailbox", "ada", true),
        ("owned by ada, in olga's mailbox", "olga", true),
        ("owned by ada, in olga's mailbox", "ben", false),
        ("ben's, linked to olga's contact", "olga", true),
        ("ben's, linked to olga's contact", "ben", true),
        ("ben's, linked to olga's contact", "carl", false),
        ("ada's, linked to olga's ticket", "olga", true),
        ("ada's, linked to olga's ticket", "ben", false),
        ("ada's, linked to user ben", "ben", true),
        ("ada's, linked to user ben", "olga", false),
        ("ada's, linked to ben's contact", "ben", true),
        ("ada's, linked to ben's contact", "olga", false),
        ("ada's, unlinked", "ada", true),
        ("ada's, unlinked", "olga", false),
        ("ada's, unlinked", "carl", false),
    ];

    [Fact]
    public async Task Every_case_of_the_visibility_table_holds_for_single_checks_and_for_lists()
    {
        var access = Services.GetRequiredService<RecordAccess>();
        var failures = new List<string>();
        foreach (var (what, viewerName, expected) in Table)
        {
            var viewer = new Viewer(_users[viewerName], viewerName == "ada");
            var actual = _emails.TryGetValue(what, out var emailId)
                ? await access.CanSeeEmailAsync(viewer, emailId)
                : await access.CanSeeAsync(viewer, _records[what].Kind, _records[what].Id);
            if (actual != expected)
            {
                failures.Add($"{viewerName} {(expected ? "should" : "should not")} see {what}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("olga", new[] { "from olga's mailbox", "owned by ada, in olga's mailbox", "ben's, linked to olga's contact", "ada's, linked to olga's ticket" })]
    [InlineData("ben", new[] { "ben's, linked to olga's contact", "ada's, linked to user ben", "ada's, linked to ben's contact" })]
    [InlineData("carl", new string[0])]
    public async Task The_e_mail_list_shows_exactly_the_visible_e_mails(string viewerName, string[] expected)
    {
        SignIn(viewerName, _users[viewerName]);

        var page = await Services.GetRequiredService<EmailService>().ListAsync(new GridRequest(PageSize: 100));

        Assert.Equal(expected.Select(e => _emails[e]).Order(), page.Items.Select(i => i.Id).Order());
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task An_administrator_lists_every_e_mail()
    {
        SignIn("ada", _users["ada"], administrator: true);

        var page = await Services.GetRequiredService<EmailService>().ListAsync(new GridRequest(PageSize: 100));

        Assert.Equal(_emails.Count, page.Total);
    }

    [Fact]
    public async Task A_linked_viewer_may_read_but_not_delete_someone_elses_e_mail()
    {
        SignIn("olga", _users["olga"]);
        var emails = Services.GetRequiredService<EmailService>();
        var id = _emails["ben's, linked to olga's contact"];

        var details = await emails.GetAsync(id);

        Assert.NotNull(details);
        Assert.False(details.CanDelete);
        Assert.False(await emails.DeleteAsync(id));
        Assert.NotNull(await emails.GetAsync(id));
    }

    [Fact]
    public async Task Linked_records_the_viewer_cannot_see_are_counted_but_not_named()
    {
        var make = new RecordFactory(Services);
        var id = _emails["ben's, linked to olga's contact"];
        await make.LinkAsync(id, RecordKind.Contact, _records["ben's contact"].Id);
        SignIn("olga", _users["olga"]);

        var details = await Services.GetRequiredService<EmailService>().GetAsync(id);

        var link = Assert.Single(details!.Links);
        Assert.Equal("Jan Kowalski", link.Label);
        Assert.Equal(1, details.HiddenLinks);
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}

using System.Net;
using System.Net.Sockets;
using System.Reflection;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Tests.Integration.MyMail;

/// <summary>Sending through the real Postfix into the real Dovecot, through the app's own services as alice.</summary>
[Collection(PostfixCollection.Name)]
public sealed class MyMailSendingTests(PostfixFixture postfix) : IAsyncLifetime
{
    private MyMailHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await MyMailHarness.StartAsync(postfix);

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sent_message_reaches_bob_is_in_sent_once_is_stored_once_and_the_scanner_adds_nothing()
    {
        var marker = Guid.NewGuid().ToString("N");
        int emailId;
        await using (var alice = await _h.AsAsync("alice"))
        {
            var sender = alice.Get<IMyMailSender>();
            var draft = (await sender.CreateDraftToAsync(["Bob <bob@example.test>"], "Hello " + marker, Ct)).Value!;
            draft.Body = "Hi Bob\n" + draft.Body;
            var result = await sender.SendAsync(draft, Ct);
            Assert.True(result.Succeeded, result.Message);
            Assert.Null(result.Message);
            emailId = result.Value;
        }

        var received = await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, marker);
        Assert.Equal("alice@example.test", received.From.Mailboxes.Single().Address);
        Assert.Equal("Hello " + marker, received.Subject);
        Assert.StartsWith("Hi Bob", received.TextBody, StringComparison.Ordinal);
        var messageId = received.MessageId!;

        Assert.Single(await _h.FindAsync(postfix.Dovecot.Alice, "Sent", messageId));
        await using (var db = await _h.DbAsync())
        {
            var stored = await db.Emails.AsNoTracking().SingleAsync(e => e.MessageId == messageId.ToLowerInvariant(), Ct);
            Assert.Equal((emailId, MailType.Sent, _h.MailboxId), (stored.Id, stored.Type, stored.MailboxId));
        }

        // The scanner reads INBOX and Sent afterwards: it recognises the message by Message-ID and stores nothing twice.
        var scan = await _h.App.Services.GetRequiredService<ScanCoordinator>().RunAsync(_h.MailboxId, null, Ct);
        Assert.NotNull(scan);
        Assert.True(scan.Fetched >= 1, $"The scan read nothing ({scan.FirstError}).");
        await using (var db = await _h.DbAsync())
        {
            Assert.Equal(1, await db.Emails.CountAsync(e => e.MessageId == messageId.ToLowerInvariant(), Ct));
        }
    }

    [Fact]
    public async Task A_send_the_server_accepted_proves_the_mailbox_login_as_the_owners_address()
    {
        await using (var db = await _h.DbAsync())
        {
            await db.Mailboxes.Where(m => m.Id == _h.MailboxId).ExecuteUpdateAsync(u => u.SetProperty(m => m.ProvenLogin, (string?)null), Ct);
        }

        await using (var alice = await _h.AsAsync("alice"))
        {
            var sender = alice.Get<IMyMailSender>();
            var draft = (await sender.CreateDraftToAsync(["bob@example.test"], "Proof " + Guid.NewGuid().ToString("N"), Ct)).Value!;
            var result = await sender.SendAsync(draft, Ct);
            Assert.True(result.Succeeded, result.Message);
        }

        await using (var db = await _h.DbAsync())
        {
            var mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == _h.MailboxId, Ct);
            Assert.Equal(mailbox.Login, mailbox.ProvenLogin);
        }
    }

    [Fact]
    public async Task A_reply_has_exact_threading_headers_one_re_prefix_the_quote_and_marks_the_original_answered()
    {
        var marker = Guid.NewGuid().ToString("N");
        var original = MyMailHarness.Message("Bob <bob@example.test>", "alice@example.test", "RE: Odp: Offer " + marker, "Line one\nLine two", $"orig-{marker}@customer.test");
        original.References.Add($"first-{marker}@customer.test");
        var uid = await postfix.Dovecot.AppendAsync(postfix.Dovecot.Alice, "INBOX", original, Ct);

        await using (var alice = await _h.AsAsync("alice"))
        {
            var sender = alice.Get<IMyMailSender>();
            var draft = (await sender.CreateDraftAsync(ComposeKind.Reply, "INBOX", uid.Id, Ct)).Value!;
            Assert.Equal(["Bob <bob@example.test>"], draft.To);
            Assert.Equal("Re: Offer " + marker, draft.Subject);
            Assert.Equal($"orig-{marker}@customer.test", draft.InReplyTo);
            Assert.Equal([$"first-{marker}@customer.test", $"orig-{marker}@customer.test"], draft.References);
            Assert.Contains("> Line one\n> Line two", draft.Body, StringComparison.Ordinal);
            var result = await sender.SendAsync(draft, Ct);
            Assert.True(result.Succeeded, result.Message);
        }

        var received = await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, marker);
        Assert.Equal($"orig-{marker}@customer.test", received.InReplyTo);
        Assert.Equal([$"first-{marker}@customer.test", $"orig-{marker}@customer.test"], received.References.ToList());
        // Folded or not, the header lists exactly the thread, oldest first.
        Assert.Equal($"<first-{marker}@customer.test> <orig-{marker}@customer.test>",
            System.Text.RegularExpressions.Regex.Replace(received.Headers[HeaderId.References] ?? "", @"\s+", " ").Trim());

        using var client = await _h.ImapAsync(postfix.Dovecot.Alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var flags = (await client.Inbox.FetchAsync([uid], MessageSummaryItems.Flags, Ct)).Single().Flags!.Value;
        Assert.True(flags.HasFlag(MessageFlags.Answered));
    }

    [Fact]
    public async Task Reply_all_keeps_the_other_recipients_but_not_alice_and_forward_carries_the_attachments()
    {
        var marker = Guid.NewGuid().ToString("N");
        var original = MyMailHarness.Message("Bob <bob@example.test>", "alice@example.test", "Plan " + marker, "The plan", $"plan-{marker}@customer.test");
        original.To.Add(new MailboxAddress("Carol", "carol@customer.test"));
        original.Cc.Add(new MailboxAddress("Dan", "dan@customer.test"));
        var body = new BodyBuilder { TextBody = "The plan" };
        body.Attachments.Add("plan.pdf", System.Text.Encoding.ASCII.GetBytes("%PDF-1.4 plan " + marker), new ContentType("application", "pdf"));
        original.Body = body.ToMessageBody();
        var uid = await postfix.Dovecot.AppendAsync(postfix.Dovecot.Alice, "INBOX", original, Ct);

        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();
        var all = (await sender.CreateDraftAsync(ComposeKind.ReplyAll, "INBOX", uid.Id, Ct)).Value!;
        Assert.Equal(["Bob <bob@example.test>"], all.To);
        Assert.Equal(["Carol <carol@customer.test>", "Dan <dan@customer.test>"], all.Cc);

        var forward = (await sender.CreateDraftAsync(ComposeKind.Forward, "INBOX", uid.Id, Ct)).Value!;
        Assert.Equal("Fwd: Plan " + marker, forward.Subject);
        Assert.Null(forward.InReplyTo);
        Assert.Contains("The plan", forward.Body, StringComparison.Ordinal);
        var attachment = Assert.Single(forward.Attachments);
        Assert.Equal(("plan.pdf", "application/pdf"), (attachment.FileName, attachment.ContentType));
        forward.To = ["bob@example.test"];
        var sent = await sender.SendAsync(forward, Ct);
        Assert.True(sent.Succeeded, sent.Message);
        Assert.False(File.Exists(attachment.TempFilePath), "The forwarded file was left in the compose folder.");

        var received = await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, "Fwd: Plan " + marker);
        var file = Assert.Single(received.Attachments.OfType<MimePart>());
        using var content = new MemoryStream();
        await file.Content!.DecodeToAsync(content, Ct);
        Assert.Equal("%PDF-1.4 plan " + marker, System.Text.Encoding.ASCII.GetString(content.ToArray()));
    }

    [Fact]
    public async Task Header_injection_is_impossible_and_the_from_address_is_always_the_mailboxs_own()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();

        var injected = new ComposeDraft { To = ["Eve\r\nBcc: eve@evil.test <bob@example.test>"], Subject = "x", Body = "x" };
        var refused = await sender.SendAsync(injected, Ct);
        Assert.Equal(MyMailProblem.Invalid, refused.Problem);
        Assert.True(refused.FieldErrors.ContainsKey(nameof(ComposeDraft.To)));

        var draft = new ComposeDraft { To = ["bob@example.test"], Subject = $"Hi {marker}\r\nBcc: eve@evil.test\r\nFrom: boss@example.test", Body = "x" };
        var sent = await sender.SendAsync(draft, Ct);
        Assert.True(sent.Succeeded, sent.Message);
        var received = await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, marker);
        Assert.Equal($"Hi {marker} Bcc: eve@evil.test From: boss@example.test", received.Subject);
        Assert.Null(received.Headers[HeaderId.Bcc]);
        Assert.Equal("alice@example.test", Assert.Single(received.From.Mailboxes).Address);

        // The draft has no From at all; the only way to change it is the Mailbox tab, which refuses someone else's address.
        Assert.Null(typeof(ComposeDraft).GetProperty("From"));
        var mailboxes = alice.Get<MailboxService>();
        var model = (await mailboxes.GetAsync(Ct))!;
        model.SenderAddress = "boss@example.test";
        var saved = await mailboxes.SaveAsync(model, Ct);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.CurrentCulture, MyMailMessages.SenderAddressMismatch, "alice"), saved.FieldErrors[nameof(MailboxModel.SenderAddress)]);
    }

    [Fact]
    public async Task A_30_mb_attachment_is_refused_before_any_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await _h.UpdateServerAsync(s => s.SmtpPort = port);
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();

        var tooBig = await sender.AddAttachmentAsync("big.bin", "application/octet-stream", new MemoryStream(new byte[30 * 1024 * 1024]), Ct);
        Assert.Equal(MyMailProblem.TooLarge, tooBig.Problem);

        // Two files each within the limit, together above it: refused when sending, before connecting.
        var first = (await sender.AddAttachmentAsync("a.bin", "application/octet-stream", new MemoryStream(new byte[15 * 1024 * 1024]), Ct)).Value!;
        var second = (await sender.AddAttachmentAsync("b.bin", "application/octet-stream", new MemoryStream(new byte[15 * 1024 * 1024]), Ct)).Value!;
        var draft = new ComposeDraft { To = ["bob@example.test"], Subject = "big", Attachments = [first, second] };
        var result = await sender.SendAsync(draft, Ct);
        Assert.Equal(MyMailProblem.TooLarge, result.Problem);
        Assert.Contains("25 MB", result.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "The sender connected to the SMTP server although the attachments were too large.");

        await sender.DiscardAsync(draft, Ct);
        Assert.False(File.Exists(first.TempFilePath));
    }

    [Fact]
    public async Task A_file_outside_the_users_compose_folder_is_never_attached()
    {
        await using var alice = await _h.AsAsync("alice");
        var draft = new ComposeDraft { To = ["bob@example.test"], Subject = "x", Attachments = [new ComposeAttachment("passwd", "text/plain", 10, "/etc/passwd")] };
        var result = await alice.Get<IMyMailSender>().SendAsync(draft, Ct);
        Assert.Equal(MyMailProblem.Invalid, result.Problem);
        Assert.True(result.FieldErrors.ContainsKey(nameof(ComposeDraft.Attachments)));
    }

    [Fact]
    public async Task Auth_refused_gives_the_localised_authentication_error_and_nothing_is_stored()
    {
        await using (var db = await _h.DbAsync())
        {
            var mailbox = await db.Mailboxes.SingleAsync(m => m.Id == _h.MailboxId, Ct);
            mailbox.PasswordProtected = _h.App.Services.GetRequiredService<PrivateMail.Web.Features.Secrets.SecretProtector>().Protect("wrong");
            await db.SaveChangesAsync(Ct);
        }

        await using var alice = await _h.AsAsync("alice");
        var result = await alice.Get<IMyMailSender>().SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = "auth", Body = "x" }, Ct);
        Assert.Equal(MyMailProblem.AuthenticationFailed, result.Problem);
        Assert.Equal(Strings.ConnectionFailedAuthentication, result.Message);
        await using var check = await _h.DbAsync();
        Assert.False(await check.Emails.AnyAsync(e => e.Subject == "auth", Ct));
    }

    [Fact]
    public async Task Server_down_gives_a_clear_error_and_nothing_is_stored_nor_filed()
    {
        int closed;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await _h.UpdateServerAsync(s => s.SmtpPort = closed);
        var marker = Guid.NewGuid().ToString("N");
        await using var alice = await _h.AsAsync("alice");
        var result = await alice.Get<IMyMailSender>().SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = marker, Body = "x" }, Ct);
        Assert.Equal(MyMailProblem.ConnectionFailed, result.Problem);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.CurrentCulture, Strings.ConnectionFailedRefused, postfix.Host, closed), result.Message);
        await using var db = await _h.DbAsync();
        Assert.False(await db.Emails.AnyAsync(e => e.Subject == marker, Ct));
        using var client = await _h.ImapAsync(postfix.Dovecot.Alice);
        var sent = await client.GetFolderAsync("Sent", Ct);
        await sent.OpenAsync(FolderAccess.ReadOnly, Ct);
        Assert.Empty(await sent.SearchAsync(MailKit.Search.SearchQuery.SubjectContains(marker), Ct));
    }

    [Theory]
    [InlineData(MailSecurity.StartTls)]
    [InlineData(MailSecurity.SslTls)]
    public async Task Tls_modes_work_and_the_untrusted_certificate_is_refused_unless_validation_is_off(MailSecurity security)
    {
        var port = security == MailSecurity.SslTls ? postfix.SmtpsPort : postfix.SmtpPort;
        await _h.UpdateServerAsync(s => (s.SmtpPort, s.SmtpSecurity, s.ValidateCertificate) = (port, security, true));
        var marker = Guid.NewGuid().ToString("N");
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();

        var refused = await sender.SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = "tls " + marker, Body = "x" }, Ct);
        Assert.Equal(MyMailProblem.ConnectionFailed, refused.Problem);
        Assert.StartsWith(Strings.ConnectionFailedTls, refused.Message, StringComparison.Ordinal);

        await _h.UpdateServerAsync(s => s.ValidateCertificate = false);
        var sent = await sender.SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = "tls " + marker, Body = "x" }, Ct);
        Assert.True(sent.Succeeded, sent.Message);
        await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, marker);
    }

    [Fact]
    public async Task Sending_is_rate_limited_per_user_with_a_clear_message()
    {
        var options = _h.App.Services.GetRequiredService<IOptions<MyMailOptions>>().Value;
        options.SendLimit = 2;
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();
        for (var i = 0; i < 2; i++)
        {
            var ok = await sender.SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = $"rate {i}", Body = "x" }, Ct);
            Assert.True(ok.Succeeded, ok.Message);
        }

        var limited = await sender.SendAsync(new ComposeDraft { To = ["bob@example.test"], Subject = "rate 3", Body = "x" }, Ct);
        Assert.Equal(MyMailProblem.RateLimited, limited.Problem);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.CurrentCulture, MyMailMessages.RateLimited, 2, 10), limited.Message);
    }

    [Fact]
    public async Task Another_user_can_neither_read_nor_send_through_alices_mailbox()
    {
        await using var bob = await _h.AsAsync("bob");
        var folders = await bob.Get<IMyMailReader>().GetFoldersAsync(Ct);
        Assert.Equal(MyMailProblem.NoMailbox, folders.Problem);
        var sent = await bob.Get<IMyMailSender>().SendAsync(new ComposeDraft { To = ["alice@example.test"], Subject = "x", Body = "x" }, Ct);
        Assert.Equal(MyMailProblem.NoMailbox, sent.Problem);
        var opened = await bob.Get<IMyMailReader>().OpenAsync("INBOX", 1, Ct);
        Assert.Equal(MyMailProblem.NoMailbox, opened.Problem);

        // Nothing on either interface can name a user or a mailbox.
        foreach (var type in new[] { typeof(IMyMailReader), typeof(IMyMailSender) })
        {
            Assert.All(type.GetMethods().SelectMany(m => m.GetParameters()), p =>
                Assert.False(p.Name!.Contains("user", StringComparison.OrdinalIgnoreCase) || p.Name.Contains("mailbox", StringComparison.OrdinalIgnoreCase), p.Name));
        }
    }

    [Fact]
    public async Task A_ticket_reply_goes_to_the_contact_with_the_number_and_moves_the_ticket_to_waiting_for_response()
    {
        var marker = Guid.NewGuid().ToString("N");
        var make = new RecordFactory(_h.App.Services);
        var contact = await make.ContactAsync(_h.AliceId, "Bob", "Customer", "bob@example.test");
        var ticket = await make.TicketAsync(_h.AliceId, "Printer " + marker, contactId: contact);
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();
        var draft = (await sender.CreateTicketReplyAsync(ticket.Id, Ct)).Value!;
        Assert.Equal(["Bob Customer <bob@example.test>"], draft.To);
        Assert.Equal($"[{ticket.Number}] Printer {marker}", draft.Subject);
        var result = await sender.SendAsync(draft, Ct);
        Assert.True(result.Succeeded, result.Message);

        await using var db = await _h.DbAsync();
        var ticketKey = ticket.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.EmailLinks.AnyAsync(l => l.EmailId == result.Value && l.RecordKind == RecordKind.Ticket && l.RecordId == ticketKey, Ct));
        var contactKey = contact.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.EmailLinks.AnyAsync(l => l.EmailId == result.Value && l.RecordKind == RecordKind.Contact && l.RecordId == contactKey, Ct));
        var status = await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Status!.Name).SingleAsync(Ct);
        Assert.Equal("Waiting for response", status);
        await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, marker);
    }

    [Fact]
    public async Task A_saved_draft_is_replaced_on_save_and_removed_on_discard()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();
        var draft = new ComposeDraft { To = ["bob@example.test"], Subject = "Draft " + marker, Body = "first" };
        var first = await sender.SaveDraftAsync(draft, Ct);
        Assert.True(first.Succeeded, first.Message);
        draft.Body = "second";
        var second = await sender.SaveDraftAsync(draft, Ct);
        Assert.True(second.Succeeded, second.Message);
        Assert.NotEqual(first.Value, second.Value);

        Assert.Equal([second.Value], await DraftsWithSubjectAsync(marker));

        await sender.DiscardAsync(draft, Ct);
        Assert.Empty(await DraftsWithSubjectAsync(marker));
    }

    [Fact]
    public async Task Edit_draft_brings_back_everything_saved_bcc_files_thread_and_ticket_and_sending_removes_it()
    {
        var marker = Guid.NewGuid().ToString("N");
        var make = new RecordFactory(_h.App.Services);
        var contact = await make.ContactAsync(_h.AliceId, "Bob", "Customer", "bob@example.test");
        var ticket = await make.TicketAsync(_h.AliceId, "Printer " + marker, contactId: contact);
        await using var alice = await _h.AsAsync("alice");
        var sender = alice.Get<IMyMailSender>();
        var draft = (await sender.CreateTicketReplyAsync(ticket.Id, Ct)).Value!;
        draft.Cc = ["Carol <carol@customer.test>"];
        draft.Bcc = ["Dan <dan@customer.test>"];
        draft.Body = "Half written " + marker + "\n" + draft.Body;
        draft.InReplyTo = $"asked-{marker}@customer.test";
        draft.References = [$"first-{marker}@customer.test", $"asked-{marker}@customer.test"];
        await using (var file = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("%PDF-1.4 quote " + marker)))
        {
            draft.Attachments.Add((await sender.AddAttachmentAsync("quote.pdf", "application/pdf", file, Ct)).Value!);
        }

        var saved = await sender.SaveDraftAsync(draft, Ct);
        Assert.True(saved.Succeeded, saved.Message);
        await sender.DiscardAsync(new ComposeDraft { Attachments = draft.Attachments }, Ct);

        var opened = await sender.OpenDraftAsync("Drafts", saved.Value, Ct);
        Assert.True(opened.Succeeded, opened.Message);
        var edit = opened.Value!;
        Assert.Equal(["Bob Customer <bob@example.test>"], edit.To);
        Assert.Equal(["Carol <carol@customer.test>"], edit.Cc);
        Assert.Equal(["Dan <dan@customer.test>"], edit.Bcc);
        Assert.Equal(draft.Subject, edit.Subject);
        Assert.StartsWith("Half written " + marker, edit.Body, StringComparison.Ordinal);
        Assert.Equal($"asked-{marker}@customer.test", edit.InReplyTo);
        Assert.Equal([$"first-{marker}@customer.test", $"asked-{marker}@customer.test"], edit.References);
        Assert.Equal(ticket.Id, edit.TicketId);
        Assert.Equal(saved.Value, edit.DraftUid);
        var file2 = Assert.Single(edit.Attachments);
        Assert.Equal(("quote.pdf", "application/pdf"), (file2.FileName, file2.ContentType));
        Assert.Equal("%PDF-1.4 quote " + marker, await File.ReadAllTextAsync(file2.TempFilePath, Ct));

        var sent = await sender.SendAsync(edit, Ct);
        Assert.True(sent.Succeeded, sent.Message);

        // Still a ticket reply: linked to the ticket, which moved on; the draft left Drafts; the header never went out.
        var received = await _h.WaitForDeliveryAsync(postfix.Dovecot.Bob, marker);
        Assert.Null(received.Headers[MailComposer.DraftTicketHeader]);
        Assert.Equal($"asked-{marker}@customer.test", received.InReplyTo);
        Assert.Equal("quote.pdf", Assert.Single(received.Attachments.OfType<MimePart>()).FileName);
        await using var db = await _h.DbAsync();
        var ticketKey = ticket.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.EmailLinks.AnyAsync(l => l.EmailId == sent.Value && l.RecordKind == RecordKind.Ticket && l.RecordId == ticketKey, Ct));
        Assert.Equal("Waiting for response", await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Status!.Name).SingleAsync(Ct));
        Assert.Empty(await DraftsWithSubjectAsync(marker));
    }

    /// <summary>The UIDs of alice's Drafts whose subject contains <paramref name="marker"/>.</summary>
    private async Task<List<uint>> DraftsWithSubjectAsync(string marker)
    {
        using var client = await _h.ImapAsync(postfix.Dovecot.Alice);
        var drafts = await client.GetFolderAsync("Drafts", Ct);
        await drafts.OpenAsync(FolderAccess.ReadOnly, Ct);
        return (await drafts.SearchAsync(MailKit.Search.SearchQuery.SubjectContains(marker), Ct)).Select(h => h.Id).ToList();
    }

    [Fact]
    public async Task A_draft_naming_a_ticket_the_user_cannot_see_opens_as_a_plain_draft()
    {
        // Alice is an administrator (she sees every ticket): a ticket that does not exist stands for one she may not see —
        // both go through the same record-access check as Reply on the ticket page.
        var marker = Guid.NewGuid().ToString("N");
        var planted = MyMailHarness.Message("alice@example.test", "someone@customer.test", "Planted " + marker);
        planted.Headers.Add(MailComposer.DraftTicketHeader, "987654");
        var uid = await postfix.Dovecot.AppendAsync(postfix.Dovecot.Alice, "Drafts", planted, Ct);

        await using var alice = await _h.AsAsync("alice");
        var opened = await alice.Get<IMyMailSender>().OpenDraftAsync("Drafts", uid.Id, Ct);

        Assert.True(opened.Succeeded, opened.Message);
        Assert.Null(opened.Value!.TicketId);
        Assert.Equal("Planted " + marker, opened.Value.Subject);
    }
}

using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using PrivateMail.Domain.Scanning;
using PrivateMail.Domain.Users;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Features.MyMail;

/// <summary>Compose (chips, errors at the fields, signature, quote, attachment limit, a failed send keeps the text), the reading pane, and CRM mail links.</summary>
public sealed class ComposeAndLinksTests : MyMailTestContext
{
    private IRenderedComponent<WithDialogs> RenderCompose(ComposeRequest request)
    {
        var host = Render<WithDialogs>(p => p.AddChildContent<ComposeHost>(c => c.Add(x => x.Request, request)));
        host.WaitForElement("#compose");
        return host;
    }

    private static string Body(IRenderedComponent<WithDialogs> host) => host.Find("#compose-body").GetAttribute("value") ?? host.Find("#compose-body").TextContent;

    [Fact]
    public void Addresses_become_chips_typed_or_picked_from_suggestions()
    {
        Sender.Directory.Add(new AddressSuggestion("Anna Nowak", "anna@customer.example", RecordKind.Contact));
        var host = RenderCompose(new ComposeRequest());

        host.Find("#compose-to-input").Focus();
        host.Find("#compose-to-input").Input("ann");
        host.WaitForAssertion(() => Assert.Single(host.FindAll("#compose-to-input-suggestions [role=option]")));
        host.Find("#compose-to-input-suggestions [role=option]").MouseDown();
        host.Find("#compose-to-input").Input("jan@example.test");
        host.Find("#compose-to-input").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        host.WaitForAssertion(() => Assert.Equal(["Anna Nowak <anna@customer.example>", "jan@example.test"],
            host.FindAll("#compose-to [data-chip]").Select(c => c.GetAttribute("data-chip")).ToList()));
        Assert.Empty(host.FindAll("#compose-cc"));
        host.Find("#compose-show-cc").Click();
        Assert.NotNull(host.Find("#compose-cc-input"));
    }

    [Fact]
    public void A_new_message_to_an_address_carries_the_signature()
    {
        var fresh = RenderCompose(ComposeRequest.NewTo("anna@customer.example"));
        Assert.Contains("-- \nOlga Tester", Body(fresh));
        Assert.Equal("anna@customer.example", fresh.Find("#compose-to [data-chip]").GetAttribute("data-chip"));
    }

    [Fact]
    public void A_reply_carries_the_quote_the_prefix_and_the_signature()
    {
        var reply = RenderCompose(ComposeRequest.ReplyTo(ComposeKind.Reply, "INBOX", 1));
        Assert.Contains("> Where is my invoice?", Body(reply));
        Assert.Contains("-- \nOlga Tester", Body(reply));
        Assert.Equal("Re: Invoice 03/2026", reply.Find("#compose-subject").GetAttribute("value"));
    }

    [Fact]
    public void Field_errors_show_at_their_fields_and_a_refused_send_keeps_everything_typed()
    {
        var host = RenderCompose(ComposeRequest.NewTo("not-an-address"));
        host.Find("#compose-subject").Input("Pytanie o fakturę");
        host.Find("#compose-body").Change("Dzień dobry,\nproszę o fakturę.");
        Sender.SendResult = new MyMailResult<int>
        {
            Problem = MyMailProblem.Invalid, Message = "Please correct the recipients.",
            FieldErrors = new Dictionary<string, string> { ["To"] = "“not-an-address” is not a valid e-mail address." },
        };

        host.Find("#compose-send").Click();

        host.WaitForAssertion(() => Assert.Contains("not a valid e-mail address", host.Find("#compose-to-input-error").TextContent));
        Assert.Equal("not-an-address", host.Find("#compose-to [data-chip]").GetAttribute("data-chip"));

        Sender.SendResult = new MyMailResult<int> { Problem = MyMailProblem.ConnectionFailed, Message = "The SMTP server smtp.example.test did not answer." };
        host.Find("#compose-send").Click();

        host.WaitForAssertion(() => Assert.Contains("did not answer", host.Find("#compose-error").TextContent));
        Assert.Equal("Pytanie o fakturę", host.Find("#compose-subject").GetAttribute("value"));
        Assert.Contains("proszę o fakturę", Body(host));
        Assert.Empty(Sender.Sent);

        Sender.SendResult = null;
        host.Find("#compose-send").Click();
        host.WaitForAssertion(() => Assert.Single(Sender.Sent));
        Assert.Equal("Pytanie o fakturę", Sender.Sent[0].Subject);
    }

    [Fact]
    public void An_attachment_over_the_limit_is_refused_before_sending_and_one_within_it_is_kept()
    {
        Sender.MaxAttachmentBytes = 100;
        var host = RenderCompose(new ComposeRequest());

        host.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[150], "big.pdf", contentType: "application/pdf"));
        host.WaitForAssertion(() => Assert.Contains("big.pdf", host.Find("#compose-attachments-error").TextContent));
        Assert.Empty(Sender.Uploads);
        Assert.Empty(host.FindAll("[data-attachment]"));

        host.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[60], "small.txt", contentType: "text/plain"));
        host.WaitForAssertion(() => Assert.Single(host.FindAll("[data-attachment='small.txt']")));
        Assert.Equal(60, Sender.Uploads.Single().Content.Length);
    }

    [Fact]
    public void The_reading_pane_shows_html_in_the_sandboxed_frame_with_images_blocked_and_attachments_with_sizes()
    {
        var message = new MessageView
        {
            Folder = "INBOX", Uid = 4, From = "Anna <anna@customer.example>", To = "olga@example.test", Subject = "Faktura", Date = DateTimeOffset.UtcNow,
            Html = "<p>Dzień dobry</p><img src=\"https://tracker.example/o.gif\"><script>alert(1)</script>",
            Attachments = [new MessageAttachment("2", "faktura.pdf", "application/pdf", 2048, "/my-mail/attachments/INBOX/4/2")],
        };
        var pane = Render<WithDialogs>(p => p.AddChildContent<MessageReader>(c => c.Add(x => x.Message, message)));

        var frame = pane.Find("#message-html");
        Assert.Equal("allow-same-origin allow-popups allow-popups-to-escape-sandbox", frame.GetAttribute("sandbox"));
        Assert.DoesNotContain("<script", frame.GetAttribute("srcdoc"));
        Assert.DoesNotContain("tracker.example", frame.GetAttribute("srcdoc"));
        var attachment = pane.Find("#mail-attachments a");
        Assert.Equal("/my-mail/attachments/INBOX/4/2", attachment.GetAttribute("href"));
        Assert.Contains("2 KB", attachment.TextContent);
        Assert.NotNull(pane.Find("#mail-not-stored"));

        pane.Find("#message-show-images").Click();
        pane.WaitForAssertion(() => Assert.Contains("https://tracker.example/o.gif", pane.Find("#message-html").GetAttribute("srcdoc")));
    }

    [Fact]
    public void Inline_cid_images_show_from_their_parts_without_show_images_and_an_unknown_cid_is_dropped()
    {
        var message = new MessageView
        {
            Folder = "INBOX", Uid = 5, From = "Anna <anna@customer.example>", To = "olga@example.test", Subject = "Logo", Date = DateTimeOffset.UtcNow,
            Html = "<p>Nasze logo:</p><img src=\"cid:logo@customer.example\" alt=\"logo\"><img src=\"cid:SIG@customer.example\" alt=\"sig\"><img src=\"cid:nothing@x\" alt=\"gone\">",
            InlineParts = [new MessageAttachment("1.2", "logo.png", "image/png", 300, "/my-mail/attachment?folder=INBOX&uid=5&part=1.2", "logo@customer.example")],
            // A mailer that also lists the signature as an attachment (and changes the Content-ID's case).
            Attachments = [new MessageAttachment("2", "sig.png", "image/png", 200, "/my-mail/attachment?folder=INBOX&uid=5&part=2", "sig@customer.example")],
        };
        var pane = Render<WithDialogs>(p => p.AddChildContent<MessageReader>(c => c.Add(x => x.Message, message)));

        var document = pane.Find("#message-html").GetAttribute("srcdoc")!;
        Assert.Contains("src=\"/my-mail/attachment?folder=INBOX&amp;uid=5&amp;part=1.2\"", document, StringComparison.Ordinal);
        Assert.Contains("src=\"/my-mail/attachment?folder=INBOX&amp;uid=5&amp;part=2\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("cid:", document, StringComparison.Ordinal);
        // The mail's own images are not remote: nothing is held back, no Show images button.
        Assert.Empty(pane.FindAll("#message-show-images"));
    }

    [Fact]
    public async Task With_the_internal_client_an_address_opens_compose_prefilled()
    {
        await SetMailSettingsAsync(MailClient.Internal, MailOpenMode.Dialog);
        var link = Render<WithDialogs>(p => p.AddChildContent<MailAddressLink>(c => c.Add(x => x.Address, "anna@customer.example")));
        link.WaitForAssertion(() => Assert.Equal("internal", link.Find("a").GetAttribute("data-mail-client")));
        Assert.StartsWith("my-mail/compose?to=anna@customer.example", link.Find("a").GetAttribute("href"));

        link.Find("a").Click();
        link.WaitForAssertion(() => Assert.Equal("anna@customer.example", link.Find(".mud-dialog #compose-to [data-chip]").GetAttribute("data-chip")));
        Assert.Contains("Olga Tester", link.Find(".mud-dialog #compose-body").GetAttribute("value") ?? link.Find(".mud-dialog #compose-body").TextContent);
    }

    [Fact]
    public async Task With_the_external_client_an_address_is_a_mailto_link()
    {
        await SetMailSettingsAsync(MailClient.External, MailOpenMode.Dialog);
        var external = Render<MailAddressLink>(c => c.Add(x => x.Address, "anna@customer.example"));
        external.WaitForAssertion(() => Assert.Equal("mailto:anna@customer.example", external.Find("a").GetAttribute("href")));
    }
}

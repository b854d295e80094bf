using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

internal static class ComposeTitle
{
    public static string For(ComposeRequest request, ComposeDraft? draft = null) => (draft?.Kind ?? request.Kind) switch
    {
        _ when request.TicketId is not null => MyMailStrings.TitleTicketReply,
        _ when request.EditDraft => MyMailStrings.EditDraft,
        ComposeKind.Reply => MyMailStrings.Reply,
        ComposeKind.ReplyAll => MyMailStrings.ReplyAll,
        ComposeKind.Forward => MyMailStrings.Forward,
        _ => MyMailStrings.Compose,
    };
}

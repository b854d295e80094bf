namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>A record to pick in a form (an account for a contact, a contact for a ticket): its id and how it reads.</summary>
public sealed record RecordOption(int Id, string Label)
{
    public override string ToString() => Label;
}

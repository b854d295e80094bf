using Microsoft.AspNetCore.Components.Forms;

namespace PrivateMail.Web.Features.Records.Shared;

internal static class FormErrors
{
    /// <summary>Puts a save's field errors under their fields and returns the form-wide one; the model is left as typed.</summary>
    public static void Show(RecordSaveResult result, EditContext context, ValidationMessageStore store, out string? formError)
    {
        formError = null;
        foreach (var (field, message) in result.FieldErrors)
        {
            if (field.Length == 0)
            {
                formError = message;
            }
            else
            {
                store.Add(context.Field(field), message);
            }
        }

        context.NotifyValidationStateChanged();
    }
}

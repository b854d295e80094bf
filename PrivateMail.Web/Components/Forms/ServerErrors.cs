using Microsoft.AspNetCore.Components.Forms;

namespace PrivateMail.Web.Components.Forms;

/// <summary>
/// Errors a service found on save, shown under their fields beside the form's own validation.
/// The model keeps what the user typed; an error on a field clears as soon as the user edits that field.
/// </summary>
public sealed class ServerErrors
{
    private readonly EditContext _context;
    private readonly ValidationMessageStore _store;

    public ServerErrors(EditContext context)
    {
        _context = context;
        _store = new ValidationMessageStore(context);
        context.OnFieldChanged += (_, e) => _store.Clear(e.FieldIdentifier);
    }

    public void Clear() => _store.Clear();

    /// <summary>Puts each error under its field (keyed by property name).</summary>
    /// <returns>The form-wide error (empty key), if any.</returns>
    public string? Show(IEnumerable<KeyValuePair<string, string>> errors)
    {
        string? formError = null;
        var any = false;
        foreach (var (field, message) in errors)
        {
            any = true;
            if (field.Length == 0)
            {
                formError = message;
            }
            else
            {
                _store.Add(_context.Field(field), message);
            }
        }

        if (any)
        {
            _context.NotifyValidationStateChanged();
        }

        return formError;
    }
}

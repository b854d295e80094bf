using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace PrivateMail.Web.Features.MyMail;

public sealed partial class AddressChipsInput : IDisposable
{
    private string _text = "";
    private List<AddressSuggestion> _suggestions = [];
    private int _highlight = -1;
    private bool _focused;
    private CancellationTokenSource? _lookup;

    /// <summary>The addresses, edited in place ("Name &lt;address&gt;" or a bare address).</summary>
    [Parameter, EditorRequired]
    public required List<string> Values { get; set; }

    [Parameter, EditorRequired]
    public required string Label { get; set; }

    /// <summary>The field's name in <see cref="MyMailResult.FieldErrors"/> (To, Cc, Bcc).</summary>
    [Parameter]
    public string? Field { get; set; }

    [Parameter]
    public string? Id { get; set; }

    [Parameter]
    public string? InputId { get; set; }

    [Parameter]
    public string? Error { get; set; }

    /// <summary>Suggestions for what is typed (name + address from the user's records).</summary>
    [Parameter]
    public Func<string, CancellationToken, Task<IReadOnlyList<AddressSuggestion>>>? Suggest { get; set; }

    [Parameter]
    public EventCallback Changed { get; set; }

    private bool ShowSuggestions => _focused && _suggestions.Count > 0;

    /// <summary>Adds what is still typed (before sending or saving), so nothing typed is lost.</summary>
    public async Task CommitPendingAsync() => await CommitAsync(_text);

    private async Task OnInputAsync(ChangeEventArgs e)
    {
        _text = e.Value?.ToString() ?? "";
        if (_text.IndexOfAny([',', ';']) >= 0 && !InsideQuotes(_text))
        {
            var parts = AddressList.Split(_text);
            var last = _text.TrimEnd().EndsWith(',') || _text.TrimEnd().EndsWith(';') ? "" : parts.LastOrDefault() ?? "";
            foreach (var part in last.Length > 0 ? parts.Take(parts.Count - 1) : parts)
            {
                await AddAsync(part);
            }

            _text = last;
        }

        await LookUpAsync(_text);
    }

    private async Task LookUpAsync(string text)
    {
        if (_lookup is not null)
        {
            await _lookup.CancelAsync();
            _lookup.Dispose();
        }

        _lookup = null;
        if (Suggest is null || text.Trim().Length < 2)
        {
            _suggestions = [];
            _highlight = -1;
            return;
        }

        _lookup = new CancellationTokenSource();
        var token = _lookup.Token;
        try
        {
            var found = await Suggest(text.Trim(), token);
            if (!token.IsCancellationRequested && text == _text)
            {
                _suggestions = found.Where(s => !Values.Contains(s.ToString(), StringComparer.OrdinalIgnoreCase)).ToList();
                _highlight = _suggestions.Count > 0 ? 0 : -1;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A newer keystroke asked again.
        }
    }

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        switch (e.Key)
        {
            case "ArrowDown" when _suggestions.Count > 0:
                _highlight = (_highlight + 1) % _suggestions.Count;
                break;
            case "ArrowUp" when _suggestions.Count > 0:
                _highlight = _highlight <= 0 ? _suggestions.Count - 1 : _highlight - 1;
                break;
            case "Enter" or "NumpadEnter":
                if (_highlight >= 0 && _highlight < _suggestions.Count)
                {
                    await PickAsync(_suggestions[_highlight]);
                }
                else
                {
                    await CommitAsync(_text);
                }

                break;
            case "Escape":
                _suggestions = [];
                _highlight = -1;
                break;
            case "Backspace" when _text.Length == 0 && Values.Count > 0:
                await RemoveAsync(Values[^1]);
                break;
        }
    }

    private async Task OnBlurAsync()
    {
        _focused = false;
        await CommitAsync(_text);
    }

    private async Task PickAsync(AddressSuggestion suggestion)
    {
        await AddAsync(suggestion.ToString());
        _text = "";
        _suggestions = [];
        _highlight = -1;
    }

    private async Task CommitAsync(string text)
    {
        _suggestions = [];
        _highlight = -1;
        if (string.IsNullOrWhiteSpace(text))
        {
            _text = "";
            return;
        }

        foreach (var part in AddressList.Split(text))
        {
            await AddAsync(part);
        }

        _text = "";
    }

    private async Task AddAsync(string address)
    {
        address = address.Trim();
        if (address.Length > 0 && !Values.Contains(address, StringComparer.OrdinalIgnoreCase))
        {
            Values.Add(address);
            await Changed.InvokeAsync();
        }
    }

    private async Task RemoveAsync(string value)
    {
        Values.Remove(value);
        await Changed.InvokeAsync();
    }

    /// <summary>A hint only (the sender validates): something@something, optionally in angle brackets.</summary>
    internal static bool LooksValid(string value)
    {
        var address = value.LastIndexOf('<') is var open and >= 0 && value.EndsWith('>') ? value[(open + 1)..^1] : value;
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < address.Length - 1 && !address.Any(char.IsWhiteSpace);
    }

    private static bool InsideQuotes(string text) => text.Count(c => c == '"') % 2 == 1;

    public void Dispose()
    {
        _lookup?.Cancel();
        _lookup?.Dispose();
    }
}

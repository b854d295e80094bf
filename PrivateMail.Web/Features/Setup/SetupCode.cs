using System.Security.Cryptography;
using System.Text;

namespace PrivateMail.Web.Features.Setup;

/// <summary>
/// The one-time code that proves the first visitor of <c>/setup</c> is whoever started the app: created at first start,
/// written to the log and to <see cref="FileName"/> in the data folder (readable by the app's own account only), and
/// required by the set-up form. Someone who merely reaches a fresh install's public address cannot claim the administrator.
/// After a restart before set-up the same code is read back; once the administrator exists the file is deleted.
/// </summary>
public sealed class SetupCode(SetupState state)
{
    public const string FileName = "setup-code.txt";

    // No 0/O, 1/I/L: the code is copied by eye from a console.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private const int Length = 16;

    private volatile string? _code;
    private string? _file;

    /// <summary>At start, while no administrator exists: makes (or reads back) the code and announces it in the log.</summary>
    public async Task PrepareAsync(string dataDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var file = Path.Combine(dataDirectory, FileName);
        if (await state.IsCompleteAsync())
        {
            File.Delete(file);
            return;
        }

        var code = File.Exists(file) ? Normalise(await File.ReadAllTextAsync(file)) : "";
        if (code.Length != Length)
        {
            code = RandomNumberGenerator.GetString(Alphabet, Length);
            await WriteOwnerOnlyAsync(file, Format(code));
        }

        _file = file;
        _code = code;
        logger.LogWarning("First start: no administrator exists yet. Open /setup and enter the set-up code {SetupCode} (also in {SetupCodeFile}).",
            Format(code), file);
    }

    /// <summary>Whether the typed code is the pending one; spaces, dashes and case do not matter. Constant time.</summary>
    public bool Matches(string? typed)
    {
        var code = _code;
        if (code is null || typed is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Normalise(typed)), Encoding.UTF8.GetBytes(code));
    }

    /// <summary>Set-up is done: the code is spent and its file removed.</summary>
    internal void Consume()
    {
        _code = null;
        if (_file is { } file)
        {
            File.Delete(file);
        }
    }

    private static string Normalise(string value) =>
        new(value.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());

    private static string Format(string code) => string.Join('-', code.Chunk(4).Select(c => new string(c)));

    private static async Task WriteOwnerOnlyAsync(string file, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(file, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteLineAsync(text);
    }
}

using System.Text;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Web.Data;

/// <summary>The stored form of e-mail bodies: compressed when it pays, plain UTF-8 otherwise, and old plain rows still read.</summary>
public sealed class CompressedTextTests
{
    /// <summary>Words like the bench corpus's (English and Polish): what most stored mail looks like to a compressor.</summary>
    internal static string Prose(int chars, int seed = 7)
    {
        string[] words = ["faktura", "dostawa", "zamówienie", "proszę", "potwierdzić", "płatność", "zgłoszenie", "łącze", "invoice", "delivery", "the", "and", "we", "regards", "Żółć", "gęślą", "jaźń"];
        var random = new Random(seed);
        var text = new StringBuilder(chars + 16);
        while (text.Length < chars)
        {
            text.Append(words[random.Next(words.Length)]).Append(random.Next(9) == 0 ? ".\n\n" : " ");
        }

        return text.ToString(0, chars);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Dzień dobry")]
    [InlineData("Zażółć gęślą jaźń — „cudzysłów” € 😀")]
    public void Short_text_is_stored_as_plain_utf8_and_reads_back(string text)
    {
        var stored = CompressedText.Encode(text);

        Assert.Equal(Encoding.UTF8.GetBytes(text), stored);
        Assert.Equal(text, CompressedText.Decode(stored));
    }

    [Fact]
    public void Prose_is_stored_compressed_behind_the_marker_and_reads_back()
    {
        var text = Prose(11_300);

        var stored = CompressedText.Encode(text);

        Assert.Equal(CompressedText.BrotliMarker, stored[0]);
        Assert.True(stored.Length < Encoding.UTF8.GetByteCount(text) / 2, $"{stored.Length} bytes stored for {Encoding.UTF8.GetByteCount(text)}");
        Assert.Equal(text, CompressedText.Decode(stored));
    }

    [Fact]
    public void Two_megabytes_round_trip()
    {
        var text = Prose(2 * 1024 * 1024, seed: 3);

        Assert.Equal(text, CompressedText.Decode(CompressedText.Encode(text)));
    }

    [Fact]
    public void Text_that_does_not_shrink_is_stored_plain_and_nothing_is_stored_larger_than_its_utf8()
    {
        var random = new Random(11);
        var plain = 0;
        for (var length = CompressedText.MinimumToCompress; length < 400; length++)
        {
            var text = new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x7F))]);
            var utf8 = Encoding.UTF8.GetBytes(text);

            var stored = CompressedText.Encode(text);

            Assert.True(stored.Length <= utf8.Length, $"{stored.Length} bytes stored for {utf8.Length}");
            Assert.True(stored[0] == CompressedText.BrotliMarker || stored.SequenceEqual(utf8));
            Assert.Equal(text, CompressedText.Decode(stored));
            plain += stored[0] == CompressedText.BrotliMarker ? 0 : 1;
        }

        // Random characters hardly shrink: at least the short ones must have taken the plain path.
        Assert.True(plain > 0);
    }

    [Fact]
    public void Plain_utf8_from_before_compression_reads_as_it_is()
    {
        var text = Prose(5000) + " <p>Łódź</p>";

        Assert.Equal(text, CompressedText.Decode(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void A_damaged_compressed_body_is_an_error_not_garbage()
    {
        var text = Prose(3000);
        var stored = CompressedText.Encode(text);
        var length = Encoding.UTF8.GetByteCount(text);
        Assert.InRange(length, 128, 16_383); // a two-byte length after the marker
        // The same stream announcing more bytes than it holds.
        byte[] longer = [CompressedText.BrotliMarker, (byte)(((length + 10) & 0x7F) | 0x80), (byte)((length + 10) >> 7), .. stored[3..]];

        Assert.Equal(text, CompressedText.Decode([CompressedText.BrotliMarker, (byte)((length & 0x7F) | 0x80), (byte)(length >> 7), .. stored[3..]]));
        Assert.Throws<InvalidDataException>(() => CompressedText.Decode(stored[..(stored.Length / 2)]));
        Assert.Throws<InvalidDataException>(() => CompressedText.Decode(longer));
        Assert.Throws<InvalidDataException>(() => CompressedText.Decode([CompressedText.BrotliMarker, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]));
        Assert.Throws<InvalidDataException>(() => CompressedText.Decode([CompressedText.BrotliMarker, 0x80]));
    }
}

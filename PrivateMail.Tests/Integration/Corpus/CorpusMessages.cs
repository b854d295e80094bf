using System.Security.Cryptography;
using System.Text;

namespace PrivateMail.Tests.Integration.Corpus;

/// <summary>The hand-written corpus under <c>Messages/</c>, plus the one message too large to commit.</summary>
internal static class CorpusMessages
{
    public const string TwentyMegabytesFile = "39-twenty-megabyte-attachment (generated)";
    public const int TwentyMegabytes = 20 * 1024 * 1024;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Integration", "Corpus", "Messages");

    /// <summary>Every corpus file in name order, with line ends made CRLF as an MTA delivers them; nothing else changes.</summary>
    public static IReadOnlyList<(string File, byte[] Bytes)> Load() =>
        System.IO.Directory.GetFiles(Directory, "*.eml")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), ToCrLf(File.ReadAllBytes(path))))
            .ToList();

    /// <summary>The attachment of the 20 MB message: the same bytes on every run.</summary>
    public static byte[] TwentyMegabyteContent()
    {
        var content = new byte[TwentyMegabytes];
        uint state = 2463534242;
        for (var i = 0; i < content.Length; i++)
        {
            // xorshift32: incompressible enough to look like a real video, and deterministic.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            content[i] = (byte)state;
        }

        return content;
    }

    /// <summary>An Outlook-shaped message with a 20 MB video attachment, base64 in 76-character lines.</summary>
    public static byte[] TwentyMegabyteMessage(byte[] content)
    {
        var builder = new StringBuilder(content.Length * 14 / 10);
        builder.Append("""
            Received: from EUR05-AM6-obe.outbound.protection.outlook.com (mail-am6eur05on2199.outbound.protection.outlook.com [40.107.22.199])
            	by mx.crm.example (Postfix) with ESMTPS id 4Q2vZZ1FzGz9xyz
            	for <pomoc@crm.example>; Mon, 2 Mar 2026 17:50:07 +0100 (CET)
            From: Jan Kowalski <jan.kowalski@klient.example>
            To: "Pomoc CRM" <pomoc@crm.example>
            Subject: =?utf-8?Q?Nagranie_ze_spotkania_=E2=80=93_20_MB?=
            Date: Mon, 2 Mar 2026 16:50:02 +0000
            Message-ID: <AM6PR05MB4321TWENTYMEGABYTES0000000000000@AM6PR05MB4321.eurprd05.prod.outlook.com>
            Content-Language: pl-PL
            X-MS-Has-Attach: yes
            X-Mailer: Microsoft Outlook 16.0
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="_004_AM6PR05MB4321TWENTY_"

            --_004_AM6PR05MB4321TWENTY_
            Content-Type: text/plain; charset="utf-8"
            Content-Transfer-Encoding: 8bit

            W załączeniu nagranie ze spotkania (20 MB).

            --_004_AM6PR05MB4321TWENTY_
            Content-Type: video/mp4; name="nagranie-spotkania.mp4"
            Content-Description: nagranie-spotkania.mp4
            Content-Disposition: attachment; filename="nagranie-spotkania.mp4"; size=20971520
            Content-Transfer-Encoding: base64


            """);
        builder.Append(Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks));
        builder.Append("\r\n\r\n--_004_AM6PR05MB4321TWENTY_--\r\n");
        return ToCrLf(Encoding.UTF8.GetBytes(builder.ToString()));
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] ToCrLf(byte[] bytes)
    {
        var result = new List<byte>(bytes.Length + bytes.Length / 40);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && (i == 0 || bytes[i - 1] != (byte)'\r'))
            {
                result.Add((byte)'\r');
            }

            result.Add(bytes[i]);
        }

        return [.. result];
    }
}

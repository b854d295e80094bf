using System.Diagnostics;
using System.Globalization;
using MailKit;
using MimeKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Benchmarks;

/// <summary>
/// My mail's first page (issue 11): a folder of N messages on a private loopback Dovecot (mail on tmpfs), then the
/// client's own path — connect + login, EXAMINE, one UID FETCH of the page's ENVELOPE/FLAGS/INTERNALDATE/SIZE/
/// BODYSTRUCTURE — timed cold (first open) and warm (median of the repeats), for the default order (newest first), a
/// SORT by sender and a SEARCH. Run: <c>dotnet run -c Release --project bench/PrivateMail.Benchmarks -- mymail-page [--count 10000] [--repeat 10]</c>.
/// </summary>
internal static class MyMailPageBench
{
    public static async Task<int> RunAsync(int count, int repeat, CancellationToken cancellationToken)
    {
        await using var dovecot = await BenchDovecot.StartAsync(cancellationToken);
        var folderName = "Page" + count.ToString(CultureInfo.InvariantCulture);
        using (var client = await dovecot.ConnectAsync(cancellationToken))
        {
            var folder = await BenchDovecot.FolderAsync(client, folderName, cancellationToken);
            var load = Stopwatch.StartNew();
            for (var start = 0; start < count; start += 500)
            {
                var batch = Enumerable.Range(start, Math.Min(500, count - start)).Select(i =>
                {
                    var message = new MimeMessage();
                    message.From.Add(new MailboxAddress($"Sender {i % 97}", $"sender{i % 97}@customer.example"));
                    message.To.Add(new MailboxAddress("Bench", "bench@example.test"));
                    message.Subject = $"Message {i} about order {i * 7 % 1000}";
                    message.MessageId = $"page-{i}@bench.example";
                    message.Date = DateTimeOffset.UtcNow.AddMinutes(i - count);
                    message.Body = new TextPart("plain") { Text = $"Body of message {i}.\n" + new string('x', 2000) };
                    return (IAppendRequest)new AppendRequest(message, MessageFlags.None);
                }).ToList();
                await folder.AppendAsync(batch, cancellationToken);
            }

            Console.WriteLine($"Loaded {count} messages into {folderName} in {load.Elapsed.TotalSeconds:0.0} s (Dovecot {dovecot.Version()}, tmpfs: {dovecot.OnTmpfs}).");
        }

        var connector = new ImapConnector(Options.Create(new ImapOptions()), NullLogger<ImapConnector>.Instance);
        var mail = new ImapMailClient(connector);
        var endpoint = new ImapEndpoint(dovecot.Host, dovecot.Port, MailSecurity.None, ValidateCertificate: false);
        var credentials = new ImapCredentials(BenchDovecot.Login, BenchDovecot.Password);
        foreach (var (label, query) in new[]
        {
            ("newest first", new EnvelopeQuery(folderName, 0, 50, EnvelopeOrder.DateDescending, null)),
            ("by sender (SORT)", new EnvelopeQuery(folderName, 0, 50, EnvelopeOrder.SenderAscending, null)),
            ("search \"order 42\"", new EnvelopeQuery(folderName, 0, 50, EnvelopeOrder.DateDescending, "order 42")),
        })
        {
            var times = new List<double>();
            for (var i = 0; i <= repeat; i++)
            {
                var watch = Stopwatch.StartNew();
                var (session, result) = await mail.OpenAsync(endpoint, credentials, cancellationToken);
                if (session is null)
                {
                    throw new InvalidOperationException($"Login failed: {result.Failure} {result.Detail}");
                }

                await using (session)
                {
                    var page = await session.ListAsync(query, cancellationToken);
                    if (page.Envelopes.Count == 0)
                    {
                        throw new InvalidOperationException("The page came back empty.");
                    }
                }

                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            var warm = times.Skip(1).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"First page (50) of {count} messages, {label}: cold {times[0]:0} ms, warm median {warm[warm.Count / 2]:0} ms, max {warm[^1]:0} ms (connect + login + page, {repeat} runs)."));
        }

        return 0;
    }
}

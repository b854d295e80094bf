using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Benchmarks;

/// <summary>
/// Builds a template database once per contact count — migrated, the owner user, accounts, contacts, leads and 200
/// tickets in every status — filled the way the app fills records (normalised addresses, search text). Each measured
/// run starts from a fresh copy, so seeding never counts and every run sees the same database.
/// </summary>
internal static class Seeder
{
    public static async Task<string> CreateTemplateAsync(CrmPlan plan, int contacts, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        BenchDatabase.Create(directory);
        await using (var services = await BenchApp.StartAsync(directory, new Dictionary<string, string?> { ["Scanner:ScheduleEnabled"] = "false" }))
        {
            var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
            var now = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
            string owner;
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                var user = new ApplicationUser
                {
                    UserName = "olga", NormalizedUserName = "OLGA", Email = CrmPlan.OwnerEmail, ProvenEmail = CrmPlan.OwnerEmail, NormalizedEmail = CrmPlan.OwnerEmail.ToUpperInvariant(),
                    FirstName = "Olga", LastName = "Owner", SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = now,
                };
                db.Users.Add(user);
                await db.SaveChangesAsync(cancellationToken);
                owner = user.Id;
            }

            // The small database holds only the accounts its contacts work for; the big one all of them.
            var accountIndexes = contacts <= CrmPlan.KnownContacts ? plan.KnownAccounts.ToList() : Enumerable.Range(0, plan.Set.Accounts.Count).ToList();
            var accountIds = new Dictionary<int, int>();
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                var rows = accountIndexes.Select(i =>
                {
                    var a = plan.Set.Accounts[i];
                    var email = EmailAddress.Parse(a.Email);
                    var domain = WebsiteDomain.FromWebsite(a.Website);
                    return (Index: i, Row: new Account
                    {
                        Name = a.Name, Email = email?.Address, EmailNormalised = email?.Normalised, Website = a.Website, Domain = domain, Phone = a.Phone,
                        OwnerId = owner, CreatedAt = now, ModifiedAt = now, SearchText = SearchText.Build(a.Name, a.Email, email?.Normalised, a.Website, domain, a.Phone),
                    });
                }).ToList();
                db.Accounts.AddRange(rows.Select(r => r.Row));
                db.Leads.AddRange(plan.Set.Leads.Select(l =>
                {
                    var email = EmailAddress.Parse(l.Email);
                    return new Lead
                    {
                        Company = l.Company, FirstName = l.FirstName, LastName = l.LastName, Email = email?.Address, EmailNormalised = email?.Normalised,
                        Status = l.Status, OwnerId = owner, CreatedAt = now, ModifiedAt = now,
                        SearchText = SearchText.Build(l.Company, l.FirstName, l.LastName, email?.Address, email?.Normalised),
                    };
                }));
                await db.SaveChangesAsync(cancellationToken);
                foreach (var (index, row) in rows)
                {
                    accountIds[index] = row.Id;
                }
            }

            // One prepared INSERT in one transaction: EF's change tracker needs ~40 s for 100,000 rows on a busy 2-core
            // machine, this a few. The values are built exactly as RecordFactory/DemoDataLoader build them.
            var contactIds = new List<int>(contacts);
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                await db.Database.OpenConnectionAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.Transaction = transaction.GetDbTransaction();
                command.CommandText = """
                    INSERT INTO "Contacts" ("FirstName", "LastName", "Email", "EmailNormalised", "SecondaryEmail", "SecondaryEmailNormalised", "Phone", "AccountId", "OwnerId", "CreatedAt", "ModifiedAt", "SearchText")
                    VALUES (@first, @last, @email, @emailN, @secondary, @secondaryN, @phone, @account, @owner, @now, @now, @search) RETURNING "Id"
                    """;
                var names = new[] { "@first", "@last", "@email", "@emailN", "@secondary", "@secondaryN", "@phone", "@account", "@owner", "@now", "@search" };
                var moment = PrivateMail.Web.Data.Providers.SqlDialect.For(db.Database).Moment(now);
                var parameters = names.Select(n =>
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = n;
                    command.Parameters.Add(parameter);
                    return parameter;
                }).ToArray();
                foreach (var c in plan.Set.Contacts.Take(contacts))
                {
                    var email = EmailAddress.Parse(c.Email);
                    var secondary = EmailAddress.Parse(c.SecondaryEmail);
                    object?[] values =
                    [
                        c.FirstName, c.LastName, email?.Address, email?.Normalised, secondary?.Address, secondary?.Normalised, c.Phone,
                        c.Account is { } a && accountIds.TryGetValue(a, out var id) ? id : null, owner, moment,
                        SearchText.Build(c.FirstName, c.LastName, email?.Address, email?.Normalised, secondary?.Address, secondary?.Normalised, c.Phone),
                    ];
                    for (var i = 0; i < values.Length; i++)
                    {
                        parameters[i].Value = values[i] ?? DBNull.Value;
                    }

                    contactIds.Add(Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
                }

                await transaction.CommitAsync(cancellationToken);
            }

            // T1…T200 in every status, so [T<n>] answers find waiting tickets to answer and closed ones to reopen.
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                var statuses = await db.TicketStatuses.ToDictionaryAsync(s => s.Name, s => s.Id, cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var (prefix, first) = await TicketStore.AllocateAsync(db, RecordSequence.Tickets, CrmPlan.ExistingTickets, cancellationToken);
                for (var i = 0; i < CrmPlan.ExistingTickets; i++)
                {
                    var status = TicketStatuses.Defaults[i % TicketStatuses.Defaults.Count].Name;
                    db.Tickets.Add(TicketStore.Build(
                        new NewTicket($"Existing ticket {i + 1}", "Seeded for the benchmark.", statuses[status], TicketPriority.Normal, contactIds[i % Math.Min(contactIds.Count, CrmPlan.KnownContacts)], null, owner),
                        prefix, first + i, now));
                }

                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        var path = Path.Combine(directory, "privatemail.db");
        // SQLite: the WAL folded in, so a copy of the file is whole; PostgreSQL: no connection left on the template.
        BenchDatabase.Bytes(directory);
        BenchDatabase.Release();
        return path;
    }
}

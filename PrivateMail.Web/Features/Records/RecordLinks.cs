using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records;

/// <summary>E-mail links that belong to a record: removed with it, since the id may never point at another record.</summary>
public static class RecordLinks
{
    public static Task<int> DeleteForRecordAsync(AppDbContext db, RecordKind kind, string recordId, CancellationToken cancellationToken) =>
        db.EmailLinks.Where(l => l.RecordKind == kind && l.RecordId == recordId).ExecuteDeleteAsync(cancellationToken);
}

namespace PrivateMail.Web.Data.Providers;

/// <summary>The database engine the app stores into, chosen by <c>PrivateMail:Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded file in the data folder: the default, one app node.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (15 or later, with ICU): several app nodes can share it.</summary>
    PostgreSql,
}

using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace PrivateMail.Web.Data.Providers;

/// <summary>
/// EF's view of the migrations, narrowed to the connected engine's namespace: both engines' migrations and model
/// snapshots live in this assembly, and without this EF would try to apply SQLite's to PostgreSQL and vice versa.
/// Used at run time and by <c>dotnet ef</c> alike, so <c>migrations add</c> compares the model with the right snapshot.
/// </summary>
internal sealed class ProviderMigrationsAssembly(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator) : IMigrationsAssembly
{
    private readonly Type _contextType = currentContext.Context.GetType();
    private readonly string _namespace = DatabaseProviders.MigrationsNamespace(DatabaseProviders.Of(currentContext.Context.Database));
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _snapshot;
    private bool _snapshotLoaded;

    public Assembly Assembly { get; } = typeof(AppDbContext).Assembly;

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= Assembly.DefinedTypes.Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition)
        .Where(t => t.IsSubclassOf(typeof(Migration)) && t.Namespace == _namespace && ForThisContext(t))
        .Select(t => (Id: t.GetCustomAttribute<MigrationAttribute>()?.Id, Type: t))
        .Where(m => m.Id is not null)
        .OrderBy(m => m.Id, StringComparer.Ordinal)
        .ToDictionary(m => m.Id!, m => m.Type);

    public ModelSnapshot? ModelSnapshot
    {
        get
        {
            if (!_snapshotLoaded)
            {
                var type = Assembly.DefinedTypes.Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition)
                    .FirstOrDefault(t => t.IsSubclassOf(typeof(ModelSnapshot)) && t.Namespace == _namespace && ForThisContext(t));
                _snapshot = type is null ? null : (ModelSnapshot)Activator.CreateInstance(type.AsType())!;
                _snapshotLoaded = true;
            }

            return _snapshot;
        }
    }

    public string? FindMigrationId(string nameOrId) =>
        Migrations.Keys.FirstOrDefault(idGenerator.IsValidId(nameOrId)
            ? id => string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase)
            : id => string.Equals(idGenerator.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    private bool ForThisContext(TypeInfo type) => type.GetCustomAttribute<DbContextAttribute>()?.ContextType == _contextType;
}

using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PrivateMail.Web.Features.Nodes;

/// <summary>
/// How app nodes sharing one PostgreSQL database divide the mailboxes (section <c>PrivateMail:Nodes</c>; SQLite runs one
/// node and ignores it). A node that stops renewing loses its mailboxes <see cref="LeaseSeconds"/> after its last renewal.
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "PrivateMail:Nodes";

    /// <summary>This node's name in the lease table; empty: the host name, process id and a random suffix, new per start.</summary>
    [MaxLength(Data.Configurations.AppNodeConfiguration.NodeIdLength)]
    public string? NodeId { get; set; }

    /// <summary>How long a lease (and a heartbeat) lasts without renewal: the bound on a dead node's mailboxes standing still.</summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How often the node renews its leases, counts the live nodes and rebalances; 0 means a third of the lease.</summary>
    [Range(0, 3600)]
    public int RenewSeconds { get; set; }

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan RenewInterval => RenewSeconds > 0 ? TimeSpan.FromSeconds(RenewSeconds) : TimeSpan.FromSeconds(LeaseSeconds / 3.0);
}

/// <summary>The renewal has to come well inside the lease, or a live node would lose its mailboxes between renewals.</summary>
internal sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions options) =>
        options.RenewSeconds > 0 && options.RenewSeconds * 2 > options.LeaseSeconds
            ? ValidateOptionsResult.Fail($"{NodeOptions.SectionName}:{nameof(NodeOptions.RenewSeconds)} must be at most half of {nameof(NodeOptions.LeaseSeconds)} ({options.LeaseSeconds}); it is {options.RenewSeconds}.")
            : ValidateOptionsResult.Success;
}

/// <summary>This process's node name: configured, or generated once per start.</summary>
public sealed class NodeIdentity(IOptions<NodeOptions> options)
{
    public string NodeId { get; } = string.IsNullOrWhiteSpace(options.Value.NodeId) ? Generate() : options.Value.NodeId.Trim();

    private static string Generate()
    {
        var host = Environment.MachineName;
        var id = $"{host}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        return id.Length <= Data.Configurations.AppNodeConfiguration.NodeIdLength ? id : id[^Data.Configurations.AppNodeConfiguration.NodeIdLength..];
    }
}

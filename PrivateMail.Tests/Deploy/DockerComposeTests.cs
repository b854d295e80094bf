using System.Text.RegularExpressions;
using Npgsql;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Hosting;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace PrivateMail.Tests.Deploy;

/// <summary>
/// deploy/docker-compose.yml and its nginx.conf, parsed (anchors and merge keys resolved as Compose does): PostgreSQL,
/// two app nodes built from the repository's Dockerfile on the same database and data volume with distinct node ids,
/// every environment key one the app really reads, and a proxy with sticky sessions and the WebSocket upgrade.
/// </summary>
public sealed partial class DockerComposeTests
{
    private static readonly string Root = FindRepositoryRoot();
    private static readonly string DeployDirectory = Path.Combine(Root, "deploy");
    private static readonly string[] Nodes = ["app-a", "app-b"];

    /// <summary>The configuration keys (Compose's <c>__</c> as <c>:</c>) the app reads, named from its own code.</summary>
    private static readonly HashSet<string> KnownKeys =
    [
        DatabaseProviders.ProviderKey,
        "ConnectionStrings:PrivateMail",
        $"{PrivateMail.Web.Features.Nodes.NodeOptions.SectionName}:{nameof(PrivateMail.Web.Features.Nodes.NodeOptions.NodeId)}",
        $"{PrivateMailOptions.SectionName}:{nameof(PrivateMailOptions.DataDirectory)}",
        $"{PrivateMailOptions.SectionName}:{nameof(PrivateMailOptions.PublicBaseUrl)}",
        $"{ForwardedHeadersSettings.SectionName}:{nameof(ForwardedHeadersSettings.Enabled)}",
        $"{ForwardedHeadersSettings.SectionName}:{nameof(ForwardedHeadersSettings.KnownNetworks)}:0",
        $"{ForwardedHeadersSettings.SectionName}:{nameof(ForwardedHeadersSettings.KnownProxies)}:0",
        // ASP.NET Core's own: the port Kestrel listens on in the container (the Dockerfile sets the same).
        "ASPNETCORE_HTTP_PORTS",
    ];

    private static Dictionary<object, object> Compose()
    {
        using var reader = File.OpenText(Path.Combine(DeployDirectory, "docker-compose.yml"));
        var deserializer = new DeserializerBuilder().Build();
        return deserializer.Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<object, object> Map(object? value) => Assert.IsType<Dictionary<object, object>>(value);

    private static Dictionary<object, object> Service(string name) => Map(Map(Compose()["services"])[name]);

    private static Dictionary<string, string> Environment(string service) =>
        Map(Service(service)["environment"]).ToDictionary(e => (string)e.Key, e => (string)e.Value);

    [Fact]
    public void Compose_has_postgresql_two_app_nodes_and_a_proxy()
    {
        var services = Map(Compose()["services"]);

        Assert.Equal(["app-a", "app-b", "db", "proxy"], services.Keys.Cast<string>().Order());
        Assert.StartsWith("postgres:15", (string)Service("db")["image"]);
        Assert.Equal(["app-a", "app-b"], ((List<object>)Service("proxy")["depends_on"]).Cast<string>().Order());
    }

    [Fact]
    public void Both_nodes_are_built_from_the_repository_dockerfile_and_share_the_database_and_the_data_volume()
    {
        foreach (var node in Nodes)
        {
            var build = Map(Service(node)["build"]);
            Assert.True(File.Exists(Path.Combine(DeployDirectory, (string)build["context"], (string)build["dockerfile"])), $"{node} builds from a Dockerfile that exists");
            Assert.Equal("service_healthy", Map(Map(Service(node)["depends_on"])["db"])["condition"]);
        }

        var a = Environment("app-a");
        var b = Environment("app-b");
        Assert.Equal("PostgreSql", a["PrivateMail__Database__Provider"]);
        Assert.Equal(DatabaseProvider.PostgreSql, DatabaseProviders.Parse(a["PrivateMail__Database__Provider"]));
        Assert.Equal(a["ConnectionStrings__PrivateMail"], b["ConnectionStrings__PrivateMail"]);
        Assert.Equal(a["PrivateMail__Database__Provider"], b["PrivateMail__Database__Provider"]);
        var connection = new NpgsqlConnectionStringBuilder(a["ConnectionStrings__PrivateMail"].Replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}", "x", StringComparison.Ordinal));
        Assert.Equal("db", connection.Host);
        var db = Map(Service("db")["environment"]);
        Assert.Equal((db["POSTGRES_DB"], db["POSTGRES_USER"]), (connection.Database, connection.Username));

        // The data folder is the same named volume on both, mounted where the app keeps its files.
        var dataDirectory = a["PrivateMail__DataDirectory"];
        Assert.Equal(dataDirectory, b["PrivateMail__DataDirectory"]);
        var mounts = Nodes.Select(n => ((List<object>)Service(n)["volumes"]).Cast<string>().Single(v => v.EndsWith(":" + dataDirectory, StringComparison.Ordinal))).ToList();
        Assert.Equal(mounts[0], mounts[1]);
        Assert.Contains(mounts[0].Split(':')[0], Map(Compose()["volumes"]).Keys.Cast<string>());
    }

    [Fact]
    public void The_nodes_have_distinct_ids_and_read_every_environment_key_they_are_given()
    {
        Assert.NotEqual(Environment("app-a")["PrivateMail__Nodes__NodeId"], Environment("app-b")["PrivateMail__Nodes__NodeId"]);
        foreach (var node in Nodes)
        {
            foreach (var key in Environment(node).Keys)
            {
                Assert.True(KnownKeys.Contains(key.Replace("__", ":", StringComparison.Ordinal)), $"{node}: {key} is not a setting the app reads");
            }
        }
    }

    [Fact]
    public void The_proxy_is_sticky_passes_websocket_upgrades_and_reaches_both_nodes_on_their_port()
    {
        var mount = ((List<object>)Service("proxy")["volumes"]).Cast<string>().Single(v => v.Contains("nginx.conf", StringComparison.Ordinal));
        var config = File.ReadAllText(Path.GetFullPath(Path.Combine(DeployDirectory, mount.Split(':')[0])));
        var port = Environment("app-a")["ASPNETCORE_HTTP_PORTS"];

        var upstream = Upstream().Match(config);
        Assert.True(upstream.Success, "nginx.conf has an upstream block");
        var body = upstream.Groups["body"].Value;
        Assert.Matches(@"(?m)^\s*ip_hash;", body);
        Assert.Equal(Nodes.Select(n => $"{n}:{port}"), Server().Matches(body).Select(m => m.Groups["target"].Value));
        Assert.Contains($"proxy_pass http://{upstream.Groups["name"].Value};", config);
        Assert.Contains("proxy_http_version 1.1;", config);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", config);
        Assert.Contains("proxy_set_header Connection $connection_upgrade;", config);
        Assert.Matches(@"map \$http_upgrade \$connection_upgrade \{\s*default upgrade;", config);
        // The app believes X-Forwarded-* from the compose network only.
        var subnet = Map(((List<object>)Map(Map(Map(Compose()["networks"])["privatemail"])["ipam"])["config"]).Cast<Dictionary<object, object>>().Single())["subnet"];
        Assert.Equal(subnet, Environment("app-a")["PrivateMail__ForwardedHeaders__KnownNetworks__0"]);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrivateMail.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PrivateMail.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"upstream\s+(?<name>[\w-]+)\s*\{(?<body>[^}]*)\}")]
    private static partial Regex Upstream();

    [GeneratedRegex(@"(?m)^\s*server\s+(?<target>[\w.-]+:\d+)\s*;")]
    private static partial Regex Server();
}

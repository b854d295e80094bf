using PrivateMail.Web.Features.Records.DemoData;
using PrivateMail.Web.Hosting;

// --demo-data is a switch without a value; configuration would read the next argument as its value.
var demoData = args.Contains(DemoDataOnStartup.Switch);
var builder = WebApplication.CreateBuilder(args.Where(a => a != DemoDataOnStartup.Switch).ToArray());
builder.AddPrivateMail(loadDemoData: demoData);

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.MapPrivateMail();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can host the app in tests.</summary>
public partial class Program;

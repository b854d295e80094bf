using PrivateMail.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPrivateMail();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.MapPrivateMail();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can host the app in tests.</summary>
public partial class Program;

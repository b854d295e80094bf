using Microsoft.Extensions.Options;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Tests.Web.Hosting;

public sealed class PrivateMailOptionsTests
{
    [Theory]
    // data directory, public address → the start of the message
    [InlineData("data", "crm.example.com", "PrivateMail:PublicBaseUrl must be an absolute http or https address")]
    [InlineData("data", "ftp://crm.example.com", "PrivateMail:PublicBaseUrl must be an absolute http or https address")]
    [InlineData("data", "https://crm.example.com/?x=1", "PrivateMail:PublicBaseUrl must be an absolute http or https address")]
    [InlineData("", null, "PrivateMail:DataDirectory must name a folder")]
    [InlineData("  ", null, "PrivateMail:DataDirectory must name a folder")]
    [InlineData("da\0ta", null, "PrivateMail:DataDirectory contains characters a path cannot have")]
    public void A_bad_value_fails_naming_its_key(string dataDirectory, string? publicBaseUrl, string message)
    {
        var result = new PrivateMailOptionsValidator().Validate(null, new PrivateMailOptions { DataDirectory = dataDirectory, PublicBaseUrl = publicBaseUrl });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://crm.example.com")]
    [InlineData("http://10.0.0.5:8080/privatemail/")]
    public void Good_values_pass(string? publicBaseUrl) =>
        Assert.True(new PrivateMailOptionsValidator().Validate(null, new PrivateMailOptions { PublicBaseUrl = publicBaseUrl }).Succeeded);

    [Fact]
    public void A_relative_data_directory_is_resolved_once_under_the_content_root()
    {
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = Path.Combine(Path.GetTempPath(), "pm-root") };
        var options = new PrivateMailOptions { DataDirectory = "data" };

        new PrivateMailOptionsSetup(environment).PostConfigure(null, options);

        Assert.Equal(Path.Combine(Path.GetTempPath(), "pm-root", "data"), options.DataDirectory);
    }

    [Fact]
    public void The_app_does_not_start_with_a_bad_value_and_says_which_key()
    {
        using var app = new PrivateMailAppFactory();
        app.Settings["PrivateMail:PublicBaseUrl"] = "crm.example.com";

        var error = Assert.ThrowsAny<Exception>(() => app.BaseAddress);

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(error));
        Assert.Contains("PrivateMail:PublicBaseUrl must be an absolute http or https address", validation.Message, StringComparison.Ordinal);
    }

    private static Exception Unwrap(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is OptionsValidationException)
            {
                return e;
            }
        }

        return error;
    }
}

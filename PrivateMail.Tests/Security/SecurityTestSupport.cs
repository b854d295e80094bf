using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace PrivateMail.Tests.Security;

/// <summary>Self-signed certificates for https on loopback and for key protection, made at test time.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned(string subject = "CN=localhost")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Through PKCS#12 so the private key is usable by SslStream and EncryptedXml on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12, "pw"), "pw");
    }
}

/// <summary>Posting the static-SSR forms (sign-in, set-up) the way a browser does, antiforgery token included.</summary>
internal static partial class Forms
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string handler, IDictionary<string, string> fields)
    {
        using var form = await client.GetAsync(path);
        var html = await form.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"{path} has no antiforgery token ({(int)form.StatusCode}).");
        var values = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            ["_handler"] = handler,
        };
        using var content = new FormUrlEncodedContent(values);
        return await client.PostAsync(path, content);
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string name, string password) =>
        PostAsync(client, "Account/Login", "login", new Dictionary<string, string> { ["Input.UserName"] = name, ["Input.Password"] = password });

    /// <summary>The sign-in page's message (status alert), or null when the answer is a redirect.</summary>
    public static async Task<string?> SignInMessageAsync(HttpClient client, string name, string password)
    {
        using var response = await SignInAsync(client, name, password);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            return null;
        }

        var html = await response.Content.ReadAsStringAsync();
        var alert = Alert().Match(html);
        return alert.Success ? WebUtility.HtmlDecode(alert.Groups["text"].Value).Trim() : $"(no message, {(int)response.StatusCode})";
    }

    [GeneratedRegex(""""<input[^>]*name="__RequestVerificationToken"[^>]*value="(?<value>[^"]+)"""")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("""role="alert"[^>]*>(?<text>[^<]*)<""")]
    private static partial Regex Alert();
}

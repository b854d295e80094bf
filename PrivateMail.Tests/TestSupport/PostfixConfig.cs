using System.Globalization;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// main.cf and master.cf of a private Postfix instance (verified with Postfix 3.7): its own queue and data folders
/// under <paramref name="Directory"/>, the shared binaries and meta files of the Debian package, its log in a file
/// (Postfix logs to syslog otherwise, and exits silently without <c>meta_directory</c>/<c>maillog_file_prefixes</c>),
/// every service unchrooted, two smtpd listeners (STARTTLS offered; implicit TLS), SASL through Dovecot's auth inet
/// listener, relaying only for authenticated clients, <paramref name="Domain"/> delivered to Dovecot over LMTP and
/// everything else discarded (no test mail ever leaves the machine).
/// </summary>
public sealed record PostfixConfig(string Directory, int SmtpPort, int SmtpsPort, int LmtpPort, int AuthPort, string CertificatePath, string KeyPath, string Domain)
{
    public string MainCf() => string.Create(CultureInfo.InvariantCulture, $"""
        compatibility_level = 3.6
        meta_directory = /etc/postfix
        queue_directory = {Directory}/queue
        data_directory = {Directory}/data
        maillog_file_prefixes = {Directory}
        maillog_file = {Directory}/maillog
        mail_owner = postfix
        setgid_group = postdrop
        myhostname = localhost
        mydestination =
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        virtual_mailbox_domains = {Domain}
        virtual_transport = lmtp:inet:127.0.0.1:{LmtpPort}
        default_transport = discard
        smtpd_sasl_auth_enable = yes
        smtpd_sasl_type = dovecot
        smtpd_sasl_path = inet:127.0.0.1:{AuthPort}
        smtpd_relay_restrictions = permit_sasl_authenticated, reject
        smtpd_recipient_restrictions = permit_sasl_authenticated, reject
        smtpd_tls_cert_file = {CertificatePath}
        smtpd_tls_key_file = {KeyPath}
        smtpd_tls_security_level = may
        smtpd_delay_reject = yes
        message_size_limit = 52428800
        alias_maps =
        alias_database =
        biff = no

        """);

    public string MasterCf() => string.Create(CultureInfo.InvariantCulture, $"""
        127.0.0.1:{SmtpPort} inet n - n - - smtpd
        127.0.0.1:{SmtpsPort} inet n - n - - smtpd
          -o smtpd_tls_wrappermode=yes
          -o smtpd_tls_security_level=encrypt
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        tlsmgr    unix  -       -       n       1000?   1       tlsmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        proxywrite unix -       -       n       -       1       proxymap
        smtp      unix  -       -       n       -       -       smtp
        relay     unix  -       -       n       -       -       smtp
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        local     unix  -       n       n       -       -       local
        virtual   unix  -       n       n       -       -       virtual
        lmtp      unix  -       -       n       -       -       lmtp
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd

        """);
}

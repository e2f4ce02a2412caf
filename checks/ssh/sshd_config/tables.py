"""Tables taken from the real daemon: OpenSSH 9.2p1 as shipped by Debian 12.

Pure data, no logic and no imports: the defaults `sshd -T` prints, the algorithms the binary
supports, the order `sshd -T` prints keywords in, and the fixed vocabularies some keywords
accept (multi-state words, log levels, IPQoS names, authentication methods). Keeping them
apart from the code keeps both readable; the keyword table itself is in _sshd_keywords.py.

When the target runs a different OpenSSH 9.x these are still the best available guess;
newer algorithm names are kept verbatim (see _sshd_dump.py) rather than rejected.
"""

# `sshd -T -f <file with only a HostKey line>`, with the HostKey lines replaced by the
# defaults sshd fills in when no HostKey is configured.
SSHD_T_DEFAULTS_TEXT = (
    "port 22\n"
    "addressfamily any\n"
    "listenaddress [::]:22\n"
    "listenaddress 0.0.0.0:22\n"
    "usepam no\n"
    "logingracetime 120\n"
    "x11displayoffset 10\n"
    "maxauthtries 6\n"
    "maxsessions 10\n"
    "clientaliveinterval 0\n"
    "clientalivecountmax 3\n"
    "requiredrsasize 1024\n"
    "streamlocalbindmask 0177\n"
    "unusedconnectiontimeout none\n"
    "permitrootlogin without-password\n"
    "ignorerhosts yes\n"
    "ignoreuserknownhosts no\n"
    "hostbasedauthentication no\n"
    "hostbasedusesnamefrompacketonly no\n"
    "pubkeyauthentication yes\n"
    "kerberosauthentication no\n"
    "kerberosorlocalpasswd yes\n"
    "kerberosticketcleanup yes\n"
    "gssapiauthentication no\n"
    "gssapicleanupcredentials yes\n"
    "gssapikeyexchange no\n"
    "gssapistrictacceptorcheck yes\n"
    "gssapistorecredentialsonrekey no\n"
    "gssapikexalgorithms gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,"
    "gss-group14-sha1-,gss-gex-sha1-\n"
    "passwordauthentication yes\n"
    "kbdinteractiveauthentication yes\n"
    "printmotd yes\n"
    "printlastlog yes\n"
    "x11forwarding no\n"
    "x11uselocalhost yes\n"
    "permittty yes\n"
    "permituserrc yes\n"
    "strictmodes yes\n"
    "tcpkeepalive yes\n"
    "permitemptypasswords no\n"
    "compression yes\n"
    "gatewayports no\n"
    "usedns no\n"
    "allowtcpforwarding yes\n"
    "allowagentforwarding yes\n"
    "disableforwarding no\n"
    "allowstreamlocalforwarding yes\n"
    "streamlocalbindunlink no\n"
    "fingerprinthash SHA256\n"
    "exposeauthinfo no\n"
    "pidfile /run/sshd.pid\n"
    "modulifile /etc/ssh/moduli\n"
    "xauthlocation /usr/bin/xauth\n"
    "ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
    "aes256-gcm@openssh.com\n"
    "macs umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,"
    "hmac-sha2-256,hmac-sha2-512,hmac-sha1\n"
    "banner none\n"
    "forcecommand none\n"
    "chrootdirectory none\n"
    "trustedusercakeys none\n"
    "revokedkeys none\n"
    "securitykeyprovider internal\n"
    "authorizedprincipalsfile none\n"
    "versionaddendum none\n"
    "authorizedkeyscommand none\n"
    "authorizedkeyscommanduser none\n"
    "authorizedprincipalscommand none\n"
    "authorizedprincipalscommanduser none\n"
    "hostkeyagent none\n"
    "kexalgorithms sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
    "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
    "diffie-hellman-group14-sha256\n"
    "casignaturealgorithms ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256\n"
    "hostbasedacceptedalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"
    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
    "rsa-sha2-512,rsa-sha2-256\n"
    "hostkeyalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"
    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
    "rsa-sha2-512,rsa-sha2-256\n"
    "pubkeyacceptedalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,"
    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
    "rsa-sha2-512,rsa-sha2-256\n"
    "loglevel INFO\n"
    "syslogfacility AUTH\n"
    "authorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2\n"
    "hostkey /etc/ssh/ssh_host_rsa_key\n"
    "hostkey /etc/ssh/ssh_host_ecdsa_key\n"
    "hostkey /etc/ssh/ssh_host_ed25519_key\n"
    "authenticationmethods any\n"
    "maxstartups 10:30:100\n"
    "persourcemaxstartups none\n"
    "persourcenetblocksize 32:128\n"
    "permittunnel no\n"
    "ipqos lowdelay throughput\n"
    "rekeylimit 0 0\n"
    "permitopen any\n"
    "permitlisten any\n"
    "permituserenvironment no\n"
    "pubkeyauthoptions none\n"
)

# Everything the binary supports (`ssh -Q cipher|mac|kex|key-sig|sig` of the same build):
# explicit lists and wildcards are matched against these, in this order, as
# kex_assemble_names() does.
ALL_ALGORITHMS: dict[str, tuple[str, ...]] = {
    "cipher": (
        "3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-ctr", "aes192-ctr", "aes256-ctr",
        "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
    ),
    "mac": (
        "hmac-sha1", "hmac-sha1-96", "hmac-sha2-256", "hmac-sha2-512", "hmac-md5", "hmac-md5-96",
        "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com",
        "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-md5-etm@openssh.com",
        "hmac-md5-96-etm@openssh.com", "umac-64-etm@openssh.com", "umac-128-etm@openssh.com",
    ),
    "kex": (
        "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group-exchange-sha1",
        "diffie-hellman-group-exchange-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
        "curve25519-sha256", "curve25519-sha256@libssh.org", "sntrup761x25519-sha512",
        "sntrup761x25519-sha512@openssh.com",
    ),
    "key": (
        "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com",
        "sk-ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss",
        "ssh-dss-cert-v01@openssh.com", "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256",
        "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512", "rsa-sha2-512-cert-v01@openssh.com",
    ),
    "sig": (
        "ssh-ed25519", "sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521", "sk-ecdsa-sha2-nistp256@openssh.com", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
        "ssh-dss", "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512",
    ),
}

# Which "all" list each algorithm keyword is assembled against (servconf.c assemble_algorithms).
ALGORITHM_KIND = {
    "ciphers": "cipher",
    "macs": "mac",
    "kexalgorithms": "kex",
    "hostkeyalgorithms": "key",
    "hostbasedacceptedalgorithms": "key",
    "pubkeyacceptedalgorithms": "key",
    "casignaturealgorithms": "sig",
}

# The order in which `sshd -T` prints (servconf.c dump_config, Debian 12 build).
DUMP_ORDER = [
    "port", "addressfamily", "listenaddress", "usepam", "logingracetime", "x11displayoffset", "maxauthtries",
    "maxsessions", "clientaliveinterval", "clientalivecountmax", "requiredrsasize", "streamlocalbindmask",
    "unusedconnectiontimeout", "permitrootlogin", "ignorerhosts", "ignoreuserknownhosts", "hostbasedauthentication",
    "hostbasedusesnamefrompacketonly", "pubkeyauthentication", "kerberosauthentication", "kerberosorlocalpasswd",
    "kerberosticketcleanup", "gssapiauthentication", "gssapicleanupcredentials", "gssapikeyexchange",
    "gssapistrictacceptorcheck", "gssapistorecredentialsonrekey", "gssapikexalgorithms", "passwordauthentication",
    "kbdinteractiveauthentication", "printmotd", "printlastlog", "x11forwarding", "x11uselocalhost", "permittty",
    "permituserrc", "strictmodes", "tcpkeepalive", "permitemptypasswords", "compression", "gatewayports", "usedns",
    "allowtcpforwarding", "allowagentforwarding", "disableforwarding", "allowstreamlocalforwarding",
    "streamlocalbindunlink", "fingerprinthash", "exposeauthinfo", "pidfile", "modulifile", "xauthlocation", "ciphers",
    "macs", "banner", "forcecommand", "chrootdirectory", "trustedusercakeys", "revokedkeys", "securitykeyprovider",
    "authorizedprincipalsfile", "versionaddendum", "authorizedkeyscommand", "authorizedkeyscommanduser",
    "authorizedprincipalscommand", "authorizedprincipalscommanduser", "hostkeyagent", "kexalgorithms",
    "casignaturealgorithms", "hostbasedacceptedalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms",
    "loglevel", "syslogfacility", "authorizedkeysfile", "hostkey", "hostcertificate", "allowusers", "denyusers",
    "allowgroups", "denygroups", "acceptenv", "setenv", "authenticationmethods", "logverbose", "channeltimeout",
    "subsystem", "maxstartups", "persourcemaxstartups", "persourcenetblocksize", "permittunnel", "ipqos", "rekeylimit",
    "permitopen", "permitlisten", "permituserenvironment", "pubkeyauthoptions",
]

# Options that sshd resets to NULL when they say "none" (fill_default_server_options
# CLEAR_ON_NONE); dump_config prints NULL as "none", whatever case the file used.
CLEAR_ON_NONE = frozenset((
    "pidfile", "xauthlocation", "banner", "trustedusercakeys", "revokedkeys", "securitykeyprovider",
    "authorizedprincipalsfile", "forcecommand", "chrootdirectory", "hostkeyagent",
))

# Multi-state values: accepted word (any case) -> the word dump_config prints for its value.
# Several words share a value and sshd prints the first one of its table, which is why
# `PermitRootLogin prohibit-password` is printed as `without-password`.
YES_NO = {"yes": "yes", "no": "no"}
MULTISTATE: dict[str, dict[str, str]] = {
    "addressfamily": {"inet": "inet", "inet6": "inet6", "any": "any"},
    "permitrootlogin": {
        "without-password": "without-password",
        "prohibit-password": "without-password",
        "forced-commands-only": "forced-commands-only",
        "yes": "yes",
        "no": "no",
    },
    "ignorerhosts": {"yes": "yes", "no": "no", "shosts-only": "shosts-only"},
    "compression": {"yes": "yes", "delayed": "yes", "no": "no"},
    "gatewayports": {"clientspecified": "clientspecified", "yes": "yes", "no": "no"},
    "allowtcpforwarding": {"yes": "yes", "all": "yes", "no": "no", "remote": "remote", "local": "local"},
    "allowstreamlocalforwarding": {"yes": "yes", "all": "yes", "no": "no", "remote": "remote", "local": "local"},
}
LOG_LEVELS = {
    "quiet": "SILENT", "silent": "SILENT", "fatal": "FATAL", "error": "ERROR", "info": "INFO",
    "verbose": "VERBOSE", "debug": "DEBUG", "debug1": "DEBUG", "debug2": "DEBUG2", "debug3": "DEBUG3",
}
LOG_FACILITIES = frozenset((
    "daemon", "user", "auth", "authpriv", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
    "local7",
))
DIGESTS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512"}
# misc.c ipqos[]: the first name with a value is the one printed (so "reliability" prints "le").
IPQOS = (
    ("none", 0x7FFFFFFF), ("af11", 0x28), ("af12", 0x30), ("af13", 0x38), ("af21", 0x48),
    ("af22", 0x50), ("af23", 0x58), ("af31", 0x68), ("af32", 0x70), ("af33", 0x78),
    ("af41", 0x88), ("af42", 0x90), ("af43", 0x98), ("cs0", 0x00), ("cs1", 0x20),
    ("cs2", 0x40), ("cs3", 0x60), ("cs4", 0x80), ("cs5", 0xA0), ("cs6", 0xC0), ("cs7", 0xE0),
    ("ef", 0xB8), ("le", 0x04), ("lowdelay", 0x10), ("throughput", 0x08), ("reliability", 0x04),
)
PERMIT_TUNNEL = frozenset({"no", "point-to-point", "ethernet", "yes"})  # compared case-sensitively

# Method names AuthenticationMethods accepts (auth2.c auth2_methods_valid(), Debian build).
AUTH_METHODS = frozenset(
    ["none", "publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic", "gssapi-keyex"]
)

# Keywords whose list values dump_config prints on one line instead of one line per value.
ONE_LINE_LISTS = frozenset(
    ["authorizedkeysfile", "authenticationmethods", "logverbose", "channeltimeout", "permitopen", "permitlisten"]
)

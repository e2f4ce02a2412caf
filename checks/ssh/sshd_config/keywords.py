"""The sshd_config keyword table: which handler parses each keyword, and where it may appear.

Every keyword sshd 9.2 accepts maps to its canonical option name (the one `sshd -T` prints),
the handler from _sshd_handlers.py that parses it, and whether it is allowed inside a Match
block. MATCH_COPIED, derived from the table, is what the per-connection pass copies over the
global values.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.checks.ssh.sshd_config.handlers import (
    Handler,
    handle_algorithms,
    handle_append,
    handle_append_path,
    handle_authenticationmethods,
    handle_command,
    handle_filename,
    handle_first_line,
    handle_flag,
    handle_hostkeyagent,
    handle_int,
    handle_loglevel,
    handle_permittunnel,
    handle_permituserenvironment,
    handle_pubkeyauthoptions,
    handle_rest_of_line,
    handle_securitykeyprovider,
    handle_string,
    handle_syslogfacility,
    handle_tilde_filename,
    handle_time,
    multistate_handler,
)
from auditor.checks.ssh.sshd_config.handlers_network import (
    deprecated_handler,
    handle_fingerprinthash,
    handle_ipqos,
    handle_listenaddress,
    handle_maxstartups,
    handle_permitopen,
    handle_persourcemaxstartups,
    handle_persourcenetblocksize,
    handle_port,
    handle_rdomain,
    handle_rekeylimit,
    handle_setenv,
    handle_streamlocalbindmask,
    handle_subsystem,
    handle_unusedconnectiontimeout,
)
from auditor.checks.ssh.sshd_config.tables import MULTISTATE


@dataclass(frozen=True)
class Keyword:
    """How one keyword is parsed: its canonical option, its handler, whether Match allows it."""

    name: str  # canonical option name
    handler: Handler
    in_match: bool  # SSHCFG_ALL (allowed inside Match) vs SSHCFG_GLOBAL


# keyword (lowercase, as accepted in files) -> (canonical option, handler, allowed in Match).
# Source: servconf.c keywords[] of the Debian 12 build (9.2p1 plus Debian's GSSAPI
# key-exchange patch and the backported ChannelTimeout/UnusedConnectionTimeout); the Match
# column was verified keyword by keyword against the real sshd.
_G, _A = False, True
_KEYWORD_SPECS: dict[str, tuple[str, Handler, bool]] = {
    "usepam": ("usepam", handle_flag, _G),
    "port": ("port", handle_port, _G),
    "hostkey": ("hostkey", handle_append_path, _G),
    "hostdsakey": ("hostkey", handle_append_path, _G),
    "hostkeyagent": ("hostkeyagent", handle_hostkeyagent, _G),
    "pidfile": ("pidfile", handle_filename, _G),
    "modulifile": ("modulifile", handle_filename, _G),
    "logingracetime": ("logingracetime", handle_time, _G),
    "permitrootlogin": ("permitrootlogin", multistate_handler(MULTISTATE["permitrootlogin"]), _A),
    "syslogfacility": ("syslogfacility", handle_syslogfacility, _G),
    "loglevel": ("loglevel", handle_loglevel, _A),
    "logverbose": ("logverbose", handle_first_line, _A),
    "hostbasedauthentication": ("hostbasedauthentication", handle_flag, _A),
    "hostbasedusesnamefrompacketonly": ("hostbasedusesnamefrompacketonly", handle_flag, _A),
    "hostbasedacceptedalgorithms": ("hostbasedacceptedalgorithms", handle_algorithms, _A),
    "hostbasedacceptedkeytypes": ("hostbasedacceptedalgorithms", handle_algorithms, _A),
    "hostkeyalgorithms": ("hostkeyalgorithms", handle_algorithms, _G),
    "pubkeyauthentication": ("pubkeyauthentication", handle_flag, _A),
    "dsaauthentication": ("pubkeyauthentication", handle_flag, _G),
    "pubkeyacceptedalgorithms": ("pubkeyacceptedalgorithms", handle_algorithms, _A),
    "pubkeyacceptedkeytypes": ("pubkeyacceptedalgorithms", handle_algorithms, _A),
    "pubkeyauthoptions": ("pubkeyauthoptions", handle_pubkeyauthoptions, _A),
    "kerberosauthentication": ("kerberosauthentication", handle_flag, _A),
    "kerberosorlocalpasswd": ("kerberosorlocalpasswd", handle_flag, _G),
    "kerberosticketcleanup": ("kerberosticketcleanup", handle_flag, _G),
    "gssapiauthentication": ("gssapiauthentication", handle_flag, _A),
    "gssapicleanupcredentials": ("gssapicleanupcredentials", handle_flag, _G),
    "gssapicleanupcreds": ("gssapicleanupcredentials", handle_flag, _G),
    "gssapistrictacceptorcheck": ("gssapistrictacceptorcheck", handle_flag, _G),
    "gssapikeyexchange": ("gssapikeyexchange", handle_flag, _G),
    "gssapistorecredentialsonrekey": ("gssapistorecredentialsonrekey", handle_flag, _G),
    "gssapikexalgorithms": ("gssapikexalgorithms", handle_string, _G),
    "passwordauthentication": ("passwordauthentication", handle_flag, _A),
    "kbdinteractiveauthentication": ("kbdinteractiveauthentication", handle_flag, _A),
    "challengeresponseauthentication": ("kbdinteractiveauthentication", handle_flag, _A),
    "skeyauthentication": ("kbdinteractiveauthentication", handle_flag, _A),
    "listenaddress": ("listenaddress", handle_listenaddress, _G),
    "addressfamily": ("addressfamily", multistate_handler(MULTISTATE["addressfamily"]), _G),
    "printmotd": ("printmotd", handle_flag, _G),
    "printlastlog": ("printlastlog", handle_flag, _G),
    "ignorerhosts": ("ignorerhosts", multistate_handler(MULTISTATE["ignorerhosts"]), _A),
    "ignoreuserknownhosts": ("ignoreuserknownhosts", handle_flag, _G),
    "x11forwarding": ("x11forwarding", handle_flag, _A),
    "x11displayoffset": ("x11displayoffset", handle_int, _A),
    "x11uselocalhost": ("x11uselocalhost", handle_flag, _A),
    "xauthlocation": ("xauthlocation", handle_filename, _G),
    "strictmodes": ("strictmodes", handle_flag, _G),
    "permitemptypasswords": ("permitemptypasswords", handle_flag, _A),
    "permituserenvironment": ("permituserenvironment", handle_permituserenvironment, _G),
    "compression": ("compression", multistate_handler(MULTISTATE["compression"]), _G),
    "rekeylimit": ("rekeylimit", handle_rekeylimit, _A),
    "tcpkeepalive": ("tcpkeepalive", handle_flag, _G),
    "keepalive": ("tcpkeepalive", handle_flag, _G),
    "allowtcpforwarding": ("allowtcpforwarding", multistate_handler(MULTISTATE["allowtcpforwarding"]), _A),
    "allowagentforwarding": ("allowagentforwarding", handle_flag, _A),
    "allowusers": ("allowusers", handle_append, _A),
    "denyusers": ("denyusers", handle_append, _A),
    "allowgroups": ("allowgroups", handle_append, _A),
    "denygroups": ("denygroups", handle_append, _A),
    "ciphers": ("ciphers", handle_algorithms, _G),
    "macs": ("macs", handle_algorithms, _G),
    "gatewayports": ("gatewayports", multistate_handler(MULTISTATE["gatewayports"]), _A),
    "subsystem": ("subsystem", handle_subsystem, _G),
    "maxstartups": ("maxstartups", handle_maxstartups, _G),
    "persourcemaxstartups": ("persourcemaxstartups", handle_persourcemaxstartups, _G),
    "persourcenetblocksize": ("persourcenetblocksize", handle_persourcenetblocksize, _G),
    "maxauthtries": ("maxauthtries", handle_int, _A),
    "maxsessions": ("maxsessions", handle_int, _A),
    "banner": ("banner", handle_filename, _A),
    "usedns": ("usedns", handle_flag, _G),
    "clientaliveinterval": ("clientaliveinterval", handle_time, _A),
    "clientalivecountmax": ("clientalivecountmax", handle_int, _A),
    "authorizedkeysfile": ("authorizedkeysfile", handle_first_line, _A),
    "acceptenv": ("acceptenv", handle_append, _A),
    "setenv": ("setenv", handle_setenv, _A),
    "permittunnel": ("permittunnel", handle_permittunnel, _A),
    "permittty": ("permittty", handle_flag, _A),
    "permituserrc": ("permituserrc", handle_flag, _A),
    "permitopen": ("permitopen", handle_permitopen, _A),
    "permitlisten": ("permitlisten", handle_permitopen, _A),
    "forcecommand": ("forcecommand", handle_rest_of_line, _A),
    "chrootdirectory": ("chrootdirectory", handle_string, _A),
    "hostcertificate": ("hostcertificate", handle_append_path, _G),
    "revokedkeys": ("revokedkeys", handle_filename, _A),
    "trustedusercakeys": ("trustedusercakeys", handle_filename, _A),
    "authorizedprincipalsfile": ("authorizedprincipalsfile", handle_tilde_filename, _A),
    "kexalgorithms": ("kexalgorithms", handle_algorithms, _G),
    "casignaturealgorithms": ("casignaturealgorithms", handle_algorithms, _A),
    "ipqos": ("ipqos", handle_ipqos, _A),
    "authorizedkeyscommand": ("authorizedkeyscommand", handle_command, _A),
    "authorizedkeyscommanduser": ("authorizedkeyscommanduser", handle_string, _A),
    "authorizedprincipalscommand": ("authorizedprincipalscommand", handle_command, _A),
    "authorizedprincipalscommanduser": ("authorizedprincipalscommanduser", handle_string, _A),
    "versionaddendum": ("versionaddendum", handle_rest_of_line, _G),
    "authenticationmethods": ("authenticationmethods", handle_authenticationmethods, _A),
    "streamlocalbindmask": ("streamlocalbindmask", handle_streamlocalbindmask, _A),
    "streamlocalbindunlink": ("streamlocalbindunlink", handle_flag, _A),
    "allowstreamlocalforwarding": (
        "allowstreamlocalforwarding", multistate_handler(MULTISTATE["allowstreamlocalforwarding"]), _A),
    "fingerprinthash": ("fingerprinthash", handle_fingerprinthash, _G),
    "disableforwarding": ("disableforwarding", handle_flag, _A),
    "exposeauthinfo": ("exposeauthinfo", handle_flag, _A),
    "rdomain": ("rdomain", handle_rdomain, _A),
    "securitykeyprovider": ("securitykeyprovider", handle_securitykeyprovider, _G),
    "requiredrsasize": ("requiredrsasize", handle_int, _A),
    "channeltimeout": ("channeltimeout", handle_first_line, _A),
    "unusedconnectiontimeout": ("unusedconnectiontimeout", handle_unusedconnectiontimeout, _A),
    "debianbanner": ("debianbanner", handle_flag, _G),  # Debian only; sshd -T does not print it
    # Accepted, logged and ignored by sshd.
    "pamauthenticationviakbdint": ("", deprecated_handler("Deprecated"), _G),
    "serverkeybits": ("", deprecated_handler("Deprecated"), _G),
    "keyregenerationinterval": ("", deprecated_handler("Deprecated"), _G),
    "rhostsauthentication": ("", deprecated_handler("Deprecated"), _G),
    "rhostsrsaauthentication": ("", deprecated_handler("Deprecated"), _A),
    "rsaauthentication": ("", deprecated_handler("Deprecated"), _A),
    "checkmail": ("", deprecated_handler("Deprecated"), _G),
    "uselogin": ("", deprecated_handler("Deprecated"), _G),
    "verifyreversemapping": ("", deprecated_handler("Deprecated"), _G),
    "reversemappingcheck": ("", deprecated_handler("Deprecated"), _G),
    "authorizedkeysfile2": ("", deprecated_handler("Deprecated"), _A),
    "useprivilegeseparation": ("", deprecated_handler("Deprecated"), _G),
    "permitblacklistedkeys": ("", deprecated_handler("Deprecated"), _G),
    "kerberosgetafstoken": ("", deprecated_handler("Unsupported"), _G),
    "kerberostgtpassing": ("", deprecated_handler("Unsupported"), _G),
    "afstokenpassing": ("", deprecated_handler("Unsupported"), _G),
    "gssusesessionccache": ("", deprecated_handler("Unsupported"), _G),
    "gssapiusesessioncredcache": ("", deprecated_handler("Unsupported"), _G),
    "protocol": ("", deprecated_handler(""), _G),  # sIgnore: silently ignored
}
KEYWORDS = {word: Keyword(name, handler, in_match) for word, (name, handler, in_match) in _KEYWORD_SPECS.items()}
# Options that the per-connection pass copies over the global ones: every field that a
# Match block may set (servconf.c copy_set_server_options, checked against sshd one by one).
MATCH_COPIED = frozenset(kw.name for kw in KEYWORDS.values() if kw.in_match and kw.name) | {
    "rekeylimit.size", "rekeylimit.time",
}


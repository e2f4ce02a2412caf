"""The ``tls`` policy kind: Mozilla-style server-side TLS configurations kept as data."""

from __future__ import annotations

import re
from typing import Any

from auditor.config.policies import plain
from auditor.config.yamlfile import MapReader

TLS_VERSIONS = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
_TLS_SUITE = re.compile(r"^TLS_[A-Za-z0-9_]+$")
_TLS_SIZES = ("rsa_key_size", "dh_param_size", "ecdh_param_size", "hsts_min_age", "maximum_certificate_lifespan",
              "recommended_certificate_lifespan")


def validate_tls(root: MapReader) -> dict[str, Any]:
    """A Mozilla-style TLS configuration: versions, IANA suite names, groups, certificate rules (null = no rule)."""
    root.reject_unknown({"policy", "version", "title", "description", "source", "protocols", "ciphers", "ciphersuites",
                         "groups", "certificate_types", "certificate_curves", "certificate_signatures",
                         "ocsp_staple", "server_preferred_order", "oldest_clients", *_TLS_SIZES})
    root.string("policy")
    for version in root.strings("protocols"):
        if version not in TLS_VERSIONS:
            root.fail("protocols", f"unknown protocol version '{version}' (known: {', '.join(TLS_VERSIONS)})")
    for key in ("ciphers", "ciphersuites"):
        for name in root.strings(key):
            if not _TLS_SUITE.match(name):
                root.fail(key, f"'{name}' is not an IANA cipher suite name such as TLS_AES_128_GCM_SHA256")
    for key in ("groups", "certificate_types", "certificate_curves", "certificate_signatures"):
        root.strings(key)
    for key in _TLS_SIZES:
        if root.raw(key) is not None:
            root.number(key, minimum=0)
    policy: dict[str, Any] = plain(root.data)
    return policy

"""TLS: protocols, suites, groups, certificates and HTTPS extras, judged against a TLS policy.

Modules: ``collector`` (which ports, the options) runs ``scan`` per endpoint, which uses
``probe`` (one attempt within the limits), ``enumeration`` (versions, suites, groups),
``handshakes`` (full handshakes and HTTP) over the raw ``wire`` protocol with the IANA ``names``
and ``suites``; ``certificates`` and ``http`` read what came back. ``facts`` are the typed
records that cross from the collector to ``judges``; ``grade`` is the SSL Labs-style score and
``policy`` validates the ``tls`` policy kind. ``vulns`` probes Heartbleed, CCS injection and
ROBOT over ``records``, and ``renegotiation`` client-initiated renegotiation with the TLS 1.2
pieces of ``tls12``.
"""

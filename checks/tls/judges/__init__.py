"""The TLS checks, by theme: what an endpoint negotiates, its certificates, its web side, its grade.

Each judges the ``tls`` facts (``TlsFacts``) per endpoint against the profile's ``tls`` policy
(Mozilla's server-side TLS configurations, kept as data in ``profiles/policies/tls-*.yaml``)
and against fixed rules for certificates. Every deviation is its own finding, with a resource
such as ``tcp/443:protocol/TLSv1.0``, ``tcp/443:cipher/TLS_RSA_WITH_AES_128_CBC_SHA`` or
``tcp/443:cert/expiry``, so waivers and snapshot comparisons can name exactly one of them.
"""

from auditor.checks.tls.judges.certificates import (
    CertificateCaFlag,
    CertificateExpiry,
    CertificateKey,
    CertificateLifetime,
    CertificateName,
    CertificateSelfSigned,
    CertificateServerAuth,
    CertificateSignature,
)
from auditor.checks.tls.judges.chains import CertificateChain, CertificateTrust
from auditor.checks.tls.judges.grade import Grade
from auditor.checks.tls.judges.protocols import (
    CipherSuites,
    Compression,
    ExtendedMasterSecret,
    FallbackScsv,
    Groups,
    Protocols,
    SecureRenegotiation,
)
from auditor.checks.tls.judges.vulnerabilities import (
    CcsInjection,
    ClientRenegotiation,
    Heartbleed,
    OcspStapling,
    Robot,
)
from auditor.checks.tls.judges.web import Hsts, HttpRedirect, SecurityTxt

CHECKS = (
    Protocols, CipherSuites, Groups, SecureRenegotiation, ExtendedMasterSecret, Compression, FallbackScsv,
    CertificateTrust, CertificateName, CertificateExpiry, CertificateLifetime, CertificateKey, CertificateSignature,
    CertificateSelfSigned, CertificateCaFlag, CertificateServerAuth, CertificateChain, Hsts, SecurityTxt, HttpRedirect,
    Grade, Heartbleed, CcsInjection, Robot, ClientRenegotiation, OcspStapling,
)

__all__ = ["CHECKS"]

"""A test PKI made with cryptography, and TLS servers on loopback, for the TLS tests and benchmark.

The PKI has a private root and intermediate CA and issues leaves for each scenario (modern,
legacy, name mismatch, incomplete chain, hostile names). cryptography refuses to sign with
SHA-1, so the legacy leaf is signed with SHA-256 and then re-signed with SHA-1 by hand (same
key, so the DER keeps its length). Servers are nginx (one process, config in a tmp directory,
stopped by pid) and, where nginx cannot, ``openssl s_server``; both come from services_lab's
Lab, which picks free loopback ports and waits until they listen.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from testkit.services_lab import NGINX, OPENSSL, Daemon, Lab, pick_port

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
NAME = "www.example.test"
_SHA256_RSA = bytes.fromhex("06092a864886f70d01010b")  # DER of OID 1.2.840.113549.1.1.11
_SHA1_RSA = bytes.fromhex("06092a864886f70d010105")  # 1.2.840.113549.1.1.5, the same length
MOZILLA_INTERMEDIATE_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")


@dataclass
class Issued:
    """A certificate and its private key."""

    cert: x509.Certificate
    key: Any

    @property
    def pem(self) -> bytes:
        """The certificate as PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM)


def new_key(kind: str = "ec", bits: int = 2048) -> Any:
    """A fresh P-256 or RSA key."""
    return ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, bits)


def issue(common_name: str, key: Any, issuer: Issued | None = None, *, names: tuple[str, ...] = (), ca: bool = False,
          days: float = 90, start: dt.datetime | None = None,
          usages: tuple[x509.ObjectIdentifier, ...] = (ExtendedKeyUsageOID.SERVER_AUTH,),
          key_usage: bool = True) -> Issued:
    """A certificate for ``key``, signed by ``issuer`` (self-signed without one), with SHA-256.

    ``names`` that are addresses become IP subjectAltName entries. ``usages`` are the leaf's
    extended key usages; none leaves the extension out. ``key_usage`` False leaves a CA
    certificate without keyUsage (RFC 5280 requires it; verifiers refuse such a CA).
    """
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = start or NOW - dt.timedelta(days=1)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start)
               .not_valid_after(start + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca and key_usage:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([_general_name(name) for name in names]),
                                        critical=False)
        if usages:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return Issued(builder.sign(issuer.key if issuer else key, hashes.SHA256()), key)


def _general_name(name: str) -> x509.GeneralName:
    """An IP subjectAltName entry for an address, a DNS entry for anything else."""
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def resign_sha1(issued: Issued) -> Issued:
    """The same self-signed RSA certificate, signed with SHA-1 (which cryptography will not do)."""
    der = issued.cert.public_bytes(serialization.Encoding.DER).replace(_SHA256_RSA, _SHA1_RSA)
    tbs = x509.load_der_x509_certificate(der).tbs_certificate_bytes
    signature = issued.key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    return Issued(x509.load_der_x509_certificate(der[:-len(signature)] + signature), issued.key)


class Pki:
    """A private root and intermediate CA, and the leaves of every test scenario, written as PEM files."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.root = issue("RIFI Test Root CA", new_key(), ca=True, days=3650)
        self.intermediate = issue("RIFI Test Intermediate CA", new_key(), self.root, ca=True, days=1825)
        self.root_file = self._write("root.pem", self.root.pem)

    def _write(self, name: str, data: bytes) -> Path:
        path = self.directory / name
        path.write_bytes(data)
        return path

    def leaf(self, stem: str, common_name: str = NAME, *, names: tuple[str, ...] | None = None, key: Any = None,
             chain: bool = True, **options: Any) -> tuple[Path, Path]:
        """A leaf signed by the intermediate: (chain file, key file); ``chain`` False sends the leaf alone."""
        issued = issue(common_name, key or new_key(), self.intermediate, names=names or (common_name,), **options)
        return self.files(stem, issued, [self.intermediate] if chain else [])

    def files(self, stem: str, leaf: Issued, extra: list[Issued]) -> tuple[Path, Path]:
        """Write ``leaf`` followed by ``extra`` as the chain file, and its key."""
        chain = self._write(f"{stem}.crt", leaf.pem + b"".join(item.pem for item in extra))
        key = self._write(f"{stem}.key", leaf.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption()))
        return chain, key

    def dhparam(self, group: str = "ffdhe2048") -> Path:
        """RFC 7919 DH parameters (a named group: nothing to generate, so this is instant)."""
        path = self.directory / f"{group}.pem"
        subprocess.run([OPENSSL or "openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"group:{group}",
                        "-out", str(path)], check=True, capture_output=True)
        return path

    def ocsp_response(self, chain: Path) -> Path:
        """A DER OCSP response, signed by the intermediate, saying the leaf of ``chain`` is good (for stapling)."""
        leaf = x509.load_pem_x509_certificates(chain.read_bytes())[0]
        builder = (ocsp.OCSPResponseBuilder()
                   .add_response(cert=leaf, issuer=self.intermediate.cert, algorithm=hashes.SHA1(),
                                 cert_status=ocsp.OCSPCertStatus.GOOD, this_update=NOW - dt.timedelta(hours=1),
                                 next_update=NOW + dt.timedelta(days=3), revocation_time=None, revocation_reason=None)
                   .responder_id(ocsp.OCSPResponderEncoding.HASH, self.intermediate.cert))
        response = builder.sign(self.intermediate.key, hashes.SHA256())
        return self._write(f"{chain.stem}.ocsp", response.public_bytes(serialization.Encoding.DER))

    def legacy(self) -> tuple[Path, Path]:
        """RSA 1024, SHA-1, self-signed, expired a year ago, no serverAuth EKU."""
        issued = issue(NAME, new_key("rsa", 1024), names=(NAME,), days=365, start=NOW - dt.timedelta(days=730), usages=())
        return self.files("legacy", resign_sha1(issued), [])


@dataclass
class TlsSite:
    """What an nginx test site is: its certificate files and TLS settings."""

    chain: Path
    key: Path
    protocols: str = "TLSv1.2 TLSv1.3"
    ciphers: str = MOZILLA_INTERMEDIATE_CIPHERS
    curves: str = "X25519:prime256v1:secp384r1"
    hsts: str = "max-age=63072000"
    security_txt: str = "Contact: mailto:cert@example.test\nExpires: 2099-01-01T00:00:00Z\n"
    dhparam: Path | None = None  # finite-field DH parameters, for DHE suites
    ocsp_response: Path | None = None  # a DER OCSP response to staple (nginx ssl_stapling_file)


class TlsLab(Lab):
    """services_lab's Lab with TLS servers: nginx sites (plus an HTTP port that redirects) and s_server."""

    def nginx_tls(self, address: str, site: TlsSite, *, http_port: int | None = None, redirect: bool = True) -> Daemon:
        """nginx serving ``site`` over TLS; with ``http_port``, plain HTTP there redirects to it (or serves a page)."""
        workdir = self._dir("nginx-tls")
        port = pick_port(address)
        temps = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        for temp in temps:
            (workdir / temp).mkdir()
        security_txt = site.security_txt.replace("\n", "\\n")
        answer = f"return 301 https://$host:{port}$request_uri;" if redirect else 'return 200 "plain page";'
        plain = f" server {{ listen {address}:{http_port}; {answer} }}\n" if http_port else ""
        (workdir / "nginx.conf").write_text(
            f"master_process off;\nerror_log {workdir}/error.log warn;\nevents {{ worker_connections 256; }}\n"
            "http {\n access_log off;\n"
            + "".join(f" {temp}_temp_path {workdir}/{temp};\n" for temp in temps)
            + f" server {{\n  listen {address}:{port} ssl;\n  ssl_certificate {site.chain};\n"
            f"  ssl_certificate_key {site.key};\n  ssl_protocols {site.protocols};\n  ssl_ciphers '{site.ciphers}';\n"
            f"  ssl_ecdh_curve {site.curves};\n  ssl_prefer_server_ciphers off;\n"
            + (f"  ssl_dhparam {site.dhparam};\n" if site.dhparam else "")
            + (f"  ssl_stapling on;\n  ssl_stapling_file {site.ocsp_response};\n" if site.ocsp_response else "")
            + (f"  add_header Strict-Transport-Security \"{site.hsts}\" always;\n" if site.hsts else "")
            + "  location / { default_type text/plain; return 200 \"research portal\\n\"; }\n"
            + (f"  location = /.well-known/security.txt {{ default_type text/plain; return 200 \"{security_txt}\"; }}\n"
               if site.security_txt else "")
            + " }\n" + plain + "}\n")
        argv = [NGINX or "nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir), "-e", str(workdir / "error.log"),
                "-g", f"daemon off; pid {workdir}/nginx.pid;"]
        return self._start("nginx", address, port, argv, workdir)

    def s_server(self, address: str, chain: Path, key: Path, *extra: str) -> Daemon:
        """``openssl s_server -www`` with the leaf and its chain, and ``extra`` options."""
        workdir = self._dir("s_server")
        port = pick_port(address)
        intermediates = workdir / "intermediates.pem"  # -cert_chain takes the certificates after the leaf
        intermediates.write_bytes(b"".join(cert.public_bytes(serialization.Encoding.PEM)
                                           for cert in x509.load_pem_x509_certificates(chain.read_bytes())[1:]))
        argv = [OPENSSL or "openssl", "s_server", "-accept", f"{address}:{port}", "-cert", str(chain), "-key", str(key),
                "-cert_chain", str(intermediates), "-www", "-quiet", *extra]
        return self._start("s_server", address, port, argv, workdir)

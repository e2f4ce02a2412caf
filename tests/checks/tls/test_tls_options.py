"""TLS options and policies: every constrained value is a profile error naming file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import testkit
from auditor.config.policies import load_policy
from auditor.config.profile import load_profile
from auditor.errors import ProfileError
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "tls"
REGISTRY = default_registry()


@pytest.mark.parametrize("name", ["mozilla-modern", "mozilla-intermediate", "mozilla-old"])
def test_shipped_policies_load(name: str) -> None:
    policy = load_policy("tls", name)
    assert policy["policy"] == name and "TLS_AES_128_GCM_SHA256" in policy["ciphersuites"]


def test_a_malformed_policy_names_file_line_and_key(tmp_path: Path) -> None:
    text = (FIXTURES.parent.parent.parent / "profiles" / "policies" / "tls-mozilla-intermediate.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("protocols: [TLSv1.2, TLSv1.3]", "protocols: [TLSv1.2, TLS1.3]"))
    with pytest.raises(ProfileError, match=r"bad.yaml:\d+: protocols: unknown protocol version 'TLS1.3'"):
        load_policy("tls", str(bad))
    bad.write_text(text.replace("  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "  - ECDHE-RSA-AES128-GCM-SHA256"))
    with pytest.raises(ProfileError, match="ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' is not an IANA cipher suite name"):
        load_policy("tls", str(bad))


def test_collector_options(tmp_path: Path) -> None:
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / "lab-root.pem").write_bytes((FIXTURES / "root.pem").read_bytes())
    profile = tmp_path / "p.yaml"
    profile.write_text("name: p\nextends: baseline\ncollectors:\n  tls:\n    ports: [443, 8443-8445]\n"
                       "    ca_bundle: ca/lab-root.pem\n    sni: {web01: www.example.test}\n"
                       "    per_endpoint_connections: 1\n")
    options = load_profile(str(profile), REGISTRY).collector_options(REGISTRY.collectors["tls"])
    assert options["ports"] == [443, 8443, 8444, 8445]
    assert options["ca_bundle"] == str(tmp_path / "ca" / "lab-root.pem")
    assert options["sni"] == {"web01": "www.example.test"} and options["per_endpoint_connections"] == 1
    for bad, message in (("ca_bundle: missing.pem", "cannot use"), ("sni: 192.0.2.1", "host names only"),
                         ("sni: 'bad name'", "not a valid host name"), ("handshake_timeout: 0", "at least 1")):
        profile.write_text(f"name: p\nextends: baseline\ncollectors:\n  tls:\n    {bad}\n")
        with pytest.raises(ProfileError, match=rf"p.yaml:5: collectors.tls.\w+: .*{message}"):
            load_profile(str(profile), REGISTRY)



@pytest.mark.parametrize("check_id, option, value, message", [
    ("tls.grade", "min_grade", "Z", "'Z' is not one of: A\\+, A, B, C, D, E, F, T"),
    ("tls.grade", "min_grade", 3, "expected a string"),
    ("tls.certificate-expiry", "high_days", -1, "must be at least 0"),
    ("tls.certificate-expiry", "low_days", "soon", "expected a number"),
    ("tls.certificate-lifetime", "max_days", -398, "must be at least 0"),
    ("tls.hsts", "min_max_age", "two years", "expected a number"),
])
def test_constrained_check_options_fail_when_the_profile_loads(tmp_path: Path, check_id: str, option: str,
                                                                value: object, message: str) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nextends: baseline\noptions:\n  {check_id}:\n    {option}: {json.dumps(value)}\n")
    with pytest.raises(ProfileError, match=rf"p.yaml:5: options.{check_id}.{option}: {message}"):
        load_profile(str(profile), REGISTRY)


@pytest.mark.parametrize("written, loaded", [("A+", "A+"), ("T", "T"), ('""', "")])
def test_valid_min_grades_load(tmp_path: Path, written: str, loaded: str) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nextends: baseline\noptions:\n  tls.grade:\n    min_grade: {written}\n")
    assert load_profile(str(profile), REGISTRY).options["tls.grade"]["min_grade"] == loaded


@pytest.mark.parametrize("bad, key, message", [
    ("ports: [0]", "ports", "'0' is not within 1-65535"),
    ("http_ports: [443-80]", "http_ports", "'443-80' is not within 1-65535"),
    ("per_endpoint_connections: 0", "per_endpoint_connections", "must be at least 1"),
    ("endpoint_timeout: 0.5", "endpoint_timeout", "must be at least 1"),
    ("http: 'yes'", "http", "expected true or false"),
    ("sni: {web01: 192.0.2.1}", "sni.web01", "SNI carries host names only"),
    ("sni: [www.example.test]", "sni", "expected a mapping"),
    ("ca_bundle: 7", "ca_bundle", "expected a string"),
])
def test_constrained_collector_options_fail_when_the_profile_loads(tmp_path: Path, bad: str, key: str,
                                                                    message: str) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nextends: baseline\ncollectors:\n  tls:\n    {bad}\n")
    with pytest.raises(ProfileError, match=rf"p.yaml:5: collectors.tls.{key}: {message}"):
        load_profile(str(profile), REGISTRY)

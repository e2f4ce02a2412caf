"""A thin wrapper around python-nmap, and our own reading of nmap's XML.

python-nmap runs nmap and keeps its XML output, but its result dictionary drops what the
audit needs: ``tunnel="ssl"`` (a TLS-wrapped service), ``timedout="true"`` hosts,
``<finished exit="error">``, and it crashes on XML cut short by a dying nmap. It does not
expose nmap's exit status either. So python-nmap starts the scan and we parse
``get_nmap_last_output()`` ourselves: a scan is failed when python-nmap raises (no XML at
all), when the XML says ``exit="error"``, or when it ends before ``<runstats>``.

Targets are re-validated here even though the inventory already did: python-nmap splits the
host string on whitespace and passes each word to nmap, so only addresses, CIDR ranges and
host names (never a leading ``-``) may get this far.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort
from auditor.errors import CollectError
from auditor.inventory.targets import valid_address

_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[")
MAX_XML_BYTES = 64 * 1024 * 1024  # a /16 with many open ports stays far below this
NMAP_PACKAGE_HINT = "install the Debian package 'nmap' (apt-get install nmap)"


class NmapXmlError(ValueError):
    """The text is not nmap XML we can trust (malformed, entity declarations, not UTF-8)."""


class _Malformed(NmapXmlError):
    """Not well-formed XML, e.g. cut short by a dying nmap (which may still be salvaged)."""


def scan_target(text: str) -> str:
    """``text`` if it is an IP address, a CIDR range or a host name; ValueError otherwise."""
    if text.startswith("-") or not text or any(char.isspace() for char in text):
        raise ValueError(f"refusing to pass '{text}' to nmap: not an address, range or host name")
    if "/" in text:
        try:
            return str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"refusing to pass '{text}' to nmap: not a valid CIDR range") from None
    if not valid_address(text):
        raise ValueError(f"refusing to pass '{text}' to nmap: not an address or host name")
    return text


def is_ipv6(text: str) -> bool:
    """True for an IPv6 address or range."""
    try:
        return ipaddress.ip_network(text, strict=False).version == 6
    except ValueError:
        return False


def port_spec(ports: Iterable[int]) -> str:
    """nmap's ``-p`` argument for port numbers, runs folded into ranges (``22,80,6817-6819``)."""
    spans: list[list[int]] = []
    for port in sorted(set(ports)):
        if spans and port == spans[-1][1] + 1:
            spans[-1][1] = port
        else:
            spans.append([port, port])
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in spans)


@dataclass(frozen=True)
class ScanRequest:
    """One nmap run: what to scan and how. ``arguments()`` never contains a target."""

    targets: tuple[str, ...]
    ports: str
    syn: bool = False  # -sS (raw sockets) instead of -sT (connect)
    privileged_flag: bool = False  # --privileged: nmap has capabilities but we are not root
    skip_ping: bool = False
    host_timeout: float = 120.0
    max_retries: int = 2
    timing: int = 4
    version_light: bool = False
    exclude: tuple[str, ...] = ()

    def arguments(self) -> list[str]:
        """nmap options (python-nmap adds ``-oX -``, the targets and ``-p``)."""
        args = ["-n", "-sS" if self.syn else "-sT", "--open", f"-T{int(self.timing)}",
                "--max-retries", str(int(self.max_retries)), "--host-timeout", f"{max(1, int(self.host_timeout))}s"]
        if self.privileged_flag:
            args.append("--privileged")
        if self.skip_ping:
            args.append("-Pn")
        if self.version_light:
            args += ["-sV", "--version-light"]
        if self.exclude:
            args += ["--exclude", ",".join(scan_target(item) for item in self.exclude)]
        if any(is_ipv6(target) for target in self.targets):
            args.append("-6")
        return args


@dataclass(frozen=True)
class ScanOutput:
    """nmap's XML and what it said on stderr, as python-nmap reports it."""

    xml: bytes
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


def find_nmap(binary: str) -> str:
    """Absolute path of nmap; CollectError naming the Debian package when it is missing."""
    path = shutil.which(binary)
    if path is None:
        raise CollectError(f"nmap not found ('{binary}'): {NMAP_PACKAGE_HINT}")
    return path


def run_scan(request: ScanRequest, binary: str = "nmap", kill_after: float = 3600.0) -> ScanOutput:
    """Run nmap through python-nmap; CollectError when it produced no usable XML.

    ``kill_after`` is only a safety net for a hung nmap: the real bound is nmap's own
    ``--host-timeout``, which keeps the results of the hosts that finished.
    """
    import nmap  # python-nmap; imported here so parsing stored XML never needs it

    targets = [scan_target(item) for item in request.targets]
    path = find_nmap(binary)
    try:
        scanner = nmap.PortScanner(nmap_search_path=(path,))
    except nmap.PortScannerError as exc:
        raise CollectError(f"{path} does not run as nmap ({_one_line(exc)}): {NMAP_PACKAGE_HINT}") from None
    arguments = shlex.join(request.arguments())
    errors: list[str] = []
    warnings: list[str] = []
    try:
        result = scanner.scan(hosts=" ".join(targets), ports=request.ports, arguments=arguments,
                              timeout=max(1, int(kill_after)))
        info = result.get("nmap", {}).get("scaninfo", {})
        errors = _lines(info.get("error", []))
        warnings = _lines(info.get("warning", []))
    except nmap.PortScannerTimeout:
        raise CollectError(f"nmap did not finish within {kill_after:g} s and was stopped "
                           "(lower host_timeout or scan a smaller range)") from None
    except nmap.PortScannerError as exc:
        if not _raw(scanner):  # nothing on stdout: nmap refused to start (bad option, no privileges)
            raise CollectError(f"nmap failed: {_one_line(exc)}") from None
    except (AttributeError, KeyError, TypeError, ValueError):
        pass  # python-nmap trips over XML cut short; our parser reports what is missing
    return ScanOutput(xml=_raw(scanner), errors=tuple(errors), warnings=tuple(warnings))


def _raw(scanner: Any) -> bytes:
    output = scanner.get_nmap_last_output()
    return output.encode() if isinstance(output, str) else bytes(output or b"")


def _lines(items: Iterable[str]) -> list[str]:
    # python-nmap appends the whole stderr once per error line; keep each line once.
    seen: dict[str, None] = {}
    for item in items:
        for line in str(item).splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
    return list(seen)


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:300] if lines else type(exc).__name__


# --- XML ---------------------------------------------------------------------------------

def _safe_root(data: bytes | str) -> ET.Element:
    """Parse XML that declares no entities: nmap never does, so one that does is not nmap's."""
    if isinstance(data, bytes):
        if len(data) > MAX_XML_BYTES:
            raise NmapXmlError(f"nmap XML larger than {MAX_XML_BYTES} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NmapXmlError("nmap XML is not UTF-8") from None
    else:
        text = data
    if "<!ENTITY" in text or _INTERNAL_SUBSET.search(text):
        raise NmapXmlError("XML declares entities; refusing it (nmap output never does)")
    if not text.strip():
        raise NmapXmlError("no XML output")
    try:
        # Safe without defusedxml: entity declarations (the XML attacks) were refused above.
        return ET.fromstring(text.encode("utf-8"))  # noqa: S314
    except ET.ParseError as exc:
        raise _Malformed(f"malformed XML: {exc}") from None


@dataclass(frozen=True)
class RunEnd:
    """How nmap says the run ended (``<runstats><finished>``)."""

    exit: str = ""  # "success" or "error"; "" when the XML ends before it
    errormsg: str = ""
    elapsed: float = 0.0


@dataclass(frozen=True)
class NmapRun:
    """One nmap XML run: its hosts with open ports, and how it ended.

    XML cut short (nmap killed) is read as far as it goes: ``complete`` is False and
    ``errors`` says so.
    """

    args: str
    version: str
    scan_type: str
    hosts: tuple[DiscoveredHost, ...]
    finished: RunEnd
    totals: Mapping[str, int]  # hosts up/down/total ({} when the run statistics are missing)
    complete: bool
    errors: tuple[str, ...]


def parse_nmap_xml(data: bytes | str) -> NmapRun:
    """Hosts and open ports of an nmap XML run, plus how the run ended."""
    try:
        root = _safe_root(data)
        complete = True
    except _Malformed:
        root = _salvage(data)
        complete = False
    if root.tag != "nmaprun":
        raise NmapXmlError(f"not an nmap run (root element <{root.tag}>)")
    finished = root.find("runstats/finished")
    hosts_total = root.find("runstats/hosts")
    errors: list[str] = []
    if not complete or finished is None:
        complete = False
        errors.append("nmap output ends before its run statistics (nmap was stopped or crashed)")
    elif finished.get("exit") == "error":
        errors.append(f"nmap reported an error: {finished.get('errormsg') or 'no message'}")
    scaninfo = root.find("scaninfo")
    return NmapRun(
        args=root.get("args", ""),
        version=root.get("version", ""),
        scan_type=scaninfo.get("type", "") if scaninfo is not None else "",
        hosts=tuple(_host(element) for element in root.findall("host")),
        finished=_run_end(finished),
        totals=_totals(hosts_total),
        complete=complete,
        errors=tuple(errors),
    )


def _totals(hosts: ET.Element | None) -> dict[str, int]:
    if hosts is None:
        return {}
    return {key: int(hosts.get(key, 0)) for key in ("up", "down", "total")}


def _run_end(finished: ET.Element | None) -> RunEnd:
    if finished is None:
        return RunEnd()
    return RunEnd(finished.get("exit", ""), finished.get("errormsg", ""), float(finished.get("elapsed", 0) or 0))


def _salvage(data: bytes | str) -> ET.Element:
    """Parse XML cut short: keep every complete ``<host>`` and close the root element."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    start = text.find("<nmaprun")
    if start < 0:
        raise NmapXmlError("not nmap XML output (no <nmaprun> element)")
    end = text.rfind("</host>")
    head = text[: end + len("</host>")] if end > start else text[: text.index(">", start) + 1]
    try:
        return _safe_root(head + "\n</nmaprun>\n")
    except NmapXmlError as exc:
        raise NmapXmlError(f"malformed XML that cannot be salvaged: {exc}") from None


def _host(element: ET.Element) -> DiscoveredHost:
    addresses = {item.get("addrtype", ""): item.get("addr", "") for item in element.findall("address")}
    status = element.find("status")
    address = addresses.get("ipv4") or addresses.get("ipv6") or next(iter(addresses.values()), "")
    return DiscoveredHost(
        address=address,
        mac=addresses.get("mac", ""),
        hostnames=tuple(name.get("name", "") for name in element.findall("hostnames/hostname")),
        status=status.get("state", "") if status is not None else "",
        reason=status.get("reason", "") if status is not None else "",
        timed_out=element.get("timedout") == "true",
        ports=tuple(_port(port) for port in element.findall("ports/port") if _state(port) == "open"),
    )


def _state(port: ET.Element) -> str:
    state = port.find("state")
    return state.get("state", "") if state is not None else ""


def _port(port: ET.Element) -> DiscoveredPort:
    """One open port; ``service`` is empty when nmap knows no name for it."""
    service = port.find("service")
    attrs = service.attrib if service is not None else {}
    name = attrs.get("name", "")
    return DiscoveredPort(
        port=int(port.get("portid", 0)),
        protocol=port.get("protocol", "tcp"),
        state="open",
        service="" if name == "unknown" else name,
        tunnel=attrs.get("tunnel", ""),
        product=attrs.get("product", ""),
        version=attrs.get("version", ""),
        extrainfo=attrs.get("extrainfo", ""),
        method=attrs.get("method", ""),
        conf=int(attrs.get("conf", 0) or 0),
    )

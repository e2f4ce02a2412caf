"""Exposed services: discovery (nmap), a per-role allowed-service policy, and read-only probes."""

"""The formats other tools ingest: CSV, JUnit XML, SARIF, JSON Lines and OCSF, each read from a snapshot.

``reports.machine`` lists them; each module renders one format and neutralises what a target
sent (names, banners, certificate subjects, messages, evidence) for that format's readers.
"""

"""Recorded HTTP answers of web servers and research UIs, and a loopback server that replays them.

Bodies follow each product's documentation and what its current release sends (nginx
autoindex, Jupyter Server REST API, JupyterHub REST API, Ollama API, MinIO/S3 ListBuckets,
Elasticsearch root, Prometheus HTTP API, Grafana search API, ...). ``POSITIVE[probe]`` is an
answer the catalogue probe must match, ``NEGATIVE[probe]`` the nearest answer it must not
(the same product with authentication on, or another product on the same path).
``ResearchUi`` serves a set of them on 127.0.0.0/8 only, 404 for the rest.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One recorded reply: status, headers, body."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def as_json(data: Any, status: int = 200, *, compact: bool = False, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    """A JSON answer; ``compact`` as Go and Node servers write it (no spaces)."""
    text = json.dumps(data, separators=(",", ":")) if compact else json.dumps(data)
    return Answer(status, text.encode(), (("Content-Type", "application/json"), *headers))


def as_text(text: str | bytes, status: int = 200, content_type: str = "text/html") -> Answer:
    """A text (or binary) answer."""
    return Answer(status, text if isinstance(text, bytes) else text.encode(), (("Content-Type", content_type),))


def nginx_index(path: str, names: tuple[str, ...]) -> Answer:
    """nginx ``autoindex on`` for ``path`` listing ``names``."""
    rows = "".join(f'<a href="{name}">{name}</a>                 23-Nov-2026 21:00    12\r\n' for name in names)
    return as_text(f"<html>\r\n<head><title>Index of {path}</title></head>\r\n<body>\r\n<h1>Index of {path}</h1>"
                   f'<hr><pre><a href="../">../</a>\r\n{rows}</pre><hr></body>\r\n</html>\r\n')


PAGE = as_text("<!DOCTYPE html><html><head><title>Institute of Cohort Studies</title></head>"
               "<body><h1>Welcome</h1><p>Index of publications</p></body></html>")
NOT_FOUND = as_text("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center>"
                    "<hr><center>nginx</center></body></html>", 404)
FORBIDDEN_JSON = as_json({"message": "Forbidden", "reason": None}, 403)
ES_ROOT = {"name": "es01", "cluster_name": "research", "cluster_uuid": "Xq3-abc",
           "version": {"number": "8.11.1", "build_flavor": "default"}, "tagline": "You Know, for Search"}
JUPYTER_STATUS = {"connections": 0, "kernels": 1, "last_activity": "2026-11-23T22:00:00.000000Z",
                  "started": "2026-11-23T21:00:00.000000Z"}
JUPYTER_CONTENTS = {"name": "", "path": "", "last_modified": "2026-11-23T21:00:00Z", "created": "2026-11-23T21:00:00Z",
                    "content": [{"name": "cohort.ipynb", "path": "cohort.ipynb", "type": "notebook"}],
                    "format": "json", "mimetype": None, "size": None, "writable": True, "type": "directory"}
OLLAMA_TAGS = {"models": [{"name": "llama3:latest", "model": "llama3:latest", "modified_at": "2026-05-04T17:37:44Z",
                           "size": 4661224676, "digest": "365c0bd3c000", "details": {"family": "llama"}}]}
MINIO_BUCKETS = ('<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/'
                 '2006-03-01/"><Owner><ID>02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4</ID>'
                 '<DisplayName>minio</DisplayName></Owner><Buckets><Bucket><Name>cohort-2026</Name><CreationDate>'
                 '2026-11-01T09:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>')
MINIO_DENIED = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied.'
                '</Message><Resource>/</Resource><RequestId>1797F1A3</RequestId></Error>')
PROMETHEUS_TARGETS = {"status": "success", "data": {"activeTargets": [{
    "discoveredLabels": {"__address__": "node01:9100"}, "labels": {"instance": "node01:9100", "job": "node"},
    "scrapePool": "node", "scrapeUrl": "http://node01:9100/metrics", "lastError": "", "health": "up"}],
    "droppedTargets": []}}
GRAFANA_SEARCH = [{"id": 1, "uid": "cohort", "title": "Cohort recruitment", "uri": "db/cohort-recruitment",
                   "url": "/d/cohort/cohort-recruitment", "slug": "", "type": "dash-db", "tags": [],
                   "isStarred": False, "sortMeta": 0}]
KIBANA_STATUS = {"name": "kibana", "uuid": "5b2de169", "version": {"number": "8.11.1", "build_hash": "abc",
                 "build_number": 68226, "build_snapshot": False}, "status": {"overall": {"level": "available"}}}
RAY_VERSION = {"version": "4", "ray_version": "2.9.0", "ray_commit": "9be5a16e"}
MLFLOW_EXPERIMENTS = {"experiments": [{"experiment_id": "0", "name": "Default", "artifact_location": "mlflow-artifacts:/0",
                                       "lifecycle_stage": "active"}]}
TENSORBOARD_ENV = {"version": "2.15.1", "data_location": "/srv/runs", "window_title": "", "experiment_name": "",
                   "experiment_description": "", "creation_time": 0.0}
DASK_IDENTITY = {"type": "Scheduler", "id": "Scheduler-8a5c", "address": "tcp://10.0.0.5:8786",
                 "services": {"dashboard": 8787}, "workers": {}}
SOLR_CORES = {"responseHeader": {"status": 0, "QTime": 1}, "initFailures": {},
              "status": {"cohort": {"name": "cohort", "instanceDir": "/var/solr/data/cohort"}}}
STUB_STATUS = "Active connections: 1 \nserver accepts handled requests\n 3 3 3 \nReading: 0 Writing: 1 Waiting: 0 \n"
FPM_STATUS = ("pool:                 www\nprocess manager:      dynamic\nstart time:           23/Nov/2026:21:00:00 +0000\n"
              "accepted conn:        12\n")
COUCHDB = (("Server", "CouchDB/3.3.3 (Erlang OTP/24)"),)
RSTUDIO = ("<!DOCTYPE html><html><head><title>RStudio</title><link rel='stylesheet' href='rstudio.css'></head>"
           "<body><div id='rstudio'></div></body></html>")
RSTUDIO_SIGN_IN = ("<!DOCTYPE html><html><head><title>RStudio Sign In</title></head><body>"
                   "<form action='auth-do-sign-in' method='POST'><a href='auth-sign-in'>Sign in</a></form></body></html>")

# probe id -> (path, answer): what each catalogue probe must match ...
POSITIVE: dict[str, tuple[str, Answer]] = {
    "listing-home": ("/", nginx_index("/", ("cohort-2026.csv", "notes/"))),
    "listing-linked": ("/results/", nginx_index("/results/", ("trial-arm-a.csv",))),
    "listing-data-paths": ("/data/", as_text("<!DOCTYPE HTML><html><head><title>Directory listing for /data/</title>"
                                             '</head><body><ul><li><a href="cohort.csv">cohort.csv</a></li></ul>')),
    "git-head": ("/.git/HEAD", as_text("ref: refs/heads/main\n", content_type="application/octet-stream")),
    "git-config": ("/.git/config", as_text("[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = "
                                           "https://bob:ghp_notarealtoken@git.example.org/lab/site.git\n", content_type="text/plain")),
    "svn-entries": ("/.svn/entries", as_text("12\n", content_type="text/plain")),
    "svn-wc-db": ("/.svn/wc.db", as_text(b"SQLite format 3\x00\x10\x00", content_type="application/octet-stream")),
    "hg-requires": ("/.hg/requires", as_text("dotencode\nfncache\ngeneraldelta\nrevlogv1\nstore\n", content_type="text/plain")),
    "env-file": ("/.env", as_text("APP_ENV=production\nDB_PASSWORD=not-a-real-password\nexport S3_SECRET_KEY=abc123\n",
                                  content_type="text/plain")),
    "sql-dump": ("/backup.sql", as_text("-- MySQL dump 10.13  Distrib 8.0.35\n--\nCREATE TABLE `participants` (\n",
                                        content_type="application/sql")),
    "archive-dump": ("/backup.tar.gz", as_text(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", content_type="application/gzip")),
    "backup-file": ("/config.php.bak", as_text("<?php\n$db_password = 'not-real';\n", content_type="text/plain")),
    "apache-server-status": ("/server-status", as_text("<html><head><title>Apache Status</title></head><body>"
                                                       "<h1>Apache Server Status for lab (via 127.0.0.1)</h1>")),
    "apache-server-info": ("/server-info", as_text("<html><head><title>Server Information</title></head><body>"
                                                   "<h1 align=\"center\">Apache Server Information</h1>")),
    "nginx-stub-status": ("/nginx_status", as_text(STUB_STATUS, content_type="text/plain")),
    "php-fpm-status": ("/status", as_text(FPM_STATUS, content_type="text/plain")),
    "jupyter-api": ("/api/status", as_json(JUPYTER_STATUS)),
    "jupyter-contents": ("/api/contents", as_json(JUPYTER_CONTENTS)),
    "jupyterhub-users": ("/hub/api/users", as_json([{"kind": "user", "name": "alice", "admin": False, "groups": []}])),
    "rstudio-open": ("/", as_text(RSTUDIO)),
    "grafana-anonymous": ("/api/search", as_json(GRAFANA_SEARCH, compact=True)),
    "kibana-open": ("/api/status", as_json(KIBANA_STATUS, headers=(("kbn-name", "kibana"),))),
    "minio-anonymous-listing": ("/", as_text(MINIO_BUCKETS, content_type="application/xml")),
    "prometheus-targets": ("/api/v1/targets", as_json(PROMETHEUS_TARGETS, compact=True)),
    "ollama-tags": ("/api/tags", as_json(OLLAMA_TAGS, compact=True)),
    "ray-dashboard": ("/api/version", as_json(RAY_VERSION)),
    "mlflow-open": ("/api/2.0/mlflow/experiments/search?max_results=1", as_json(MLFLOW_EXPERIMENTS)),
    "tensorboard-open": ("/data/environment", as_json(TENSORBOARD_ENV)),
    "dask-dashboard": ("/json/identity.json", as_json(DASK_IDENTITY)),
    "elasticsearch-open": ("/", as_json(ES_ROOT)),
    "couchdb-open": ("/_all_dbs", as_json(["_replicator", "_users", "cohort"], compact=True, headers=COUCHDB)),
    "solr-admin": ("/solr/admin/cores?action=STATUS&wt=json", as_json(SOLR_CORES)),
}
# ... and the nearest answer it must not match.
NEGATIVE: dict[str, tuple[str, Answer]] = {
    "listing-home": ("/", PAGE),
    "listing-linked": ("/results/", as_text("<html><head><title>403 Forbidden</title></head></html>", 403)),
    "listing-data-paths": ("/data/", NOT_FOUND),
    "git-head": ("/.git/HEAD", PAGE),
    "git-config": ("/.git/config", as_text("<html><body>[core] documentation</body></html>")),
    "svn-entries": ("/.svn/entries", PAGE),
    "svn-wc-db": ("/.svn/wc.db", NOT_FOUND),
    "hg-requires": ("/.hg/requires", as_text("<html><body>store</body></html>")),
    "env-file": ("/.env", as_text("<!DOCTYPE html><html><body><a href=\"x\">x=1</a></body></html>")),
    "sql-dump": ("/backup.sql", PAGE),
    "archive-dump": ("/backup.tar.gz", PAGE),
    "backup-file": ("/config.php.bak", PAGE),
    "apache-server-status": ("/server-status", as_text("<h1>Apache Server Status for lab</h1>", 403)),
    "apache-server-info": ("/server-info", NOT_FOUND),
    "nginx-stub-status": ("/status", as_json({"status": "ok", "active_connections": 1})),
    "php-fpm-status": ("/status", as_text(STUB_STATUS, content_type="text/plain")),
    "jupyter-api": ("/api/status", FORBIDDEN_JSON),
    "jupyter-contents": ("/api/contents", FORBIDDEN_JSON),
    "jupyterhub-users": ("/hub/api/users", as_json({"status": 403, "message": "Missing or invalid credentials."}, 403)),
    "rstudio-open": ("/", as_text(RSTUDIO_SIGN_IN)),
    "grafana-anonymous": ("/api/search", as_json({"message": "Unauthorized"}, 401, compact=True)),
    "kibana-open": ("/api/status", as_json({"statusCode": 401, "error": "Unauthorized"}, 401,
                                           headers=(("kbn-name", "kibana"),))),
    "minio-anonymous-listing": ("/", as_text(MINIO_DENIED, 403, content_type="application/xml")),
    "prometheus-targets": ("/api/v1/targets", as_text("Unauthorized\n", 401, content_type="text/plain")),
    "ollama-tags": ("/api/tags", as_json({"error": "unauthorized"}, 401)),
    "ray-dashboard": ("/api/version", as_json({"version": "1.0"})),
    "mlflow-open": ("/api/2.0/mlflow/experiments/search?max_results=1",
                    as_text("You are not authenticated.", 401, content_type="text/plain")),
    "tensorboard-open": ("/data/environment", NOT_FOUND),
    "dask-dashboard": ("/json/identity.json", as_json({"type": "Worker", "id": "tcp://10.0.0.6:40001"})),
    "elasticsearch-open": ("/", as_json({"error": {"type": "security_exception"}, "status": 401}, 401)),
    "couchdb-open": ("/_all_dbs", as_json({"error": "unauthorized", "reason": "You are not a server admin."}, 401,
                                          compact=True, headers=COUCHDB)),
    "solr-admin": ("/solr/admin/cores?action=STATUS&wt=json", as_text("<html><body>HTTP ERROR 401</body></html>", 401)),
}

# What the research UI answers without authentication, by product (from the POSITIVE table and the
# products' harmless public endpoints).
JUPYTER_NO_TOKEN: dict[str, Answer] = {"/api": as_json({"version": "2.14.0"}), "/api/status": as_json(JUPYTER_STATUS),
                                       "/api/contents": as_json(JUPYTER_CONTENTS), "/api/kernels": as_json([])}
JUPYTER_WITH_TOKEN: dict[str, Answer] = {"/api": as_json({"version": "2.14.0"}), "/api/status": FORBIDDEN_JSON,
                                         "/api/contents": FORBIDDEN_JSON, "/api/kernels": FORBIDDEN_JSON}
JUPYTERHUB: dict[str, Answer] = {"/hub/api": as_json({"version": "4.1.5"}), "/hub/api/users": NEGATIVE["jupyterhub-users"][1]}


class ResearchUi:
    """A loopback HTTP server answering ``routes`` (path with query -> answer), 404 otherwise."""

    def __init__(self, routes: Mapping[str, Answer], address: str = "127.0.0.1", port: int = 0):
        if not address.startswith("127."):
            raise ValueError("test servers listen on 127.0.0.0/8 only")
        table = dict(routes)

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: bool) -> None:
                answer = table.get(self.path, NOT_FOUND)
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if body:
                    self.wfile.write(answer.body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        self.address, self.port = address, int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

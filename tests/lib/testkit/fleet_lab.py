"""Distributed runs on loopback: a real redis-server, real `auditor worker` processes, tarpit targets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Worker:
    """An `auditor worker` subprocess (its own process group) and its log."""

    segment: str
    process: subprocess.Popen
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while "ready." not in self.log:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.segment} did not start: {self.log[-3000:]}")
            time.sleep(0.1)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log:
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.segment} never logged {text!r}: {self.log[-3000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes (its own process group, by its pid)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM (Celery's warm shutdown), SIGKILL after 10 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(broker: str, segment: str, key: Path, directory: Path, *extra: str) -> Worker:
    """`auditor worker --broker URL --segment NAME --key KEY`, logging to DIRECTORY/worker-SEGMENT-N.log."""
    log_path = directory / f"worker-{segment}-{len(list(directory.glob(f'worker-{segment}-*.log')))}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "auditor", "worker", "--broker", broker, "--segment", segment,
                                    "--key", str(key), *extra], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=directory, start_new_session=True)
    return Worker(segment, process, log_path)


class Tarpit:
    """A loopback port that accepts connections and never says anything (a slow target)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()

"""Start the web app in a child uvicorn process on loopback (the browser, crash and API tests, and bench/)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

__all__ = ["ServerStartError", "spawn_server", "uvicorn_argv"]


def uvicorn_argv(host: str, port: int) -> list[str]:
    """Command line that serves the app with uvicorn in a separate process."""
    return [
        sys.executable, "-m", "uvicorn", "--factory", "legdx.web.app:create_app",
        "--host", host, "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


class ServerStartError(Exception):
    """A child uvicorn process exited or did not answer ``/healthz`` in time (message ends with its log)."""


def spawn_server(*, port: int, env: dict[str, str], log: Any, cwd: Any = None, timeout: float = 90.0) -> Any:
    """Start the app in a child uvicorn on 127.0.0.1 and return the process once ``/healthz`` answers 200.

    Args:
        port: free loopback port.
        env: environment of the child (database URL, environment name...).
        log: path of the file that receives the child's output.
        cwd: working directory of the child.
        timeout: seconds to wait for ``/healthz``.

    Raises:
        ServerStartError: the child exited, or did not answer within ``timeout``; the message ends
            with the tail of its log.
    """
    log = Path(log)
    with log.open("wb") as fh:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(uvicorn_argv("127.0.0.1", port), stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ServerStartError(f"uvicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise ServerStartError(f"uvicorn did not answer in {timeout:g} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)

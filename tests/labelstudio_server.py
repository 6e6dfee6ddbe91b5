"""A real Label Studio server for the integration tests.

Label Studio pins dependencies that clash with ours (pyarrow among them), so it lives in its own
virtual environment, created once and kept under .cache/ (git-ignored; CNC_LABEL_STUDIO_ENV moves
it). `.ci/run` creates it before the tests (`python3 tests/labelstudio_server.py`), so CI never
skips the server tests; locally the first test run creates it.

The server gets a fresh data dir, binds 127.0.0.1 on a free port, and has legacy API tokens switched
on at first start (the only moment that setting is read), so one fixed token authenticates the SDK.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VERSION = "1.23.2"
REPO = Path(__file__).resolve().parent.parent
ENV_DIR = Path(os.environ.get("CNC_LABEL_STUDIO_ENV", REPO / ".cache" / f"labelstudio-{VERSION}"))
READY = ENV_DIR / "installed"
# Every package of the server's environment at a version it is known to start with.
CONSTRAINTS = REPO / "tests" / "labelstudio-constraints.txt"


def _stamp() -> str:
    """What an environment was installed from: the version and the constraints' hash."""
    return f"{VERSION} {hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()}\n"


def ensure_env() -> Path:
    """The label-studio executable of the cached environment, installing it on first use (and again when
    the constraints changed)."""
    exe = ENV_DIR / "bin" / "label-studio"
    if READY.exists() and exe.exists() and READY.read_text(encoding="utf-8") == _stamp():
        return exe
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(ENV_DIR)], check=True)
    pip = [str(ENV_DIR / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--constraint", str(CONSTRAINTS), f"label-studio=={VERSION}"], check=True)
    READY.write_text(_stamp(), encoding="utf-8")  # only a complete install counts
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    url: str
    token: str
    email: str
    password: str  # the lead's, for logging in through the browser
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(data_dir: Path, timeout: float = 300) -> Server:
    exe = ensure_env()
    port, token, password = free_port(), secrets.token_hex(20), secrets.token_hex(12)
    env = os.environ | {
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_USERNAME": "lead@example.org",
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_USER_TOKEN": token,
    }
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(exe), "start", "--no-browser", "--port", str(port), "--internal-host", "127.0.0.1"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(url=f"http://127.0.0.1:{port}", token=token, email="lead@example.org", password=password,
                    process=process, log=log)  # fmt: skip
    # Ready means /health answers 200 (the user and its token exist before the server starts); the
    # sleep is only the interval between two asks.
    deadline, seen = time.monotonic() + timeout, "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Label Studio exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
                if response.status == 200:
                    return server
                seen = f"HTTP {response.status}"
        except OSError as exc:
            seen = str(exc)
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(
        f"Label Studio did not answer /health with 200 within {timeout} s (last: {seen}):\n"
        f"{log.read_text(errors='replace')[-3000:]}"
    )


if __name__ == "__main__":
    print(ensure_env())

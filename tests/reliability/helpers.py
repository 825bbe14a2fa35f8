"""Running the CLI in a child process (see ``child.py``) and reading what it left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Address-space cap for children: spaCy + numpy + the model map about 1.3 GB of virtual
# memory before reading any input; 3 GB leaves room for work but not for runaway growth.
AS_LIMIT = 3 * 1024**3


@dataclass
class ChildResult:
    returncode: int
    stdout: str
    stderr: str
    report: dict

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def child_cmd(args: list[str], *, fault: str | None = None, as_limit: int | None = AS_LIMIT,
              fsize_limit: int | None = None, report: Path | None = None,
              no_network: bool = False) -> list[str]:
    cmd = [sys.executable, "-m", "tests.reliability.child"]
    if as_limit:
        cmd += ["--as-limit", str(as_limit)]
    if fsize_limit:
        cmd += ["--fsize-limit", str(fsize_limit)]
    if report:
        cmd += ["--report", str(report)]
    if fault:
        cmd += ["--fault", fault]
    if no_network:
        cmd.append("--no-network")
    return [*cmd, "--", *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RHETORICA_DEBUG", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def run_child(args: list[str], tmp_path: Path, *, input: bytes | None = None,
              timeout: float = 300, env: dict[str, str] | None = None, **kw) -> ChildResult:
    """Run ``rhetorica ARGS`` in a child; the report (peak RSS, socket events) comes back."""
    report = tmp_path / f"report-{os.urandom(4).hex()}.json"
    proc = subprocess.run(child_cmd(args, report=report, **kw), input=input, cwd=ROOT,
                          capture_output=True, timeout=timeout, env=child_env(env))
    data = json.loads(report.read_text()) if report.exists() else {}
    return ChildResult(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                       proc.stderr.decode("utf-8", "replace"), data)


def assert_clean_failure(res: ChildResult, code: int, *needles: str) -> None:
    """A user error: the expected exit code, one clear line, never a traceback."""
    assert res.returncode == code, (res.returncode, res.output[-2000:])
    assert "Traceback" not in res.output, res.output[-2000:]
    assert "internal error" not in res.output, res.output[-2000:]
    for needle in needles:
        assert needle in res.stderr, (needle, res.stderr[-2000:])

"""Helpers for the hostile-input suite (issue 3).

Every hostile input must end the same way: exit code 1 (2 for command-line
usage), one message on stderr that starts with the file (and line, where there
is one) and says what to do, no traceback, nothing written, and all of it
within bounded time and memory.

Cheap cases run in-process through Typer's CliRunner (:func:`run`).  Cases that
could blow up -- bombs, huge files, deep nesting, output bombs, hangs -- run
the real CLI in a child process (:func:`run_limited`) with:

* an address-space limit (RLIMIT_AS, 1 GiB), so that a blow-up fails fast
  instead of hurting the machine.  It is set by the child itself, first thing
  in its ``-c`` program, rather than in a ``preexec_fn``: the resource tests
  start children from several threads, and ``preexec_fn`` is not thread-safe;
* a wall-clock timeout of 10 s, after which the child's process group is
  killed;
* its peak resident memory: the child writes its own VmHWM (from
  /proc/self/status) when it exits, and the parent polls it while the child
  runs, for a child killed at the timeout.  (``ru_maxrss`` from ``wait4`` or
  RUSAGE_CHILDREN would also count the memory of the pytest process the
  child was forked from, before it ran the new program.)  Its CPU time comes
  from ``os.wait4`` for that child alone.

Elapsed time, CPU time and peak memory of every child are printed in a table
at the end of the run ("hostile: resource use per case").  The benchmark's
target is 2 s and 200 MB per case; the tests assert 200 MB and the 10 s
timeout, and record the time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dreamq._cli import app
from tests.helpers import TEAM_BANK

# ------------------------------------------------------------ valid inputs

BANK = TEAM_BANK  # line numbers in tests/helpers.py

# Line numbers: 3 id, 8 company, 9 artifacts.
DOMAIN = """\
kind: domain
format: 1
id: lean
title: Lean domain
values:
  en:
    product: lean delivery
    company: Lean Co
    artifacts: [box, receipt]
"""

# Line numbers: 3 id, 5 domain, 8 "- id: main", 11 banks.
STUDY = """\
kind: study
format: 1
id: team-study
title: Team study
domain: lean
minutes: 10
sections:
- id: main
  title: Main
  minutes: 10
  banks: [team]
"""

FIRST_TEXT = "  text: What do you like about {{ product }}?\n"
SECOND_TEXT = "  text: When did you last order?\n"
SECOND_TEXT_LINE = 14

#: `dreamq generate` for the team study, always with a fixed date.
GENERATE_TEAM = ("generate", "team-study", "--bank-dir", "team", "--date", "2026-01-01")
#: `dreamq generate` for the bundled default study.
GENERATE = ("generate", "--date", "2026-01-01")

TIMEOUT_S = 10.0
MEMORY_LIMIT_BYTES = 1 << 30
PEAK_LIMIT_MB = 200.0


def edited(text: str, *edits: tuple[str, str]) -> str:
    """``text`` with each (old, new) replacement applied; ``old`` must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique: {old!r}"
        text = text.replace(old, new)
    return text


def write(path: str | Path, content: str | bytes) -> Path:
    """Write text (UTF-8, no newline translation) or bytes to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogateescape"))
    return path


def write_team(root: Path, bank: str = BANK, domain: str = DOMAIN, study: str = STUDY) -> Path:
    """``root/team`` holding a bank, a domain and a study using both."""
    team = Path(root) / "team"
    write(team / "bank.yaml", bank)
    write(team / "domain.yaml", domain)
    write(team / "study.yaml", study)
    return team


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and link below ``root`` with its size and mtime: a snapshot
    to show that a refused command wrote, replaced or left behind nothing."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            path = Path(dirpath) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            found[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def assert_nothing_written(root: Path, before: dict[str, tuple[int, int]]) -> None:
    after = files_under(root)
    added = sorted(set(after) - set(before))
    changed = sorted(k for k in before if k in after and after[k] != before[k])
    removed = sorted(set(before) - set(after))
    assert not (added or changed or removed), (
        f"files written: added {added}, changed {changed}, removed {removed}"
    )


# ------------------------------------------------------- running the CLI


@dataclass
class Outcome:
    """What one run of the CLI did, in-process or in a child process."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None
    elapsed: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    timed_out: bool = False


runner = CliRunner()


def run(*args: str | Path) -> Outcome:
    """The CLI in-process (cheap cases)."""
    start = time.perf_counter()
    result = runner.invoke(app, [str(a) for a in args])
    return Outcome(
        result.exit_code,
        result.stdout,
        result.stderr,
        result.exception,
        elapsed=time.perf_counter() - start,
    )


# The child limits its own address space, then runs dreamq; when it exits it
# writes its peak resident memory (VmHWM, which counts only the memory of the
# new program -- ru_maxrss from wait4 would also count the pytest process it
# was forked from) to the file named by HOSTILE_PEAK_FILE.
_CHILD = f"""\
import atexit, os, resource
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT_BYTES}, {MEMORY_LIMIT_BYTES}))
def _report_peak(path=os.environ.pop("HOSTILE_PEAK_FILE")):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
atexit.register(_report_peak)
from dreamq._cli import main
main()
"""


def _vm_hwm_kib(pid: int) -> int:
    """A running process's peak resident memory so far, in KiB (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


#: One row per child process: (case, elapsed s, cpu s, peak MB, exit code, timed out).
RESOURCE_LOG: list[tuple[str, float, float, float, int, bool]] = []
_LOG_LOCK = threading.Lock()


def child_env(cache: str = "off") -> dict[str, str]:
    """The environment of a child: no team banks or debug mode from the
    developer's shell, no colour, and the given cache setting."""
    env = {k: v for k, v in os.environ.items() if k not in ("DREAMQ_BANK_PATH", "DREAMQ_DEBUG")}
    env["NO_COLOR"] = "1"
    env["DREAMQ_CACHE_DIR"] = cache
    env.pop("FORCE_COLOR", None)
    return env


def _read_capped(fh, limit: int = 1 << 20) -> str:
    fh.seek(0)
    return fh.read(limit).decode("utf-8", "replace")


def run_limited(
    args: Iterable[str | Path], cwd: Path, *, name: str = "", timeout: float = TIMEOUT_S
) -> Outcome:
    """The real CLI in a child process, with RLIMIT_AS and a wall-clock
    timeout; returns what it printed, its exit code (negative: killed by that
    signal), elapsed and CPU time, and peak memory (see the module docstring)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        peak_file = Path(scratch) / "peak"
        env = child_env()
        env["HOSTILE_PEAK_FILE"] = str(peak_file)
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *[str(a) for a in args]],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, to kill it and any child
        )
        timed_out = False
        polled_kib = 0
        polls = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            polls += 1
            if polls % 10 == 0:  # the child reports its peak at exit; this is for a killed child
                polled_kib = max(polled_kib, _vm_hwm_kib(proc.pid))
            if time.monotonic() - start > timeout:
                timed_out = True
                polled_kib = max(polled_kib, _vm_hwm_kib(proc.pid))
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        elapsed = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here; keeps Popen from waiting again
        try:
            reported_kib = int(peak_file.read_text())
        except (OSError, ValueError):
            reported_kib = 0
        outcome = Outcome(
            exit_code=code,
            stdout=_read_capped(out),
            stderr=_read_capped(err),
            elapsed=elapsed,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_mb=max(reported_kib, polled_kib) / 1024,
            timed_out=timed_out,
        )
    with _LOG_LOCK:
        RESOURCE_LOG.append(
            (
                name or " ".join(map(str, args)),
                elapsed,
                outcome.cpu,
                outcome.peak_mb,
                code,
                timed_out,
            )
        )
    return outcome


# ------------------------------------------------------------ assertions

# Raw control characters (except tab and newline) and bidirectional
# overrides: a message must not let a file move the cursor, recolour or
# retitle the terminal, hide text, or split one message over several lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SUMMARY = re.compile(r"^(ok: |\d[\d,]* problem\(s\) in )")


def assert_refused(
    outcome: Outcome, where: str | None, *words: str, code: int = 1, errors: int = 1
) -> str:
    """Exit ``code`` with exactly ``errors`` "error:" lines on stderr, the first
    starting with ``where`` (e.g. "bank.yaml:14") and holding ``words``; no
    traceback, no internal error, no raw control characters.  Besides the
    errors, stderr may hold only `dreamq validate`'s summary line."""
    out, err = outcome.stdout, outcome.stderr
    assert "Traceback" not in out + err, err
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), repr(
        outcome.exception
    )
    assert "internal error" not in err, err
    assert outcome.exit_code == code, f"exit code {outcome.exit_code}, not {code}: {err}"
    lines = [line for line in err.split("\n") if line]
    messages = [line for line in lines if line.startswith("error: ")]
    assert len(messages) == errors, f"{len(messages)} error message(s), not {errors}: {err!r}"
    stray = [line for line in lines if not line.startswith("error: ") and not _SUMMARY.match(line)]
    assert not stray, f"stray lines on stderr (a message split over lines?): {stray!r}"
    bad = sorted(set(_CONTROL.findall(err)))
    assert not bad, f"raw control characters {bad!r} on stderr: {err!r}"
    first = messages[0]
    if where is not None:
        assert first.startswith(f"error: {where}:"), f"message does not start with {where}: {first}"
    lowered = first.lower()
    for word in words:
        assert word.lower() in lowered, f"{word!r} not in: {first}"
    return first


def assert_usage_error(outcome: Outcome, *words: str) -> None:
    err = outcome.stderr
    assert "Traceback" not in outcome.stdout + err, err
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), repr(
        outcome.exception
    )
    assert outcome.exit_code == 2, f"exit code {outcome.exit_code}, not 2: {err}"
    for word in words:
        assert word.lower() in err.lower(), err


def assert_ok(outcome: Outcome) -> None:
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), repr(
        outcome.exception
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert "error:" not in outcome.stderr, outcome.stderr


# ---------------------------------------------------------- reporting


def pytest_terminal_summary(terminalreporter):
    if not RESOURCE_LOG:
        return
    tr = terminalreporter
    tr.write_sep("-", "hostile: resource use per case (child processes, slowest first)")
    tr.write_line(f"{'elapsed s':>9} {'cpu s':>6} {'peak MB':>8} {'exit':>4}  case")
    for name, elapsed, cpu, peak, code, timed_out in sorted(RESOURCE_LOG, key=lambda r: -r[1]):
        flag = "  (killed at timeout)" if timed_out else ""
        tr.write_line(f"{elapsed:9.2f} {cpu:6.2f} {peak:8.1f} {code:4d}  {name}{flag}")


# ------------------------------------------------------------ fixtures


def _permissions_bind_us() -> bool:
    """Whether this process is refused a chmod 000 file.  Root is not
    (os.geteuid() == 0), unless it runs without CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH (``setpriv --bounding-set=-dac_override,-dac_read_search``),
    so the probe asks the file system rather than the user id."""
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


#: For tests that need an unreadable file: skip when permissions do not apply to us.
needs_permissions = pytest.mark.skipif(
    os.geteuid() == 0 and not _permissions_bind_us(),
    reason="running as root, which can read a chmod 000 file",
)


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    """A file that a payload would create (``touch``) if it ever ran."""
    path = tmp_path / "PWNED"
    yield path
    assert not path.exists(), "a payload ran: the sentinel file was created"


@pytest.fixture(scope="session")
def _shared_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile-cache")


@pytest.fixture(autouse=True)
def _cache_shared_by_the_suite(_shared_cache, monkeypatch):
    """One DREAMQ_CACHE_DIR for the in-process cases of this suite (instead of
    tests/conftest.py's fresh one per test): the bundled files that every
    `dreamq validate` reads for reference are parsed once, not once per case.
    The cache is keyed by content, and files with problems are never cached,
    so no hostile file is ever read from it."""
    monkeypatch.setenv("DREAMQ_CACHE_DIR", str(_shared_cache))

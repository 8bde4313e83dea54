"""Root can read a chmod 000 file, so the unreadable-file cases skip under root.
CI runs as root; this runs them once more without root's file-permission
override (Linux capabilities dropped with setpriv), so they run in CI too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="only needed as root, with util-linux's setpriv",
)
def test_unreadable_cases_pass_without_root_privileges():
    command = [
        "setpriv",
        "--bounding-set=-dac_override,-dac_read_search",
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        str(HERE / "test_yaml_input.py"),
        "-k",
        "unreadable",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if "Operation not permitted" in result.stderr:
        pytest.skip("setpriv may not drop capabilities here")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout and "skipped" not in result.stdout

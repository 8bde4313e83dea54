"""Wheel build hook: compile dreamq's optional C YAML builder.

``src/dreamq/_yamlbuild.c`` builds a bank's values straight from libyaml's
events, about 8x faster than doing it in Python (bench/bench.py prints the
figures).  dreamq works the same without it: when there is no C compiler or
no libyaml headers (Debian: ``libyaml-dev``, macOS: ``brew install libyaml``)
the wheel is pure Python and ``dreamq._yamlload`` uses its Python builder.
Set ``DREAMQ_PURE_PYTHON=1`` to skip the extension on purpose.

The hook calls the C compiler Python was built with, the way the stdlib's
sysconfig describes it: there is one small C file and no need for setuptools.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src", "dreamq", "_yamlbuild.c")


def _libyaml_flags() -> tuple[list[str], list[str]]:
    """Compiler and linker flags for libyaml: pkg-config's when it knows them."""
    if shutil.which("pkg-config"):
        found = subprocess.run(
            ["pkg-config", "--cflags", "--libs", "yaml-0.1"],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode == 0:
            flags = shlex.split(found.stdout)
            return [f for f in flags if not f.startswith("-l")], [
                f for f in flags if f.startswith("-l")
            ]
    return [], ["-lyaml"]


def compile_extension(source: Path, target: Path) -> str | None:
    """Compile ``source`` into the extension module ``target``; the reason when it cannot."""
    if sys.platform == "win32":
        return "building the C extension on Windows is not supported; using pure Python"
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    if not shutil.which(compiler[0]):
        return f"no C compiler ({compiler[0]}); using pure Python"
    cflags, libs = _libyaml_flags()
    command = [
        *compiler,
        "-shared",
        "-fPIC",
        "-O2",
        f"-I{sysconfig.get_paths()['include']}",
        *cflags,
        str(source),
        "-o",
        str(target),
        *libs,
    ]
    if sys.platform == "darwin":
        command[len(compiler) : len(compiler)] = ["-undefined", "dynamic_lookup"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except OSError as exc:
        return f"cannot run the C compiler: {exc}; using pure Python"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"the C extension did not compile ({last}); using pure Python"
    return None


class CustomBuildHook(BuildHookInterface):
    """Adds dreamq/_yamlbuild.<ext> to the wheel when it compiles."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("DREAMQ_PURE_PYTHON"):
            return
        source = Path(self.root, SOURCE)
        name = "_yamlbuild" + sysconfig.get_config_var("EXT_SUFFIX")
        if version == "editable":
            # An editable install imports src/dreamq directly: build it there.
            target = source.with_name(name)
        else:
            self._tmp = tempfile.mkdtemp(prefix="dreamq-build-")
            target = Path(self._tmp, name)
        problem = compile_extension(source, target)
        if problem:
            self.app.display_warning(f"dreamq: {problem}")
            return
        if version != "editable":
            build_data["force_include"][str(target)] = f"dreamq/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

"""The package as users install it: the wheel, the console script, start-up cost."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_help_does_not_import_yaml_jinja_or_rich():
    code = (
        "import sys\n"
        "from dreamq._cli import app\n"
        "try:\n    app(['--help'], prog_name='dreamq')\nexcept SystemExit:\n    pass\n"
        "print('HEAVY:' + ' '.join(m for m in ('yaml', 'jinja2', 'rich', 'pydantic') if m in sys.modules))"
    )
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "HEAVY:"


def test_python_m_dreamq():
    result = run(sys.executable, "-m", "dreamq", "--version")
    assert result.returncode == 0 and result.stdout.startswith("dreamq ")


def test_wheel_ships_the_bundled_data_and_works_from_another_directory(tmp_path):
    """Build the wheel, install it into a fresh venv, generate from elsewhere.

    The venv borrows this environment's dependencies through a .pth file (no
    network), but not its editable dreamq: site-packages .pth files are not
    processed for paths added that way."""
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    dist = tmp_path / "dist"
    built = run(
        sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("dreamq-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = run(
        str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--no-deps",
        "-q",
        str(wheel),
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(str(python), "-c", "import dreamq, sys; print(dreamq.__file__)", cwd=elsewhere)
    assert where.stdout.startswith(site), where
    if importlib.util.find_spec("dreamq._yamlbuild"):  # it compiles here: the wheel has it
        assert "-none-any" not in wheel.name, wheel.name
        fast = run(str(python), "-c", "import dreamq._yamlbuild", cwd=elsewhere)
        assert fast.returncode == 0, fast.stderr
    result = run(
        str(env_dir / "bin" / "dreamq"),
        "generate",
        "--domain",
        "pizza-delivery",
        "-o",
        "guide.md",
        cwd=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    text = (elsewhere / "guide.md").read_text(encoding="utf-8")
    assert "bundled: question_banks/curiosity.yaml" in text and "Acme Pizza" in text
    assert run(str(env_dir / "bin" / "dreamq"), "validate", cwd=elsewhere).returncode == 0
    # Every format's bundled pieces are in the wheel: HTML templates and CSS,
    # the Word reference document, the JSON Schema of the output.
    dreamq = str(env_dir / "bin" / "dreamq")
    for name in ("guide.html", "guide.docx", "guide.json"):
        made = run(dreamq, "generate", "-o", name, "--sheets", "observer", cwd=elsewhere)
        assert made.returncode == 0, (name, made.stderr)
    assert "@page" in (elsewhere / "guide.observer.html").read_text(encoding="utf-8")
    schema = run(dreamq, "schema", "guide", cwd=elsewhere)
    assert schema.returncode == 0 and '"document"' in schema.stdout
    exported = run(dreamq, "templates", "export", "mine", cwd=elsewhere)
    assert exported.returncode == 0, exported.stderr
    assert (elsewhere / "mine" / "reference.docx").stat().st_size > 10_000

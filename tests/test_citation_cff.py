"""CITATION.cff checked by the real cffconvert, which pins jsonschema<4 and so runs in its own venv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

TOOLS = REPO / ".cache" / "tools"


@pytest.fixture(scope="session")
def cffconvert() -> Path:
    venv = TOOLS / "cffconvert-2.0.0"
    exe = venv / "bin" / "cffconvert"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "cffconvert==2.0.0"], check=True)
    return exe


def test_citation_cff_is_valid(cffconvert: Path) -> None:
    result = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(REPO / "CITATION.cff")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cffconvert_rejects_a_broken_citation(cffconvert: Path, tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    broken.write_text(
        (REPO / "CITATION.cff").read_text(encoding="utf-8").replace("type: dataset", "type: novel"), encoding="utf-8"
    )
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


def test_cffconvert_renders_bibtex(cffconvert: Path) -> None:
    result = subprocess.run(
        [str(cffconvert), "-f", "bibtex", "-i", str(REPO / "CITATION.cff")], capture_output=True, text=True, check=True
    )
    assert "Conflict News Corpus" in result.stdout

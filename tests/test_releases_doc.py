"""docs/releases.md followed verbatim works (issue 29, item 4).

The commands are read from the page as printed: every line of the ```bash block(s) of "Publishing on the
Hugging Face Hub" and the `hf repos tag create ...` command quoted in the "Versioning policy" paragraph.
Each one runs here for real, on a copy of what `publish` sends (tests/test_publish.py's `release_copy`) as
the current folder, the page's "in the clone", but for the steps that need the network, substituted so:

- `pip install '.[hf]'` is not run: a real install needs the network and a fresh environment (the quick-start
  check does that). The suite runs where the package is installed with its extras, so the extras the line
  names must be defined in pyproject.toml's [project.optional-dependencies] and their requirements installed.
- `hf auth login` needs the network and a token: `hf auth login --help` runs instead, with the real `hf` next
  to this interpreter, and must exit 0; the page once named `huggingface-cli login`, which huggingface_hub 2.x
  no longer has.
- `hf repos tag create ...` needs the network and a published release: it runs with `--help` appended. The
  parser still refuses an option the command does not have, so the page's options are checked too.
- `conflict-news publish ...` uploads: each line runs with `--dry-run` added where it lacks it, which checks
  the card and lists the files without sending any; it must exit 0.

A line of any other shape fails its case: a new step on the page is either run here or consciously substituted.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from conflict_news.cli.main import main
from conftest import REPO
from test_publish import release_copy

PAGE = (REPO / "docs" / "releases.md").read_text(encoding="utf-8")
HF = Path(sys.executable).parent / "hf"


def _bash_lines() -> list[str]:
    section = PAGE.split("\n## Publishing on the Hugging Face Hub\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```bash\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    # A line that is only a comment or blank is no command; shlex drops the `# ...` after a command as bash does.
    return [line for block in blocks for line in block.splitlines() if shlex.split(line, comments=True)]


def _tag_commands() -> list[str]:
    policy = PAGE.split("**Versioning policy.**", 1)[1].split("\n\n", 1)[0]
    # The quoted command wraps across the paragraph's lines: its whitespace is joined back into spaces.
    return [" ".join(code.split()) for code in re.findall(r"`(hf\s+repos\s+tag\s+create\b[^`]*)`", policy)]


COMMANDS = [*_bash_lines(), *_tag_commands()]


def test_the_page_has_its_steps() -> None:
    # Without this, a page that lost its block or its tag command would leave an empty parametrization: skipped.
    assert _bash_lines()
    assert len(_tag_commands()) == 1


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One copy for every command: dry runs send and write nothing, and a copy is about 60 MB.
    return release_copy(tmp_path_factory.mktemp("release"))


def _hf_help(argv: list[str]) -> None:
    done = subprocess.run([str(HF), *argv, "--help"], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("line", COMMANDS, ids=[shlex.join(shlex.split(line, comments=True)) for line in COMMANDS])
def test_the_page_command_runs(line: str, release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release)
    match shlex.split(line, comments=True):
        case ["pip", "install", spec] if extras := re.fullmatch(r"\.\[([\w,-]+)\]", spec):
            # Substituted (needs the network and a fresh environment): the extras are defined and installed.
            with (REPO / "pyproject.toml").open("rb") as file:
                defined = tomllib.load(file)["project"]["optional-dependencies"]
            for extra in extras.group(1).split(","):
                assert extra in defined, f"{line}: pyproject.toml defines no extra {extra!r}"
                for requirement in defined[extra]:
                    name = re.match(r"[A-Za-z0-9._-]+", requirement)
                    assert name is not None, requirement
                    metadata.distribution(name.group())  # raises PackageNotFoundError when not installed
        case ["hf", "auth", "login", *_] | ["hf", "repos", "tag", "create", *_] as argv:
            # Substituted (needs the network and a token): the command and its options exist in this `hf`.
            _hf_help(argv[1:])
        case ["conflict-news", "publish", *options]:
            # Substituted (the upload needs the Hub): the dry run does everything before it.
            dry = [] if "--dry-run" in options else ["--dry-run"]
            assert main(["publish", *options, *dry]) == 0, line
        case _:
            pytest.fail(f"docs/releases.md has a step this test does not know how to run: {line!r}")

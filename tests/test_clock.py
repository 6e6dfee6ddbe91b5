"""The date a command records (core.clock): today, or the date SOURCE_DATE_EPOCH fixes, never a traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conflict_news.core.clock import today
from conflict_news.core.errors import UsageError
from conftest import materialize_case


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [("0", "1970-01-01"), ("1767225599", "2025-12-31"), ("1767225600", "2026-01-01"), ("253402300799", "9999-12-31"),
     ("0" * 5000 + "1767225600", "2026-01-01")],
)  # fmt: skip
def test_source_date_epoch_fixes_the_date_in_utc(epoch: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert today() == expected


def test_without_it_the_date_is_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = date.today().isoformat()
    recorded = today()
    assert recorded in {before, date.today().isoformat()}  # the call may straddle midnight


@pytest.mark.parametrize(
    "epoch", ["-1", "", "soon", "1e9", "1767225600.5", "\u0663", "253402300800", "1" * 4301, "0" * 5000 + "1" * 13]
)
def test_a_malformed_epoch_is_refused(epoch: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH") as info:
        today()
    assert info.value.code == "option-invalid"


def test_add_records_the_fixed_date_and_refuses_a_malformed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from conflict_news.cli.main import main

    root = materialize_case({}, tmp_path / "root")
    article = tmp_path / "a.txt"
    article.write_text("Two people were killed in the city on Monday.\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert main(["add", str(article), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "option-invalid" in err and "SOURCE_DATE_EPOCH" in err and "Traceback" not in err
    assert not list((root / "corpus").glob("cnc-*"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    assert main(["add", str(article), "--root", str(root)]) == 0
    (added,) = (root / "corpus").glob("cnc-*.json")
    assert json.loads(added.read_text(encoding="utf-8"))["added"] == "2001-09-09"

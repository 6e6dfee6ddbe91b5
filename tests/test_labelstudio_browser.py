"""The labeling interface in a real browser: Debian's Chromium driven by Playwright against the real Label
Studio 1.23.2 server the tests start. Pre-annotated regions must light up exactly their spans (on the seed
and on a text full of CRLF, Cyrillic, emoji and right-to-left script), the side panel must show the
selected region's fields only, and the edits an annotator makes with the mouse and keyboard must come
back through `pull` as exactly those edits.

Each step leaves a screenshot in .cache/browser-shots/<test>/ (git-ignored; the path is printed), where a
failing run can be looked at. Without Chromium or Playwright the tests skip locally and fail in CI.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conflict_news import iter_errors
from conflict_news.cli.main import main
from conflict_news.core.store import read_document
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.labelstudio.config import build_config, list_hotkeys, region_id
from conflict_news.labelstudio.sync import push_tasks
from conflict_news.labelstudio.tasks import build_task, collect_tasks
from conftest import BASE, REPO
from ls_helpers import NOISE, noisy_copy

CHROMIUM = Path("/usr/bin/chromium")
# No browser download is possible: Debian's Chromium, headless, with nothing that reaches the network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SHOTS = REPO / ".cache" / "browser-shots"

# For every region: its offsets as the editor shows them, counted like Python counts (code points; each
# <br> the editor renders for a \r or a \n is one), and its highlighted text.
_RENDERED = """() => {
  const root = document.querySelector('.lsf-htx-richtext');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  const found = {};
  let pos = 0, node;
  while ((node = walker.nextNode())) {
    if (node.nodeType === Node.ELEMENT_NODE) { if (node.tagName === 'BR') pos += 1; continue; }
    const length = [...node.data].length;
    for (let el = node.parentElement; el && el !== root; el = el.parentElement) {
      const cls = [...el.classList].find(c => c.startsWith('htx-highlight-'));
      if (!cls) continue;
      const id = cls.slice('htx-highlight-'.length).replace(/-[0-9]+$/, '');
      const r = found[id] || (found[id] = {start: pos, end: pos, text: ''});
      r.end = pos + length; r.text += node.data;
    }
    pos += length;
  }
  return found;
}"""

_SELECTED = """() => {
  const el = document.querySelector('.htx-highlight.__active');
  const cls = el ? [...el.classList].find(c => c.startsWith('htx-highlight-')) : null;
  return cls ? cls.slice('htx-highlight-'.length).replace(/-[0-9]+$/, '') : '';
}"""

# Where the editor shows the `occurrence`-th `word` of the text: left edge of its first character and
# right edge of its last, for a mouse drag.
_WORD_BOX = """([word, occurrence]) => {
  const root = document.querySelector('.lsf-htx-richtext');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node, seen = 0;
  while ((node = walker.nextNode())) {
    for (let i = node.data.indexOf(word); i >= 0; i = node.data.indexOf(word, i + 1)) {
      if (seen++ !== occurrence) continue;
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const a = range.getBoundingClientRect();
      range.setStart(node, i + word.length - 1); range.setEnd(node, i + word.length);
      const b = range.getBoundingClientRect();
      return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
    }
  }
  return null;
}"""


def _require_browser() -> Any:
    """Playwright's sync API, or a skip (a failure in CI, where both must be installed)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright (pip install playwright; never `playwright install`)"
    else:
        if CHROMIUM.exists():
            return sync_playwright
        missing = f"{CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests need {missing}; .ci/run installs it")
    pytest.skip(f"needs {missing}")


class Editor:
    """One logged-in browser page on the labeling interface; every step leaves a screenshot."""

    def __init__(self, page: Any, url: str, shots: Path) -> None:
        self.page, self.url, self.shots, self.step = page, url, shots, 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=str(self.shots / f"{self.step:02d}-{name}.png"))

    def login(self, email: str, password: str) -> None:
        self.page.goto(f"{self.url}/user/login/")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit], input[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def open_task(self, project: int, task: int, name: str) -> None:
        self.page.goto(f"{self.url}/projects/{project}/data?task={task}")
        self.page.wait_for_selector(".htx-highlight", timeout=120_000)
        self.page.wait_for_timeout(1000)
        self.shot(f"open-{name}")

    def rendered(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.page.evaluate(_RENDERED)
        return found

    def drag_over(self, word: str, occurrence: int = 0) -> None:
        x1, y1, x2, y2 = self.page.evaluate(_WORD_BOX, [word, occurrence])
        self.page.mouse.move(x1, y1)
        self.page.mouse.down()
        self.page.mouse.move((x1 + x2) / 2, y1, steps=4)
        self.page.mouse.move(x2, y2, steps=4)
        self.page.mouse.up()
        self.page.wait_for_timeout(400)

    def draw(self, label: str, word: str) -> str:
        """Draw a region with the label's key and a mouse drag; its Label Studio id."""
        before = set(self.rendered())
        self.page.keyboard.press(self.key_of(label))
        self.drag_over(word)
        (new,) = set(self.rendered()) - before
        self.page.keyboard.press("Escape")
        self.shot(f"drew-{label}-{word}")
        return new

    def key_of(self, label: str) -> str:
        shown = self.page.locator(".lsf-label").filter(has_text=label).first.locator(".lsf-label__hotkey")
        return str(shown.inner_text()).strip()

    def selected(self) -> str:
        """The id of the selected region, whose highlight the editor marks `__active` ("" when none is)."""
        found: str = self.page.evaluate(_SELECTED)
        return found

    def click_region(self, rid: str) -> None:
        """Select a region by clicking its highlighted words (a first click may only unselect another)."""
        for _ in range(3):
            self.page.click(f'[class*="htx-highlight-{rid}-"]')
            self.page.wait_for_timeout(400)
            if self.selected() == rid:
                return
            self.page.keyboard.press("Escape")
        raise AssertionError(f"clicking region {rid} did not select it (selected: {self.selected()!r})")

    def pick_in_list(self, label: str, text: str) -> None:
        """Select a region in the Regions list (for one whose words lie under another region's)."""
        self.page.get_by_text("Regions", exact=True).filter(visible=True).first.click()
        self.page.hover(".lsf-outliner")
        self.page.mouse.wheel(0, 10_000)
        self.page.wait_for_timeout(400)
        item = self.page.locator(".lsf-outliner-item").filter(has_text=label).filter(has_text=text)
        item.last.click()
        self.page.wait_for_timeout(400)

    def choose(self, value: str) -> None:
        """Tick a choice in the side panel (its text may carry the hotkey hint, e.g. `actual[w]`)."""
        choice = self.page.locator(".lsf-choice").filter(has_text=re.compile(rf"^\s*{re.escape(value)}\s*(\[.\])?\s*$"))
        choice.first.get_by_text(value).first.click()
        self.page.wait_for_timeout(200)

    def choice_keys(self) -> set[tuple[str, str]]:
        """(key, value) of every choice shown with a key hint, e.g. `actual[w]`."""
        texts = self.page.locator(".lsf-choice").filter(visible=True).all_inner_texts()
        return {(m[2], m[1]) for t in texts if (m := re.fullmatch(r"\s*(\S+?)\s*\[(.)\]\s*", t))}

    def shows(self, heading: str) -> bool:
        return bool(self.page.get_by_text(heading, exact=True).is_visible())


@pytest.fixture
def editor(label_studio: Any, request: pytest.FixtureRequest) -> Iterator[Editor]:
    sync_playwright = _require_browser()
    shots = SHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    print(f"\nscreenshots of each step: {shots}")
    with tempfile.TemporaryDirectory(prefix="cnc-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport={"width": 1600, "height": 1000}
        )
        try:
            ed = Editor(context.new_page(), label_studio.url, shots)
            ed.login(label_studio.email, label_studio.password)
            yield ed
        finally:
            context.close()


def _root_with_seed_and_noisy_toy(tmp_path: Path) -> Path:
    """A corpus root holding the seed and the toy article rewritten with CRLF, Cyrillic, emoji, RTL and tabs."""
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    for name in ("corpus/cnc-000001.txt", "corpus/cnc-000001.json", "annotations/cnc-000001.json"):
        shutil.copyfile(REPO / name, root / name)
    noisy_copy(root, "toy-0001", [NOISE.index("\r\n"), len(NOISE) - 1, NOISE.index(" \U0001f680 "), 0, 5, 3])
    text = read_document(root, "toy-0001").text
    assert text is not None and "\r\n" in text and "\u041a" in text and "\U0001f680" in text
    return root


def _push(label_studio: Any, ls: Any, root: Path, title: str) -> tuple[int, dict[str, Any]]:
    tasks, issues = collect_tasks(root, "stored")
    assert issues == []
    project = push_tasks(label_studio.url, tasks, None, title).project
    return project, {t.data["doc_id"]: t for t in ls.tasks.list(project=project)}


def test_pre_annotated_regions_light_up_exactly_their_spans(
    label_studio: Any, ls: Any, editor: Editor, tmp_path: Path
) -> None:
    root = _root_with_seed_and_noisy_toy(tmp_path)
    project, tasks = _push(label_studio, ls, root, "browser: rendering")
    for doc_id in ("cnc-000001", "toy-0001"):
        raw = read_document(root, doc_id)
        assert raw.text is not None
        pushed = build_task(doc_id, raw.text, raw.annotation)["predictions"][0]["result"]
        expected = {r["id"]: r["value"] for r in pushed if r.get("from_name") == "span"}
        editor.open_task(project, tasks[doc_id].id, doc_id)
        shown = editor.rendered()
        assert set(shown) == set(expected)
        for rid, value in expected.items():
            assert (shown[rid]["start"], shown[rid]["end"]) == (value["start"], value["end"]), rid
            # The editor skips whitespace-only text nodes (between line breaks) when it highlights.
            assert "".join(shown[rid]["text"].split()) == "".join(value["text"].split()), rid

    # Every label and keyed choice shows the key the editor gave it, as docs/labelstudio.md lists them.
    hotkeys = list_hotkeys(build_config(load_taxonomy()))
    keys = {value: key for key, control, value in hotkeys if control == "span"}
    assert {label: editor.key_of(label) for label in keys} == keys
    shown: set[tuple[str, str]] = set()
    # The side panel shows the selected region's fields only, each under its heading.
    assert editor.shows("Select a region to see its fields here; draw links with the relation tool (see Instructions).")
    editor.click_region("fig1")
    editor.shot("figure-selected")
    for heading in ("Value (the number as stated; empty for a range)", "Lower bound (empty: unbounded)",
                    "Upper bound (empty: unbounded)", "Bound", "Property (what happened to the counted things)"):  # fmt: skip
        assert editor.shows(heading), heading
    assert not editor.shows("Event type") and not editor.shows("Location name")
    shown |= editor.choice_keys()
    # 1.23.2 keeps the keys of hidden fields bound: `w` (modality: actual) sets a modality on this FIGURE,
    # which is why the import refuses a field on a region of another label (ls-orphan-attribute).
    details = editor.page.locator(".lsf-detailed-region").first
    assert "actual" not in details.inner_text().split()
    editor.page.keyboard.press("w")
    editor.page.wait_for_timeout(300)
    assert "actual" in details.inner_text().split()
    editor.shot("hidden-key-acts")
    editor.click_region("ev2")
    editor.shot("event-selected")
    assert editor.shows("Event type") and editor.shows("Modality") and not editor.shows("Bound")
    shown |= editor.choice_keys()
    editor.click_region("q2")
    shown |= editor.choice_keys()
    assert shown == {(key, value) for key, control, value in hotkeys if control != "span"}


def test_annotator_edits_come_back_as_exactly_those_edits(
    label_studio: Any, ls: Any, editor: Editor, tmp_path: Path
) -> None:
    root = _root_with_seed_and_noisy_toy(tmp_path)
    before = read_document(root, "toy-0001")
    assert before.text is not None and before.annotation is not None
    project, tasks = _push(label_studio, ls, root, "browser: editing")
    editor.open_task(project, tasks["toy-0001"].id, "toy-0001")

    # 1. Delete a region: the place-and-time TIME region of ev1 ("Tuesday").
    editor.click_region("ev1:time")
    editor.page.keyboard.press("Backspace")
    editor.page.wait_for_timeout(400)
    editor.shot("deleted-time")
    assert "ev1:time" not in editor.rendered()
    # 2. A new EVENT over "told" (under the quote cue's highlight, so it is picked in the Regions list).
    drawn_event = editor.draw("EVENT", "told")
    editor.pick_in_list("EVENT", "told")
    assert editor.shows("Event type")
    for value in ("diplomatic.commitment", "actual", "positive"):
        editor.choose(value)
    editor.shot("event-fields")
    # 3. Change a figure's property.
    editor.click_region("fig1")
    editor.choose("intercepted")
    editor.shot("figure-property")
    # 4. A relation from the new event to ev2, labelled `causes`.
    editor.pick_in_list("EVENT", "told")
    editor.page.get_by_role("button", name="Create Relation").click()
    editor.click_region("ev2")
    editor.page.get_by_text("Relations", exact=True).filter(visible=True).first.click()
    row = editor.page.locator(".lsf-relations__item").last
    row.hover()
    row.get_by_label("Show Relation Labels").click()
    editor.page.get_by_text("Select labels").click()
    editor.page.get_by_role("option", name="causes", exact=True).click()
    editor.page.keyboard.press("Escape")
    editor.shot("relation-labelled")
    # 5. A new MENTION of minister Ilka Varn, tied to her entity.
    drawn_mention = editor.draw("MENTION", "minister")  # inside the quote source "minister Ilka Varn"
    editor.pick_in_list("MENTION", "minister")
    assert editor.selected() == drawn_mention
    assert editor.shows("Entity id (the same id on every mention of one entity)")
    box = editor.page.get_by_test_id("textarea-input").filter(visible=True).first
    box.fill("ent-varn")
    box.press("Enter")
    editor.shot("mention-entity")
    editor.page.get_by_role("button", name="Submit current annotation").click()
    editor.page.wait_for_load_state("networkidle")
    editor.page.wait_for_timeout(1500)
    editor.shot("submitted")

    export = tmp_path / "export.json"
    args = ["labelstudio", "pull", "--url", label_studio.url, "--project", str(project), "--out", str(export)]
    assert main([*args, "--root", str(root), "--overwrite-gold"]) == 0
    after = read_document(root, "toy-0001").annotation
    text = before.text

    def span(word: str) -> dict[str, Any]:
        start = text.index(word)
        return {"start": start, "end": start + len(word), "text": word}

    expected = copy.deepcopy(before.annotation)
    ev1, ev2 = expected["events"]
    ev1["time"] = None
    new_event = region_id(drawn_event)
    expected["events"].append({
        "id": new_event, "type": "diplomatic.commitment", "trigger": span("told"), "arguments": [],
        "location": None, "time": None, "modality": "actual", "polarity": "positive",
        "relations": [{"type": "causes", "target": ev2["id"]}],
    })  # fmt: skip
    expected["figures"][0]["property"] = "intercepted"
    varn = next(e for e in expected["entities"] if e["id"] == "ent-varn")
    varn["mentions"].append(span("minister"))
    layers = ("entities", "events", "quotes", "figures")
    assert {k: after[k] for k in layers} == {k: expected[k] for k in layers}
    assert list(iter_errors([root])) == []
    made_by = {r["id"]: r["annotators"] for r in after["provenance"]["items"]}
    assert {i for i, who in made_by.items() if who == [label_studio.email]} == {"ev1", new_event, "fig1", "ent-varn"}

"""The labeling interface in a real browser: Debian's Chromium driven by Playwright against the real Label
Studio 1.23.2 server the tests start. Pre-annotated regions must light up exactly their spans (on the seed
and on a text full of CRLF, Cyrillic, emoji and right-to-left script), the side panel must show the
selected region's fields only, and the edits an annotator makes with the mouse and keyboard must come
back through `pull` as exactly those edits.

The tests wait for what each step needs (a region that appears, a panel that shows a heading, a save the
server answers), never for a time: a loaded machine makes them slower, not red. Each step leaves a
screenshot in .cache/browser-shots/<test>/ (git-ignored; the path is printed); a step that fails says
which step, what it waited for and what it saw, and leaves its screenshot and the rendered regions
(`NN-FAILED-<step>.png`, `.json`) there. Without Chromium or Playwright the tests skip locally and fail in CI.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from conflict_news import iter_errors
from conflict_news.cli.main import main
from conflict_news.core.store import read_document
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.labelstudio.adjudicate import SIDE, adjudicate
from conflict_news.labelstudio.config import FOLDS, build_config, list_attributes, list_hotkeys, region_id, wire_id
from conflict_news.labelstudio.sync import push_tasks
from conflict_news.labelstudio.tasks import build_task, collect_tasks
from conftest import BASE, REPO
from ls_helpers import NOISE, conflicting_versions, export_of, noisy_copy

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # _require_browser says what is missing
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
# No browser download is possible: Debian's Chromium, headless, with nothing that reaches the network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SHOTS = REPO / ".cache" / "browser-shots"
# Deadlines, not pauses: each wait ends as soon as its condition holds, so a long deadline costs nothing
# on a quiet machine and keeps a busy one from failing a step that was only slow.
WAIT_MS = 60_000
OPEN_MS = 180_000  # the first page of a session loads the editor's whole bundle
TRANSPARENT = ("transparent", "rgba(0, 0, 0, 0)")
WHITE = (255, 255, 255)  # the text's background where no region lies
# What the side panel shows while no region is selected (the labeling config's note).
NO_REGION = "Select a region to see its fields here; draw links with the relation tool (see Instructions)."

# The region an element highlights (null for any other element): the editor marks each piece of a
# region's highlight with the class `htx-highlight-<region id>-<n>`.
_REGION_OF = """(el) => {
  const cls = [...el.classList].find(c => c.startsWith('htx-highlight-'));
  return cls ? cls.slice('htx-highlight-'.length).replace(/-[0-9]+$/, '') : null;
}"""

# For every region: its offsets as the editor shows them, counted like Python counts (code points; each
# <br> the editor renders for a \r or a \n is one), and its highlighted text.
_RENDERED = f"""() => {{
  const root = document.querySelector('.lsf-htx-richtext');
  if (!root) return {{}};
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  const found = {{}};
  let pos = 0, node;
  while ((node = walker.nextNode())) {{
    if (node.nodeType === Node.ELEMENT_NODE) {{ if (node.tagName === 'BR') pos += 1; continue; }}
    const length = [...node.data].length;
    for (let el = node.parentElement; el && el !== root; el = el.parentElement) {{
      const id = ({_REGION_OF})(el);
      if (!id) continue;
      const r = found[id] || (found[id] = {{start: pos, end: pos, text: ''}});
      r.end = pos + length; r.text += node.data;
    }}
    pos += length;
  }}
  return found;
}}"""

# The ids of the rendered regions when they are exactly `ids` (null otherwise).
_RENDERED_EXACTLY = f"""(ids) => {{
  const now = Object.keys(({_RENDERED})());
  return now.length === ids.length && ids.every(id => now.includes(id)) ? now : null;
}}"""

# The regions rendered now that were not before (null while there are none).
_NEW_REGIONS = f"""(before) => {{
  const added = Object.keys(({_RENDERED})()).filter(id => !before.includes(id));
  return added.length ? added : null;
}}"""

_RENDERED_IDS = f"() => Object.keys(({_RENDERED})()).sort()"

_SELECTED = f"""() => {{
  const el = document.querySelector('.htx-highlight.__active');
  return (el && ({_REGION_OF})(el)) || '';
}}"""

# What the editor is in the middle of: the selected region, the active label, whether relation mode is on.
_STATE = f"""() => ({{
  selected: ({_SELECTED})(),
  labels: [...document.querySelectorAll('.lsf-label_selected')].map(e => e.innerText.trim()),
  relation_tool: !!document.querySelector('button[aria-label="Create Relation"][data-look="filled"]'),
  note: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].some(h => h.checkVisibility() && h.innerText.trim() === {json.dumps(NO_REGION)}),
}})"""

# Idle: no region selected, no label active, the relation tool off, and the side panel back to its note
# (the text's layout, which the panel's width decides, is the one a drag is aimed at).
_IDLE = f"""() => {{
  const s = ({_STATE})();
  return !s.selected && !s.labels.length && !s.relation_tool && s.note;
}}"""

# Where the editor shows the `occurrence`-th `word` of the text: left edge of its first character and
# right edge of its last, for a mouse drag; null until the browser maps both points back to that text
# (so the layout the drag is aimed at is the one on screen).
_WORD_BOX = """([word, occurrence]) => {
  const root = document.querySelector('.lsf-htx-richtext');
  if (!root) return null;
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
      const box = [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
      const hits = (x, y) => { const c = document.caretRangeFromPoint(x, y); return c && c.startContainer === node; };
      return hits(box[0], box[1]) && hits(box[2], box[3]) ? box : null;
    }
  }
  return null;
}"""

# A point inside region `rid` where the region's own highlight is the topmost element: a click there
# selects this region, not another one drawn over the same words (null while there is none).
_CLICK_POINT = f"""(rid) => {{
  for (const el of document.querySelectorAll('.htx-highlight')) {{
    if (({_REGION_OF})(el) !== rid) continue;
    for (const r of el.getClientRects()) {{
      const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
      if (r.width > 2 && document.elementFromPoint(x, y) === el) return [x, y];
    }}
  }}
  return null;
}}"""

# Region `rid`'s first highlight piece with a box on screen, scrolled into view: its computed background and
# the box of its first line (null while it has none).
_SHOW_PIECE = f"""(rid) => {{
  for (const el of document.querySelectorAll('.htx-highlight')) {{
    if (({_REGION_OF})(el) !== rid) continue;
    el.scrollIntoView({{block: 'center'}});
    for (const r of el.getClientRects()) {{
      if (r.width > 2) return [getComputedStyle(el).backgroundColor, [r.left, r.top, r.width, r.height]];
    }}
  }}
  return null;
}}"""

# A point on words no region holds, inside the text, where nothing else lies on top (null while there is none).
# Every relation label drawn over the text: its words, font size and the opacity it is painted with (the
# product of its own and its ancestors').
_ARROW_LABELS = """() => {
  const found = [...document.querySelectorAll('.relations-overlay text')].filter((t) => t.textContent.trim());
  return found.length && found.map((t) => {
    let opacity = 1;
    for (let e = t; e && e.nodeType === 1; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
    return [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize), opacity];
  });
}"""
_PLAIN_POINT = """() => {
  const root = document.querySelector('.lsf-htx-richtext');
  if (!root) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.parentElement.closest('.htx-highlight')) continue;
    const i = node.data.search(/[A-Za-z]/);
    if (i < 0) continue;
    const range = document.createRange();
    range.setStart(node, i); range.setEnd(node, i + 1);
    const r = range.getBoundingClientRect();
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    const hit = document.elementFromPoint(x, y);
    if (hit && root.contains(hit) && !hit.closest('.htx-highlight')) return [x, y];
  }
  return null;
}"""

# Recorded in every page for a failing step's evidence: the last mouse and key events the page received,
# each with its target and the region selected when it arrived.
_INPUT_LOG = f"""window.cncInput = [];
for (const type of ['mousedown', 'mouseup', 'click', 'keydown']) {{
  document.addEventListener(type, e => {{
    window.cncInput.push([Math.round(performance.now()), type, e.key || [e.clientX, e.clientY],
                          String(e.target.className || e.target.nodeName).slice(0, 60), ({_SELECTED})()]);
    window.cncInput.splice(0, window.cncInput.length - 100);
  }}, true);
}}"""


def _require_browser() -> Any:
    """Playwright's sync API, or a skip (a failure in CI, where both must be installed)."""
    if sync_playwright is None:
        missing = "playwright (pip install playwright; never `playwright install`)"
    elif CHROMIUM.exists():
        return sync_playwright
    else:
        missing = f"{CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests need {missing}; .ci/run installs it")
    pytest.skip(f"needs {missing}")


class StepFailed(AssertionError):
    """A step of a browser test that did not reach its condition: which step, what it waited for, what it saw."""


class Editor:
    """One logged-in browser page on the labeling interface. Every step ends on a condition of the page
    (never on a pause) and leaves a screenshot; a failing one leaves its evidence beside them."""

    def __init__(self, page: Any, url: str, shots: Path) -> None:
        self.page, self.url, self.shots, self.step_no = page, url, shots, 0

    def shot(self, name: str) -> None:
        self.step_no += 1
        self.page.screenshot(path=str(self.shots / f"{self.step_no:02d}-{name}.png"))

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """One step: its screenshot when it is done; when it fails, an error naming it, and its
        screenshot and the page's rendered regions beside the other screenshots."""
        try:
            yield
        except StepFailed:
            raise
        except Exception as exc:
            evidence = self.keep_evidence(name, exc)
            raise StepFailed(f"step {name!r} failed: {exc}\nits screenshot and rendered regions: {evidence}") from exc
        self.shot(name)

    def keep_evidence(self, name: str, exc: BaseException) -> Path:
        self.step_no += 1
        stem = self.shots / f"{self.step_no:02d}-FAILED-{name}"
        seen: dict[str, Any] = {"step": name, "error": str(exc)}
        for key, probe in (("url", lambda: self.page.url), ("state", lambda: self.page.evaluate(_STATE)),
                           ("rendered", self.rendered), ("input", lambda: self.page.evaluate("() => window.cncInput"))):  # fmt: skip
            try:
                seen[key] = probe()
            except Exception as err:  # the page may be what broke: say so and keep the rest
                seen[key] = f"unavailable: {err}"
        stem.with_suffix(".json").write_text(json.dumps(seen, ensure_ascii=False, indent=2), encoding="utf-8")
        try:
            self.page.screenshot(path=str(stem.with_suffix(".png")))
        except Exception as err:
            stem.with_suffix(".png.txt").write_text(f"no screenshot: {err}\n", encoding="utf-8")
        return stem.with_suffix(".json")

    def until(self, what: str, condition: str, arg: Any = None, *, saw: str = _STATE, timeout: int = WAIT_MS) -> Any:
        """Wait until the page function `condition(arg)` returns something truthy (asked every 100 ms)
        and return it; past the deadline, fail saying what it waited for and what `saw(arg)` shows."""
        try:
            return self.page.wait_for_function(condition, arg=arg, timeout=timeout, polling=100).json_value()
        except PlaywrightTimeout:
            seen = self.page.evaluate(saw, arg)
        raise AssertionError(f"waited {timeout / 1000:.0f} s for {what}; saw {seen!r}")

    def login(self, email: str, password: str) -> None:
        login = f"{self.url}/user/login/"
        self.page.goto(login, timeout=OPEN_MS)
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit], input[type=submit]")
        self.page.wait_for_url(lambda url: not url.startswith(login))

    def open_task(self, project: int, task: int, doc_id: str, regions: Collection[str]) -> None:
        """Open a task from the project's Data Manager, as an annotator does, and wait until exactly
        `regions` are rendered on its text. A link straight to `?task=` loads the task list and the task
        at the same time; once in about 25 runs the editor then came up without the pre-annotation (no
        prediction tab, an empty annotation), as if started from the list's copy of the task, which
        carries none. Clicking a row of the list once it is shown leaves the task's own load alone."""
        self.page.goto(f"{self.url}/projects/{project}/data", timeout=OPEN_MS)
        row = self.page.locator(".lsf-table-row").filter(has_text=doc_id)
        expect(row, f"one row of {doc_id} in the Data Manager").to_have_count(1, timeout=OPEN_MS)
        row.click()
        self.page.wait_for_url(re.compile(rf"[?&]task={task}(&|$)"))
        ids = sorted(regions)
        self.until(f"the task's {len(ids)} regions to be rendered", _RENDERED_EXACTLY, ids, saw=_RENDERED_IDS,
                   timeout=OPEN_MS)  # fmt: skip
        self.until("the editor idle (no region selected, no label active)", _IDLE)

    def open_stream(self, project: int, regions: Collection[str]) -> None:
        """Enter the labeling stream as the docs send annotators (*Label All Tasks* in the Data Manager) and
        wait until exactly `regions` are rendered on the task it opens."""
        self.page.goto(f"{self.url}/projects/{project}/data", timeout=OPEN_MS)
        button = self.page.get_by_role("button", name="Label All Tasks")
        expect(button, "the Label All Tasks button").to_be_visible(timeout=OPEN_MS)
        button.click()
        ids = sorted(regions)
        self.until(f"the first task's {len(ids)} regions to be rendered", _RENDERED_EXACTLY, ids, saw=_RENDERED_IDS,
                   timeout=OPEN_MS)  # fmt: skip

    def rendered(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.page.evaluate(_RENDERED)
        return found

    def paint(self, rid: str) -> tuple[str, tuple[int, ...]]:
        """How region `rid` is painted: the background the page computes for its highlight, and the colour
        most pixels of its first line show in a screenshot (the glyphs are the minority), i.e. what the
        annotator sees."""
        background, box = self.until(f"region {rid}'s highlight on screen", _SHOW_PIECE, rid)
        shot = self.page.screenshot(clip=dict(zip(("x", "y", "width", "height"), box, strict=True)))
        with Image.open(io.BytesIO(shot)) as image:
            pixels = image.convert("RGB")
            _, colour = max(pixels.getcolors(pixels.width * pixels.height) or [])
        return background, tuple(colour)

    def wait_rendered(self, what: str, regions: Collection[str]) -> None:
        self.until(what, _RENDERED_EXACTLY, sorted(regions), saw=_RENDERED_IDS)

    def label_button(self, label: str) -> Any:
        return self.page.locator(".lsf-label").filter(has_text=label).first

    def key_of(self, label: str) -> str:
        return str(self.label_button(label).locator(".lsf-label__hotkey").inner_text()).strip()

    def draw(self, label: str, word: str) -> str:
        """Draw a region with the label's key and a mouse drag over `word`; its Label Studio id."""
        self.until(f"the editor idle before drawing {label} over {word!r}", _IDLE)
        before = set(self.rendered())
        button = self.label_button(label)
        self.page.keyboard.press(self.key_of(label))
        expect(button, f"{label} active after its key").to_have_class(re.compile(r"\blsf-label_selected\b"))
        x1, y1, x2, y2 = self.until(f"{word!r} on screen where the mouse can select it", _WORD_BOX, [word, 0])
        self.page.mouse.move(x1, y1)
        self.page.mouse.down()
        self.page.mouse.move((x1 + x2) / 2, y1, steps=4)
        self.page.mouse.move(x2, y2, steps=4)
        self.page.mouse.up()
        added = self.until(f"a new region after the drag over {word!r}", _NEW_REGIONS, sorted(before),
                           saw=_RENDERED_IDS)  # fmt: skip
        assert len(added) == 1, f"the drag over {word!r} drew {added}, not one region"
        (new,) = added
        shown = self.rendered()[new]["text"]
        assert shown == word, f"the region drawn over {word!r} holds {shown!r}"
        # The editor lets go of the label once the region is drawn.
        expect(button, f"{label} no longer active").not_to_have_class(re.compile(r"\blsf-label_selected\b"))
        # 1.23.2 takes the first click on the text after a mouse selection for the end of that selection
        # and ignores it (RichText's `_selectionMode`); the drag fires no click of its own, as the editor
        # rewraps the words it was pressed on. A click on words no region holds uses that up and selects
        # nothing, so the next click on a region selects it.
        x, y = self.until("unlabelled words to click on", _PLAIN_POINT)
        self.page.mouse.click(x, y)
        self.until(f"the editor idle after drawing {label} over {word!r}", _IDLE)
        return str(new)

    def selected(self) -> str:
        """The id of the selected region, whose highlight the editor marks `__active` ("" when none is)."""
        found: str = self.page.evaluate(_SELECTED)
        return found

    def unselect(self) -> None:
        """Let go of the selected region, if any (clicking a selected region again would unselect it)."""
        if self.selected():
            self.page.keyboard.press("Escape")
            self.until("no region selected after Escape", _IDLE)

    def wait_selected(self, rid: str) -> None:
        self.until(f"region {rid} selected", f"(rid) => ({_SELECTED})() === rid", rid)

    def click_region(self, rid: str) -> None:
        """Select a region by clicking words where its own highlight is on top."""
        self.unselect()
        x, y = self.until(f"a point where region {rid}'s highlight is on top", _CLICK_POINT, rid)
        self.page.mouse.click(x, y)
        self.wait_selected(rid)

    def open_tab(self, name: str) -> None:
        self.page.get_by_text(name, exact=True).filter(visible=True).first.click()

    def pick_in_list(self, label: str, text: str, rid: str) -> None:
        """Select region `rid` in the Regions list (for one whose words lie under another region's)."""
        self.unselect()
        self.open_tab("Regions")
        # The list only renders the rows in view (its height is set once it has rows), and a new region
        # is its last row.
        expect(self.page.locator(".lsf-outliner-item").first, "the Regions list filled").to_be_visible()
        self.page.hover(".lsf-outliner")
        self.page.mouse.wheel(0, 10_000)
        item = self.page.locator(".lsf-outliner-item").filter(has_text=label).filter(has_text=text)
        expect(item, f"one {label} row holding {text!r} in the Regions list").to_have_count(1)
        item.click()
        self.wait_selected(rid)

    def link_to(self, rid: str) -> None:
        """Draw a relation from the selected region to `rid` with the relation tool."""
        tool = self.page.get_by_role("button", name="Create Relation")
        tool.click()
        expect(tool, "the relation tool on").to_have_attribute("data-look", "filled")
        x, y = self.until(f"a point where region {rid}'s highlight is on top", _CLICK_POINT, rid)
        self.page.mouse.click(x, y)
        expect(tool, "the relation tool off once the relation is drawn").not_to_be_visible()

    def relations(self) -> Any:
        """The rows of the Relations tab (opening it)."""
        self.open_tab("Relations")
        return self.page.locator(".lsf-relations__item")

    def label_relation(self, row: Any, label: str) -> None:
        row.hover()
        row.get_by_label("Show Relation Labels").click()
        self.page.get_by_text("Select labels").click()
        option = self.page.get_by_role("option", name=label, exact=True)
        option.click()
        expect(row.get_by_test_id("select-display-value"), f"the relation labelled {label}").to_have_text(label)
        self.page.keyboard.press("Escape")
        expect(option, "the label list closed").to_be_hidden()

    def details(self) -> Any:
        """The Info panel's view of the selected region (its results, as the editor holds them)."""
        return self.page.locator(".lsf-detailed-region:not(.lsf-detailed-region_compact)").first

    def choose(self, value: str) -> None:
        """Tick a choice in the side panel (its text may carry the hotkey hint, e.g. `actual[w]`)."""
        choice = self.page.locator(".lsf-choice").filter(has_text=re.compile(rf"^\s*{re.escape(value)}\s*(\[.\])?\s*$"))
        box = choice.first.locator("input[type=checkbox]")
        expect(box, f"{value} not ticked yet").not_to_be_checked()
        choice.first.get_by_text(value).first.click()
        expect(box, f"{value} ticked").to_be_checked()

    def pick_type(self, value: str) -> None:
        """Pick an event type in the type picker: click it, type part of the type's name, click the type."""
        picker = self.page.locator(".taxonomy").filter(visible=True)
        expect(picker, "one type picker shown").to_have_count(1)
        picker.click()
        leaf = value.partition(".")[2]
        # The tree's search box takes the keys only once the dropdown has focused it (typed earlier, they
        # were lost in one run).
        search = self.page.locator(".ant-select-dropdown input").filter(visible=True)
        expect(search, "the type search box focused").to_be_focused()
        self.page.keyboard.type(leaf)
        expect(search, f"the search box holding {leaf!r}").to_have_value(leaf)
        option = self.page.locator(".ant-select-tree-treenode").filter(has_text=re.compile(rf"^{re.escape(leaf)}$"))
        expect(option, f"the type {leaf} listed once under the search").to_have_count(1)
        option.click()
        expect(picker, f"the picker showing {value}").to_contain_text(value)
        self.page.keyboard.press("Escape")

    def open_fold(self, title: str) -> None:
        """Open a folded set of fields (a Collapse panel) by its title."""
        header = self.page.locator(".ant-collapse-header").filter(visible=True).filter(has_text=title)
        expect(header, f"one fold {title!r}").to_have_count(1)
        header.click()
        expect(header, f"fold {title!r} open").to_have_attribute("aria-expanded", "true")

    def panel_height(self) -> int:
        """The height of the side panel's content (what it would take on screen unscrolled)."""
        height: int = self.page.evaluate("() => document.querySelector('.cnc-panel').scrollHeight")
        return height

    def choice_keys(self) -> set[tuple[str, str]]:
        """(key, value) of every choice shown with a key hint, e.g. `actual[w]`."""
        texts = self.page.locator(".lsf-choice").filter(visible=True).all_inner_texts()
        return {(m[2], m[1]) for t in texts if (m := re.fullmatch(r"\s*(\S+?)\s*\[(.)\]\s*", t))}

    def expect_shown(self, *headings: str) -> None:
        for heading in headings:
            expect(self.page.get_by_text(heading, exact=True), f"{heading!r} shown").to_be_visible()

    def expect_hidden(self, *headings: str) -> None:
        for heading in headings:
            expect(self.page.get_by_text(heading, exact=True), f"{heading!r} hidden").to_be_hidden()

    def submit(self) -> None:
        """Submit the annotation and wait for the server to answer that it saved it."""
        button = self.page.get_by_role("button", name="Submit current annotation")
        with self.page.expect_response(_saves_annotation, timeout=WAIT_MS) as saved:
            button.click()
        response = saved.value
        assert response.ok, f"saving the annotation: {response.status} {response.text()[:500]}"


# Each rendered region's id (as _RENDERED_IDS reads it) and the style of the 3-pixel underline the review
# paints on it ("none" for the editor's own 1-pixel transparent border).
_UNDERLINES = """() => Object.fromEntries([...document.querySelectorAll('.htx-highlight')].map(el => {
  const cls = [...el.classList].find(c => c.startsWith('htx-highlight-'));
  const style = getComputedStyle(el);
  return [cls.slice('htx-highlight-'.length).replace(/-[0-9]+$/, ''),
          style.borderBottomWidth === '3px' ? style.borderBottomStyle : 'none'];
}))"""
# The headings of the Data Manager's table: the smallest element around the "Inner ID" heading that holds
# "Annotated by" too, read line by line.
_HEADINGS = """() => {
  let el = [...document.querySelectorAll('*')].find(e => e.childElementCount === 0 && e.textContent === 'Inner ID');
  while (el && !el.innerText.includes('Annotated by')) el = el.parentElement;
  return el ? el.innerText.split('\\n').map(s => s.trim()).filter(Boolean) : [];
}"""


def _saves_annotation(response: Any) -> bool:
    """The request Submit sends: the annotation to /api/tasks/<id>/annotations/ (drafts go elsewhere)."""
    return (
        response.request.method == "POST" and re.search(r"/api/tasks/\d+/annotations/?(\?|$)", response.url) is not None
    )


@pytest.fixture
def editor(label_studio: Any, request: pytest.FixtureRequest) -> Iterator[Editor]:
    launch = _require_browser()
    shots = SHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    print(f"\nscreenshots of each step: {shots}")
    expect.set_options(timeout=WAIT_MS)
    with tempfile.TemporaryDirectory(prefix="cnc-chromium-") as profile, launch() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport={"width": 1600, "height": 1000}
        )
        context.set_default_timeout(WAIT_MS)
        context.add_init_script(_INPUT_LOG)

        try:
            ed = Editor(context.new_page(), label_studio.url, shots)
            with ed.step("logged-in"):
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


def _pushed(root: Path, doc_id: str) -> list[dict[str, Any]]:
    """The results of the pre-annotation pushed with a document's task."""
    raw = read_document(root, doc_id)
    assert raw.text is not None
    result: list[dict[str, Any]] = build_task(doc_id, raw.text, raw.annotation)["predictions"][0]["result"]
    return result


def _fields_of(label: str) -> list[str]:
    """The headings the side panel shows for a selected region with `label`."""
    return [a.heading for a in list_attributes(load_taxonomy()) if label in a.labels]


def test_pre_annotated_regions_light_up_exactly_their_spans(
    label_studio: Any, ls: Any, editor: Editor, tmp_path: Path
) -> None:
    root = _root_with_seed_and_noisy_toy(tmp_path)
    project, tasks = _push(label_studio, ls, root, "browser: rendering")
    # The stream shows the pre-annotation too (issue 27: it showed only predictions of the project's
    # model_version, which was the first task's, so the seed's gold showed no region). The queue starts
    # with the first task pushed, the seed.
    assert min(tasks.values(), key=lambda t: t.id).data["doc_id"] == "cnc-000001"
    with editor.step("stream-seed"):
        editor.open_stream(project, [r["id"] for r in _pushed(root, "cnc-000001") if r.get("from_name") == "span"])
    for doc_id in ("cnc-000001", "toy-0001"):
        expected = {r["id"]: r["value"] for r in _pushed(root, doc_id) if r.get("from_name") == "span"}
        with editor.step(f"open-{doc_id}"):
            editor.open_task(project, tasks[doc_id].id, doc_id, expected)
        shown = editor.rendered()
        assert set(shown) == set(expected)
        for rid, value in expected.items():
            assert (shown[rid]["start"], shown[rid]["end"]) == (value["start"], value["end"]), rid
            # The editor skips whitespace-only text nodes (between line breaks) when it highlights.
            assert "".join(shown[rid]["text"].split()) == "".join(value["text"].split()), rid
        # Painted, not only marked: Label Studio styles a region by a class built from its id, and an id
        # the class cannot hold (a `:` or `.`) leaves it transparent (regions on the wire: wire_id).
        with editor.step(f"painted-{doc_id}"):
            for rid in expected:
                background, colour = editor.paint(rid)
                assert background not in TRANSPARENT, (rid, background)
                assert colour != WHITE, (rid, colour)
    # Arrow labels only on roles and event relations (issue 27: all 24 labels, 9 px and faint), readable.
    labelled = [
        ", ".join(r["labels"]) for r in _pushed(root, "toy-0001") if r.get("type") == "relation" and r["labels"]
    ]
    arrows = editor.until("the relation labels drawn over the text", _ARROW_LABELS)
    assert sorted(text for text, _, _ in arrows) == sorted(labelled)
    assert all(size >= 12 and opacity == 1 for _, size, opacity in arrows), arrows

    # Every label and keyed choice shows the key the editor gave it, as docs/labelstudio.md lists them.
    hotkeys = list_hotkeys(build_config(load_taxonomy()))
    keys = {value: key for key, control, value in hotkeys if control == "span"}
    assert {label: editor.key_of(label) for label in keys} == keys
    shown: set[tuple[str, str]] = set()
    # The side panel shows the selected region's fields only, each under its heading.
    editor.expect_shown(NO_REGION)
    with editor.step("figure-selected"):
        editor.click_region("fig1")
        editor.expect_shown("Value (the number as stated; empty for a range)", "Lower bound (empty: unbounded)",
                            "Upper bound (empty: unbounded)", "Bound", "Property (what happened to the counted things)",
                            *_fields_of("FIGURE"))  # fmt: skip
        editor.expect_hidden("Event type", "Location name", NO_REGION)
        expect(editor.details(), "the Info panel on fig1").to_contain_text("fig1")
    shown |= editor.choice_keys()
    # 1.23.2 keeps the keys of hidden fields bound: `w` (modality: actual) sets a modality on this FIGURE,
    # which is why the import refuses a field on a region of another label (ls-orphan-attribute).
    details = editor.details()
    assert "actual" not in details.inner_text().split()
    with editor.step("hidden-key-acts"):
        editor.page.keyboard.press("w")
        expect(details, "modality `actual` on fig1").to_have_text(
            re.compile(r"(^|\s)actual(\s|$)"), use_inner_text=True
        )
    with editor.step("event-selected"):
        editor.click_region("ev2")
        editor.expect_shown("Event type", "Modality", "Polarity", *(title for title, _ in FOLDS.values()))
        editor.expect_hidden("Bound", "Location name", "Time start (YYYY, YYYY-MM or YYYY-MM-DD)")
        # Issue 27: the EVENT's panel was four screens tall (59 type boxes, then place and time fields).
        assert editor.panel_height() <= 1000
        expect(editor.page.locator(".taxonomy").filter(visible=True), "ev2's type").to_contain_text("violent.attack")
    with editor.step("event-folds-open"):
        for title, _ in FOLDS.values():
            editor.open_fold(title)
        editor.expect_shown(*_fields_of("EVENT"))
    shown |= editor.choice_keys()
    with editor.step("quote-selected"):
        editor.click_region("q2")
        editor.expect_shown(*_fields_of("CUE"))
        editor.expect_hidden("Event type", "Bound")
    shown |= editor.choice_keys()
    assert shown == {(key, value) for key, control, value in hotkeys if control != "span"}


def test_annotator_edits_come_back_as_exactly_those_edits(
    label_studio: Any, ls: Any, editor: Editor, tmp_path: Path
) -> None:
    root = _root_with_seed_and_noisy_toy(tmp_path)
    before = read_document(root, "toy-0001")
    assert before.text is not None and before.annotation is not None
    project, tasks = _push(label_studio, ls, root, "browser: editing")
    pushed = _pushed(root, "toy-0001")
    regions = {r["id"] for r in pushed if r.get("from_name") == "span"}
    with editor.step("open-toy-0001"):
        editor.open_task(project, tasks["toy-0001"].id, "toy-0001", regions)

    # 1. Delete a region: the place-and-time TIME region of ev1 ("Tuesday").
    time = wire_id("ev1:time")
    with editor.step("deleted-time"):
        editor.click_region(time)
        editor.page.keyboard.press("Backspace")
        editor.wait_rendered("every region but ev1:time", regions - {time})
    # 2. A new EVENT over "told" (under the quote cue's highlight, so it is picked in the Regions list).
    with editor.step("drew-EVENT-told"):
        drawn_event = editor.draw("EVENT", "told")
    with editor.step("event-fields"):
        editor.pick_in_list("EVENT", "told", drawn_event)
        editor.expect_shown("Event type")
        editor.pick_type("diplomatic.commitment")
        for value in ("actual", "positive"):
            editor.choose(value)
    # 3. Change a figure's property.
    with editor.step("figure-property"):
        editor.click_region("fig1")
        editor.choose("intercepted")
    # 4. A relation from the new event to ev2, labelled `causes`.
    with editor.step("relation-labelled"):
        # Each region pair is one row; deleting ev1:time took its link to ev1 away.
        pairs = {(r["from_id"], r["to_id"]) for r in pushed if r.get("type") == "relation"}
        links = len({pair for pair in pairs if time not in pair})
        expect(editor.relations(), "the pre-annotated relations listed").to_have_count(links)
        editor.pick_in_list("EVENT", "told", drawn_event)
        editor.link_to("ev2")
        rows = editor.relations()
        expect(rows, "one relation more").to_have_count(links + 1)
        editor.label_relation(rows.last, "causes")
    # 5. A new MENTION of minister Ilka Varn, tied to her entity.
    with editor.step("drew-MENTION-minister"):
        drawn_mention = editor.draw("MENTION", "minister")  # inside the quote source "minister Ilka Varn"
    with editor.step("mention-entity"):
        editor.pick_in_list("MENTION", "minister", drawn_mention)
        editor.expect_shown("Entity id (the same id on every mention of one entity)")
        box = editor.page.get_by_test_id("textarea-input").filter(visible=True).first
        box.fill("ent-varn")
        box.press("Enter")
        expect(editor.details(), "the entity id on the new mention").to_contain_text("ent-varn")
    with editor.step("submitted"):
        editor.submit()

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


def test_review_opens_on_every_version_with_each_side_underlined_and_two_data_columns(
    editor: Editor, label_studio: Any, ls: Any, tmp_path: Path
) -> None:
    """Issue 27 (4, 5): the review project's stream opens on the merged version, each side of a conflicting
    item painted with its annotator's underline and agreed items with none; the Data Manager shows the
    document's id and text and no other data column."""
    a, b = conflicting_versions(BASE)
    users = {1: "a@example.org", 2: "b@example.org"}
    (task,) = adjudicate(BASE, export_of(BASE, "toy-0001", [a, b]), [], users).review
    project = push_tasks(label_studio.url, [task], None, "review in the browser", overlap=1, review=True).project
    with editor.step("data-manager-columns"):
        editor.page.goto(f"{editor.url}/projects/{project}/data", timeout=OPEN_MS)
        expect(editor.page.locator(".lsf-table-row"), "the review task's row").to_have_count(1, timeout=OPEN_MS)
        headings = set(editor.page.evaluate(_HEADINGS))
    assert {"Inner ID", "doc_id", "text"} <= headings, headings  # the built-in columns, and the two data ones
    assert not headings & (set(task["data"]) - {"doc_id", "text"}), headings
    merged = {r["id"] for r in task["predictions"][0]["result"] if r.get("type") == "labels"}
    with editor.step("review-stream-opened"):
        editor.open_stream(project, merged)
    painted = editor.page.evaluate(_UNDERLINES)
    # 1 and 2 are the annotators' numbers in the task's `annotators`, the end of a side's region id.
    expected = {rid: {"1": "solid", "2": "dotted"}[rid[-1]] if SIDE in rid else "none" for rid in merged}
    assert painted == expected

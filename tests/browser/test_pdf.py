"""The printed handouts of `make pdf` (tools/pdf.py), read back: one per notebook and per
study-notes file, A4, the title on page 1, the first code cell left out with one line saying where
it is, no empty frame (a code block's box left empty at the foot of a page), pictures kept whole
on a page, the answers in an appendix after the questions. Run after `make pdf` (CI does).
Each check is proved by a planted defect (the self-tests at the end)."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import pdf  # noqa: E402

HANDOUTS = pdf.handouts()
HAVE_POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
pytestmark = pytest.mark.skipif(not HAVE_POPPLER, reason="needs poppler-utils (apt-get install poppler-utils)")
A4_POINTS = (595, 842)


def page_texts(path):
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def empty_frames(path, dpi=40):
    """Pages with a code block's framed box that holds nothing: a stretch of rows at least 20 mm
    tall where the box's grey background spans much of the width with no mark on it."""
    from PIL import Image
    import tempfile
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), f"{tmp}/p"], check=True)
        for n, png in enumerate(sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1])), 1):
            image = Image.open(png).convert("L")
            w, h = image.size
            pixels = image.load()
            run, tallest = 0, 0
            for y in range(h):
                row = [pixels[x, y] for x in range(w)]
                grey = [x for x, v in enumerate(row) if 236 <= v <= 251]
                empty = len(grey) > 0.4 * w and all(v > 200 for v in row[grey[0]:grey[-1] + 1])
                run = run + 1 if empty else 0
                tallest = max(tallest, run)
            if tallest >= 20 / 25.4 * dpi:
                found.append(f"page {n}: an empty framed box {tallest * 25.4 / dpi:.0f} mm tall")
    return found


def inherited_lines(page):
    """Lines of the notebook's first code cell (tag course-inherited) found in no other cell:
    none of them may be printed."""
    staged = ROOT / "build" / "site-src" / Path(page).with_suffix(".ipynb")
    if not staged.exists():
        return []
    cells = json.loads(staged.read_text())["cells"]
    first = next((c for c in cells if "course-inherited" in c.get("metadata", {}).get("tags", [])), None)
    if first is None:
        return []
    others = "\n".join("".join(c["source"]) for c in cells if c is not first)
    lines = [" ".join(line.split()) for line in "".join(first["source"]).splitlines()]
    return [line for line in lines if len(line) > 24 and line not in others][:8]


def problems(path, kind, inherited=()):
    """What is wrong with one handout (kind: "notebook" or "notes"; inherited: lines of its
    first code cell)."""
    said = []
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    if not size or abs(float(size[1]) - A4_POINTS[0]) > 2 or abs(float(size[2]) - A4_POINTS[1]) > 2:
        said.append(f"not A4: {size and size[0]}")
    pages = page_texts(path)
    if not 1 <= len(pages) <= 40:
        said.append(f"{len(pages)} pages")
    if not re.search(r"\d\d · \S", pages[0] if pages else ""):
        said.append("page 1 does not show the title")
    for n, text in enumerate(pages[:-1], 1):
        if len([line for line in text.splitlines() if line.strip()]) < 2:  # the footer alone
            said.append(f"page {n} is empty")
    everything = " ".join("\n".join(pages).split())
    if kind == "notebook" and inherited:
        shown = [line for line in inherited if line in everything]
        if shown:
            said.append(f"the first code cell (code carried over) is printed: {shown[:2]}")
        if "first code cell" not in everything:
            said.append("no line says where the first code cell is")
    if kind == "notebook":
        questions = [i for i, p in enumerate(pages) if re.search(r"^\s*Questions\b", p, re.M)]
        answers = [i for i, p in enumerate(pages) if re.search(r"^\s*Answers\s*$", p, re.M)]
        if questions:
            if not answers or answers[-1] < questions[-1]:
                said.append("the answers are not in an appendix after the questions")
            elif re.search(r"^\s*▶?\s*Answer\s*$", "\n".join(pages[:answers[-1]]), re.M):
                said.append("a folded answer bar is printed among the questions")
            if answers and not re.search(r"Answer to question 1\b", "\n".join(pages[answers[-1]:])):
                said.append("the appendix does not number the answers")
    said += empty_frames(path)
    return said


def test_every_chapter_has_its_handouts():
    missing = [str(t.relative_to(ROOT)) for _, t, _ in HANDOUTS if not t.exists()]
    assert not missing, f"no handout (run `make pdf`): {missing}"
    assert (pdf.PDF / "course.pdf").exists(), "no build/pdf/course.pdf (the whole course)"
    total = sum(pdf.pages_in(t) for _, t, _ in HANDOUTS)
    assert pdf.pages_in(pdf.PDF / "course.pdf") == total


@pytest.mark.parametrize("page,target,title", HANDOUTS, ids=[t.stem for _, t, _ in HANDOUTS])
def test_handout(page, target, title):
    if not target.exists():
        pytest.fail(f"{target.relative_to(ROOT)} missing: run `make pdf`")
    kind = "notebook" if page.startswith("notebooks/") else "notes"
    found = problems(target, kind, inherited_lines(page))
    assert not found, f"{target.name}: {found}"


def test_pictures_are_kept_whole_in_print(watched):
    """Every graph and plot sits in a box that print keeps on one page, and fits on a page."""
    page = watched.open("notebooks/05-manual-backprop-neuron.html")
    page.set_viewport_size(pdf.A4)
    page.emulate_media(media="print")
    page.evaluate("window.__courseKeepHandout = true; courseHandout()")
    split = page.evaluate("""() => [...document.querySelectorAll('article img')].filter(i => {
        for (let e = i; e && e.tagName !== 'ARTICLE'; e = e.parentElement)
          if (getComputedStyle(e).breakInside === 'avoid') return i.getBoundingClientRect().height > 1000;
        return true; }).map(i => i.getAttribute('src'))""")
    assert not split, f"pictures that print could split across pages: {split}"


# Self-tests: each check above catches the defect it is there for.

@pytest.fixture(scope="module")
def printer(browser, server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")

    def run(name, page, plant):
        target = folder / f"{name}.pdf"
        pdf.print_page(browser, server, page, target, "05 · planted", plant=plant)
        return target
    return run


@pytest.mark.parametrize("name,plant,expected", [
    ("inherited", {"css": ".bd-article div.cell.tag_course-inherited { display: block !important }",
                   "js": "const d = document.querySelector('.tag_course-inherited details');"
                         "d.replaceWith(...d.querySelectorAll(':scope > .cell_input'))"}, "first code cell"),
    ("answers-inline", {"handout": False}, "appendix"),
    ("empty-frames", {"handout": False, "css": ".bd-article div[class*='highlight-'] { break-inside: avoid !important }"
                             ".bd-article .cell_input { display: flex !important }"}, "empty framed box"),
])
def test_planted_defects_are_caught(printer, name, plant, expected):
    page = "notebooks/05-manual-backprop-neuron.html"
    assert inherited_lines(page), "notebook 05 has no first code cell to plant"
    target = printer(name, page, plant)
    found = problems(target, "notebook", inherited_lines(page))
    assert any(expected in p for p in found), f"planted {name!r} not caught: {found}"


def test_planted_split_picture_is_caught(watched):
    page = watched.open("notebooks/05-manual-backprop-neuron.html")
    page.emulate_media(media="print")
    page.add_style_tag(content=".bd-article * { break-inside: auto !important }")
    split = page.evaluate("""() => [...document.querySelectorAll('article img')].filter(i => {
        for (let e = i; e && e.tagName !== 'ARTICLE'; e = e.parentElement)
          if (getComputedStyle(e).breakInside === 'avoid') return false;
        return true; }).length""")
    assert split > 0

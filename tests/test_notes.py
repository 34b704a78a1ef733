"""The study notes in transcript/: one file per notebook, timecoded, every link resolving, and every
number in them one their notebook prints (read as in the prose: tests/test_claims.py)."""
import re

import pytest

import course
from test_claims import problems_in

NOTEBOOKS = course.written()
NOT_SECTIONS = ("Recap", "Questions")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def section_times(text, level="## "):
    return {course.timecodes(line)[0]: line for line in course.headings(text)
            if line.startswith(level) and course.timecodes(line)}  # not a Going further section


def anchors(nb):
    return {m for c in course.read(nb).cells if c.cell_type == "markdown" for m in course.ANCHOR.findall(c.source)}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_notes_follow_the_video_and_the_notebooks_sections(nb):
    path = course.ROOT / nb.notes
    assert path.exists(), f"{nb.file} has no study notes at {nb.notes}"
    text = path.read_text()
    times = course.timecodes(text)
    assert times, f"{nb.notes} has no video links"
    assert all(nb.start <= t < nb.end for t in times), f"{nb.notes}: a video link outside {nb.file}'s range"
    assert times == sorted(times), f"{nb.notes}: times go backwards"
    notebook_text = "\n".join(c.source for c in course.read(nb).cells
                              if c.cell_type == "markdown" and "course-header" not in course.tags(c))
    in_notebook = {t for t, line in section_times(notebook_text).items() if not any(w in line for w in NOT_SECTIONS)}
    in_notes = section_times(text)
    assert set(in_notes) == in_notebook, (
        f"{nb.notes}: its ## sections should be the notebook's, at the same times; "
        f"missing {sorted(map(course.hms, in_notebook - set(in_notes)))}, "
        f"extra {sorted(map(course.hms, set(in_notes) - in_notebook))}")
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        assert f"](../notebooks/{nb.file}#" in block, (
            f"{nb.notes}: section '{block.splitlines()[0]}' does not link to its section in {nb.file}")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_numbers_in_the_notes_are_printed_by_their_notebook(nb):
    problems = problems_in((course.ROOT / nb.notes).read_text(), nb.number)
    assert not problems, f"{nb.notes}: {problems[0]}"


def broken_links(text, folder):
    """Each relative link in markdown `text` (kept in `folder`) that leads nowhere: no file, or no such section."""
    problems = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        file, _, anchor = target.partition("#")
        dest = (folder / file).resolve()
        if not dest.exists():
            problems.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".ipynb":
            nb = next((n for n in NOTEBOOKS if n.path == dest), None)
            if nb is None or anchor not in anchors(nb):
                problems.append(f"{target}: no section with the anchor #{anchor} (see its headings' <a id=...>)")
    return problems


@pytest.mark.parametrize("path", sorted((course.ROOT / "transcript").glob("*.md")), ids=lambda p: p.name)
def test_every_link_in_the_notes_resolves(path):
    problems = broken_links(path.read_text(), path.parent)
    assert not problems, f"transcript/{path.name}:\n" + "\n".join(problems)


def test_the_link_checker_finds_a_missing_notebook_and_a_missing_section():
    first = NOTEBOOKS[0].file
    text = f"[a](../notebooks/99-none.ipynb) [b](../notebooks/{first}#no-such-section) [c](../notebooks/{first})"
    assert len(broken_links(text, course.ROOT / "transcript")) == 2

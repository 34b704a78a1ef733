"""The study notes in transcript/: one file per notebook, timecoded, linked to video and notebook."""
import re

import pytest

import course

NOTEBOOKS = [nb for nb in course.course() if nb.exists()]
NOT_SECTIONS = ("Recap", "Questions")


def section_times(text, level="## "):
    return {course.timecodes(line)[0]: line for line in course.headings(text) if line.startswith(level)}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_notes_follow_the_video_and_link_to_the_notebook(nb):
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
        assert f"](../notebooks/{nb.file}" in block, f"{nb.notes}: section '{block.splitlines()[0]}' does not link to its notebook"

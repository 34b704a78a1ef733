"""The notebooks keep pace with the video: a learner who reads a notebook's lecture sections while
watching its stretch of the lecture should not fall behind.

The measure: words of prose in the lecture sections of a notebook, per minute of the video it
follows (from its first chapter to the next notebook's). Counted: the markdown a learner reads
beside the video, that is the introduction and every lecture section. Not counted: the generated
header and footer, `## Recap` and `## Questions` (read after watching), sections beyond the lecture
(`Going further: ...` and the headings under them: read afterwards), code blocks (fenced or indented),
link targets, pictures' descriptions, HTML tags and LaTeX (a formula counts as one word).

    python tests/test_pace.py [NOTEBOOKS_FOLDER]    every notebook's words per minute (and the sections')
"""
import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import course  # noqa: E402

# At most this many words of lecture prose per minute of video. Reading runs at about 250 words a
# minute; the lecture's own sections keep near 300 (their speech is on screen too, and a learner
# pauses the video to run the cells), so 350 leaves some room, and no more.
WORDS_PER_MINUTE = 350
GENERATED = {"course-header", "course-footer", "course-inherited-note"}
NOTEBOOKS = course.written()

FENCE = re.compile(r"^(```|~~~)")
LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d+\.)\s|^ {1,3}\S")
INLINE = [
    (re.compile(r"\$\$.*?\$\$", re.S), " formula "),        # display math: one word
    (re.compile(r"\$[^$\n]+\$"), " formula "),               # inline math: one word
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),              # a picture (its description is for screen readers)
    (re.compile(r"\]\([^)]*\)"), "]"),                       # link targets
    (re.compile(r"<[^>]+>"), " "),                           # HTML tags, anchors
]
WORD = re.compile(r"[A-Za-z0-9_][\w'’.-]*")


def prose(text):
    """`text` without its code blocks: fenced ones, and indented ones (four spaces after a blank line,
    outside a list)."""
    kept, fenced, indented, blank_before, in_list = [], False, False, True, False
    for line in text.splitlines():
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if fenced:
            continue
        if not line.strip():
            blank_before, indented = True, indented
            kept.append("")
            continue
        if line.startswith(("    ", "\t")) and (indented or (blank_before and not in_list)):
            indented = True
            continue
        indented = False
        in_list = bool(LIST_LINE.match(line)) or (in_list and not blank_before)
        blank_before = False
        kept.append(line)
    return "\n".join(kept)


def count(text):
    text = course.TIMECODE.sub(" ", course.LOOSE_TIMECODE.sub(" ", prose(text)))
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return len(WORD.findall(text))


def sections(book):
    """(heading title, kind, words) for the introduction and each section of a notebook, in order:
    kind "lecture", "closing" (Recap, Questions and what is under them) or "further"."""
    found = [["(introduction)", "lecture", 0]]
    closing = None
    cells = [c for c in book.cells if c.cell_type == "markdown" and not GENERATED & set(course.tags(c))]
    kinds = iter(course.heading_kinds([line for c in cells for line in course.headings(c.source)]))
    for cell in cells:
        lines = course.headings(cell.source)
        chunk = []
        for line in cell.source.splitlines():
            if lines and line in lines:
                found[-1][2] += count("\n".join(chunk))
                chunk = []
                _, kind = next(kinds)
                title, level = course.heading_title(line), course.heading_level(line)
                if closing is not None and level <= closing:
                    closing = None
                if kind == "lecture" and title in course.NOT_LECTURE:
                    closing = level
                found.append([title, "closing" if closing is not None and kind == "lecture" else kind, 0])
            else:
                chunk.append(line)
        found[-1][2] += count("\n".join(chunk))
    return [tuple(s) for s in found]


def pace(nb, book=None):
    """Words of lecture prose per minute of `nb`'s stretch of the video, with the words and minutes."""
    words = sum(w for _, kind, w in sections(book or course.read(nb)) if kind == "lecture")
    minutes = (nb.end - nb.start) / 60
    return words / minutes, words, minutes


def test_the_heading_kinds_are_read_as_the_contributing_guide_says():
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text) for text in [
        "Intro, four words here.",
        f"## A lecture part {course.timecode(10)}\n\nOne two three.",
        "### Going further: a side road\n\nOne two three four five.\n\n    code = not counted",
        "#### Under it\n\nSix seven.",
        f"### Back in the lecture {course.timecode(20)}\n\nOne $x^2 + y$ [link](https://example.org) `v.grad`.",
        f"## Recap {course.timecode(30)}\n\n- one\n- two",
        "## Going further: after the recap\n\nWords.",
    ]])
    assert [(title, kind, words) for title, kind, words in sections(book)] == [
        ("(introduction)", "lecture", 4), ("A lecture part", "lecture", 3),
        ("Going further: a side road", "further", 5), ("Under it", "further", 2),
        ("Back in the lecture", "lecture", 4), ("Recap", "closing", 2),
        ("Going further: after the recap", "further", 1)]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_lecture_sections_keep_pace_with_the_video(nb):
    rate, words, minutes = pace(nb)
    assert rate <= WORDS_PER_MINUTE, (
        f"notebooks/{nb.file}: {rate:.0f} words of lecture prose per minute of video ({words} words for "
        f"{minutes:.1f} min), more than {WORDS_PER_MINUTE}: a learner reading beside the video falls behind. "
        "Say it shorter, or move what the lecture does not do into a `Going further: ...` section")


def main(args):
    folder = Path(args[0]) if args else course.NOTEBOOKS
    for nb in course.course():
        path = folder / nb.file
        if not path.exists():
            continue
        book = nbformat.read(path, as_version=4)
        rate, words, minutes = pace(nb, book)
        print(f"{nb.file:45s} {minutes:5.1f} min {words:5d} words {rate:4.0f} per minute"
              + ("  OVER" if rate > WORDS_PER_MINUTE else ""))
        if "-v" in sys.argv:
            for title, kind, w in sections(book):
                print(f"      {w:5d}  {kind:8s} {title}")


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if a != "-v"])

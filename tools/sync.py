"""Keep the generated parts of the course in step with course.toml.

    python tools/sync.py [NOTEBOOK ...]   rewrite them: each notebook's header, footer, inherited-code
                                          cell and section anchors, and the README's chapter table
    python tools/sync.py --check          list the parts that are stale (exit 1 if any)

Generated cells are found by their tags: `course-header`, `course-footer`, `course-inherited`.
A code cell tagged `keep:NAME` hands its code on to every later notebook: the inherited cell of
a notebook is the latest `keep:NAME` block of each NAME from the notebooks before it, in the
order the names first appeared. Every `##`/`###` heading starts with an anchor, `<a id="SLUG"></a>`,
so that study notes and other pages can link to the section itself.
"""
import re
import sys

import nbformat

from course import (BRANCH, README, REPO, ROOT, VIDEO, course, headings, heading_title, kept_blocks,
                    pick, read, slug, tags, timecode)

TABLE_START, TABLE_END = "<!-- chapters:start -->", "<!-- chapters:end -->"
SYNC_HINT = "run `make sync` to regenerate it"
GENERATED = ("course-header", "course-footer", "course-inherited")
SECTION = re.compile(r'^(#{2,3}) (?:<a id="[^"]*"></a>)?', re.M)


def navigation(nb, notebooks):
    existing = [n for n in notebooks if n.exists()]
    i = existing.index(nb)
    parts = []
    if i > 0:
        parts.append(f"[◀ {existing[i - 1].name}]({existing[i - 1].file})")
    parts.append("[Contents](../README.md#chapters)")
    if i + 1 < len(existing):
        parts.append(f"[{existing[i + 1].name} ▶]({existing[i + 1].file})")
    return " | ".join(parts)


def header(nb, notebooks):
    path = f"notebooks/{nb.file}"
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{path}"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?labpath={path.replace('/', '%2F')}"
    chapters = "\n".join(f"- {timecode(t)} {title}" for t, title in nb.chapters)
    return (
        "<!-- Generated from course.toml by `make sync`: edit there, not here. -->\n"
        f"[Open in Colab]({colab}) · [Launch on Binder]({binder}) · "
        f"[Study notes](../{nb.notes}) · [Contents](../README.md#chapters)\n\n"
        f"# {nb.name} {timecode(nb.start)}\n\n"
        f"*{VIDEO['title']}*, the parts of the lecture this notebook follows:\n\n"
        f"{chapters}\n\n"
        f"{navigation(nb, notebooks)}"
    )


def footer(nb, notebooks):
    return "<!-- Generated from course.toml by `make sync`. -->\n" + navigation(nb, notebooks)


def inherited(nb, notebooks):
    blocks = kept_blocks(notebooks, nb)
    if not blocks:
        return None
    before = [n for n in notebooks if n.number < nb.number and n.exists()]
    span = f"{before[0].number:02d}" if len(before) == 1 else f"{before[0].number:02d}–{before[-1].number:02d}"
    intro = f"# Code carried over from notebook{'s' if len(before) > 1 else ''} {span}: run this cell first.\n"
    return intro + "\n\n\n".join(blocks.values())


def expected_cells(nb, notebooks):
    return {
        "course-header": header(nb, notebooks),
        "course-footer": footer(nb, notebooks),
        "course-inherited": inherited(nb, notebooks),
    }


def anchored(text):
    """`text` with every ##/### heading starting with its anchor."""
    return SECTION.sub(lambda m: f'{m[1]} <a id="{slug(heading_title(_line_at(text, m.start())))}"></a>', text)


def _line_at(text, start):
    return text[start:].split("\n", 1)[0]


def chapter_table(notebooks):
    rows = ["| time | chapter | notebook | study notes |", "| --- | --- | --- | --- |"]
    for nb in notebooks:
        for t, title in nb.chapters:
            where = f"[{nb.name}](notebooks/{nb.file})" if nb.exists() else f"{nb.name} *(coming)*"
            notes = f"[notes]({nb.notes})" if (ROOT / nb.notes).exists() else "–"
            rows.append(f"| {timecode(t)} | {title} | {where} | {notes} |")
    return "\n".join(rows)


def stale(notebooks=None, fix=False):
    """Generated parts that differ from what course.toml and the keep: cells say; fix them if asked."""
    everything = course()
    problems = []
    for nb in notebooks or [n for n in everything if n.exists()]:
        book = read(nb)
        changed = False
        for tag, text in expected_cells(nb, everything).items():
            cells = [c for c in book.cells if tag in tags(c)]
            if text is None and not cells:
                continue
            if len(cells) != 1 or cells[0].source != text:
                problems.append(f"notebooks/{nb.file}: the {tag} cell is missing or stale; {SYNC_HINT}")
                if fix:
                    install(book, tag, text)
                    changed = True
        for index, cell in enumerate(book.cells):
            if cell.cell_type == "markdown" and not set(GENERATED) & set(tags(cell)):
                if anchored(cell.source) != cell.source:
                    problems.append(f"notebooks/{nb.file} cell {index}: a section heading lacks its anchor; {SYNC_HINT}")
                    if fix:
                        cell.source = anchored(cell.source)
                        changed = True
        if changed:
            nbformat.write(book, nb.path)
    table = chapter_table(everything)
    text = README.read_text() if README.exists() else ""
    if TABLE_START not in text or text.split(TABLE_START)[1].split(TABLE_END)[0].strip() != table:
        problems.append(f"README.md: the chapter table is stale; {SYNC_HINT}")
        if fix and TABLE_START in text:
            head, rest = text.split(TABLE_START)
            README.write_text(f"{head}{TABLE_START}\n{table}\n{TABLE_END}{rest.split(TABLE_END)[1]}")
    return problems


def install(book, tag, text):
    cells = [c for c in book.cells if tag in tags(c)]
    for extra in cells[1:]:
        book.cells.remove(extra)
    if text is None:
        if cells:
            book.cells.remove(cells[0])
        return
    if cells:
        cells[0].source = text
        return
    if tag == "course-inherited":
        # after the introduction: before the first code cell or section heading, whichever is first
        cell = nbformat.v4.new_code_cell(text, metadata={"tags": [tag]})
        first = next((i for i, c in enumerate(book.cells) if c.cell_type == "code" or (
            headings(c.source) and "course-header" not in tags(c))), len(book.cells))
        book.cells.insert(first, cell)
    else:
        cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [tag]})
        book.cells.insert(0 if tag == "course-header" else len(book.cells), cell)
    cell["id"] = tag


def main(args):
    if args == ["--check"]:
        problems = stale()
        print("\n".join(problems) or "all generated parts are up to date")
        return 1 if problems else 0
    for line in stale(pick(args), fix=True):
        print("updated", line.split(";")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

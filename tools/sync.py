"""Keep the generated parts of the course in step with course.toml.

    python tools/sync.py [NOTEBOOK ...]   rewrite them: each notebook's header, footer, inherited-code
                                          cell and section anchors, and the README's chapter table
                                          (the exercises' parts and table are rewritten every time)
    python tools/sync.py --check          list the parts that are stale (exit 1 if any)

Generated cells are found by their tags: `course-header`, `course-footer`, `course-inherited`.
A code cell tagged `keep:NAME` hands its code on to every later notebook: the inherited cell of
a notebook is the latest `keep:NAME` block of each NAME from the notebooks before it, in the
order the names first appeared. Every `##`/`###` heading starts with an anchor, `<a id="SLUG"></a>`,
so that study notes and other pages can link to the section itself. Every ▶ link, in a notebook's
markdown and in the study notes, has a no-break space between ▶ and its time, so the two never part
at the end of a line: one typed with a plain space is rewritten that way.

The exercise notebooks (listed under [[exercise]] in course.toml) are written by teachers in
teachers/source/ID/ID.ipynb (nbgrader's source folder), with the solutions. They get a header, naming
the notebooks and chapters they practise, a footer and section anchors the same way, and the
README an exercises table. The students' versions in exercises/, what learners open, are
generated from them (tools/student.py): rewritten here every time, and stale ones reported.
"""
import ast
import re
import sys

import nbformat

from course import (BRANCH, CODE_WIDTH, EXERCISES, README, REPO, ROOT, VIDEO, Notebook, canonical, course, exercises, headings,
                    heading_title, pick, python_ast, slug, tags, timecode, used_blocks)

TABLE_START, TABLE_END = "<!-- chapters:start -->", "<!-- chapters:end -->"
EXERCISES_START, EXERCISES_END = "<!-- exercises:start -->", "<!-- exercises:end -->"
REPOSITORY_URL = f"https://github.com/{REPO}/blob/{BRANCH}/"
SYNC_HINT = "run `make sync` to regenerate it"
LOOSE_LINK = "a ▶ link has a plain space before its time (the no-break space keeps them on one line)"
GENERATED = ("course-header", "course-footer", "course-inherited")
# The inherited cell starts folded: Colab shows its #@title line as a form, JupyterLab and VS Code
# show only that first line until it is clicked. The line says what the cell holds.
FOLDED = {"cellView": "form", "jupyter": {"source_hidden": True}}
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


def carried_span(nb, notebooks):
    before = [n for n in notebooks if n.number < nb.number and n.exists()]
    if len(before) == 1:
        return f"notebook {before[0].number:02d}"
    return f"notebooks {before[0].number:02d}–{before[-1].number:02d}"


def inherited(nb, notebooks):
    blocks = used_blocks(notebooks, nb)
    if not blocks:
        return None
    # each block named by the last thing it defines: draw_dot, Value, show_grads, MLP
    names = [[node.name for node in python_ast(block).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
             for block in blocks.values()]
    held = ", ".join(dict.fromkeys(found[-1] for found in names if found)) or "imports"
    title = f"#@title Run this first: code from {carried_span(nb, notebooks)}"
    if len(f"{title} ({held})") <= CODE_WIDTH:  # a line of code like any other: no sideways scrolling
        title += f" ({held})"
    return title + "\n" + "\n\n\n".join(blocks.values())


def expected_cells(nb, notebooks):
    return {
        "course-header": header(nb, notebooks),
        "course-footer": footer(nb, notebooks),
        "course-inherited": inherited(nb, notebooks),
    }


def exercise_navigation(ex, teacher=False):
    """Previous | Contents | next, among the students' versions (or among the teacher's)."""
    existing = [e for e in exercises() if e.exists()]
    i = existing.index(ex)
    base = "../../../" if teacher else "../"
    link = (lambda e: f"../{e.id}/{e.file}") if teacher else (lambda e: e.file)
    parts = [f"[◀ {existing[i - 1].name}]({link(existing[i - 1])})"] if i > 0 else []
    parts.append(f"[Contents]({base}README.md#exercises)")
    if i + 1 < len(existing):
        parts.append(f"[{existing[i + 1].name} ▶]({link(existing[i + 1])})")
    return " | ".join(parts)


def exercise_header(ex, teacher=False):
    """The header of an exercise notebook: the students' version (exercises/ID.ipynb), with launch
    links to itself, or the teacher's (teachers/source/ID/ID.ipynb), which says what it is."""
    base = "../../../" if teacher else "../"
    path = f"exercises/{ex.file}"
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{path}"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?labpath={path.replace('/', '%2F')}"
    if teacher:
        top = (f"**The teacher's version, with the solutions** (nbgrader's source). Learners open "
               f"[the students' version]({base}{path}), made from this one. · [Contents]({base}README.md#exercises)")
    else:
        top = f"[Open in Colab]({colab}) · [Launch on Binder]({binder}) · [Contents]({base}README.md#exercises)"
    practised = "\n".join(
        f"- [{nb.name}]({base}notebooks/{nb.file}): "
        + "; ".join(f"{timecode(t)} {title}" for t, title in nb.chapters) for nb in ex.practises)
    return (
        "<!-- Generated from course.toml by `make sync`: edit there, not here. -->\n"
        f"{top}\n\n"
        f"# {ex.name} {timecode(ex.start)}\n\n"
        f"Practice for these notebooks of the course and the parts of *{VIDEO['title']}* they follow:\n\n"
        f"{practised}\n\n"
        f"{exercise_navigation(ex, teacher)}"
    )


def exercise_footer(ex, teacher=False):
    """The footer: in the students' version, the one link to the worked solutions, after every exercise."""
    solutions = ("**Worked solutions.** This is the teacher's version: every answer cell above holds one, "
                 "with its check run.\n\n") if teacher else (
        f"**Worked solutions.** Try every exercise first: the answer you find yourself is the one you keep. "
        f"Then, to compare, [the teacher's version of this notebook](../{solutions_path(ex)}) shows a worked "
        f"solution to each exercise, with its check run.\n\n")
    return "<!-- Generated from course.toml by `make sync`. -->\n" + solutions + exercise_navigation(ex, teacher)


def solutions_path(ex):
    return ex.path.relative_to(ROOT).as_posix()


def exercise_table():
    rows = ["| exercises | what they practise | in the video |", "| --- | --- | --- |"]
    for ex in exercises():
        where = f"[{ex.name}](exercises/{ex.file})" if ex.exists() else f"{ex.name} *(coming)*"
        notebooks = ", ".join(f"[{nb.name}](notebooks/{nb.file})" for nb in ex.practises)
        rows.append(f"| {where} | {notebooks} | {timecode(ex.start)} to {timecode(ex.end)} |")
    return "\n".join(rows)


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
    for nb in [n for n in everything if n.exists()] if notebooks is None else notebooks:
        problems += stale_book(nb.path, f"notebooks/{nb.file}", expected_cells(nb, everything), fix)
        problems += stale_notes(nb, fix)
    problems += stale_exercises(fix)
    for what, start, end, table in [("chapter", TABLE_START, TABLE_END, chapter_table(everything)),
                                    ("exercises", EXERCISES_START, EXERCISES_END, exercise_table())]:
        text = README.read_text() if README.exists() else ""
        if start not in text or text.split(start)[1].split(end)[0].strip() != table:
            problems.append(f"README.md: the {what} table is stale; {SYNC_HINT}")
            if fix and start in text:
                head, rest = text.split(start)
                README.write_text(f"{head}{start}\n{table}\n{end}{rest.split(end)[1]}")
    return problems


def stale_book(path, shown, expected, fix):
    """One notebook file's generated cells (tag -> text; None: no such cell) and heading anchors."""
    book = nbformat.read(path, as_version=4)
    problems, changed = [], False
    for tag, text in expected.items():
        cells = [c for c in book.cells if tag in tags(c)]
        if text is None and not cells:
            continue
        folded = tag != "course-inherited" or all(cells[0].metadata.get(k) == v for k, v in FOLDED.items())
        if len(cells) != 1 or cells[0].source != text or not folded:
            problems.append(f"{shown}: the {tag} cell is missing or stale; {SYNC_HINT}")
            if fix:
                install(book, tag, text)
                changed = True
    loose = [index for index, cell in enumerate(book.cells)
             if cell.cell_type == "markdown" and canonical(cell.source) != cell.source]
    if loose:
        problems.append(f"{shown} cell {', '.join(map(str, loose))}: {LOOSE_LINK}; {SYNC_HINT}")
        if fix:
            for index in loose:
                book.cells[index].source = canonical(book.cells[index].source)
            changed = True
    for index, cell in enumerate(book.cells):
        if cell.cell_type == "markdown" and not set(GENERATED) & set(tags(cell)) and anchored(cell.source) != cell.source:
            problems.append(f"{shown} cell {index}: a section heading lacks its anchor; {SYNC_HINT}")
            if fix:
                cell.source = anchored(cell.source)
                changed = True
    if changed:
        nbformat.write(book, path)
    return problems


def stale_notes(nb, fix):
    """A study-notes file's ▶ links typed with a plain space (rewritten with the no-break space)."""
    path = ROOT / nb.notes
    if not path.exists() or canonical(path.read_text()) == path.read_text():
        return []
    if fix:
        path.write_text(canonical(path.read_text()))
    return [f"{nb.notes}: {LOOSE_LINK}; {SYNC_HINT}"]


def stale_exercises(fix=False):
    """The same for the exercise notebooks: the teacher's versions' header, footer and section
    anchors; then the students' versions, made from them by tools/student.py, must be what is stored."""
    problems = []
    written = [e for e in exercises() if e.exists()]
    for ex in written:
        expected = {"course-header": exercise_header(ex, teacher=True),
                    "course-footer": exercise_footer(ex, teacher=True)}
        problems += stale_book(ex.path, solutions_path(ex), expected, fix)
    import student  # nbgrader's preprocessors: imported only here (tools/student.py)
    steps = student.preprocessors()
    for ex in written:
        fresh = student.text(student.student_version(ex, steps))
        if not ex.student_path.exists() or ex.student_path.read_text() != fresh:
            problems.append(f"exercises/{ex.file}: the students' version is missing or stale; {SYNC_HINT}")
            if fix:
                ex.student_path.parent.mkdir(exist_ok=True)
                ex.student_path.write_text(fresh)
    stray = sorted(p.name for p in EXERCISES.glob("*.ipynb") if p.name not in {e.file for e in written})
    problems += [f"exercises/{name}: no exercise in course.toml makes it; remove it" for name in stray]
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
        cell = cells[0]
        cell.source = text
    elif tag == "course-inherited":
        # after the introduction: before the first code cell or section heading, whichever is first
        cell = nbformat.v4.new_code_cell(text, metadata={"tags": [tag]})
        first = next((i for i, c in enumerate(book.cells) if c.cell_type == "code" or (
            headings(c.source) and "course-header" not in tags(c))), len(book.cells))
        book.cells.insert(first, cell)
    else:
        cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [tag]})
        book.cells.insert(0 if tag == "course-header" else len(book.cells), cell)
    if not cells:
        cell["id"] = tag
    if tag == "course-inherited":
        cell.metadata.update(FOLDED)


def main(args):
    if args == ["--check"]:
        problems = stale()
        print("\n".join(problems) or "all generated parts are up to date")
        return 1 if problems else 0
    chosen = pick(args, with_exercises=True)
    notebooks = [n for n in chosen if isinstance(n, Notebook)] if args else None  # exercises: always
    for line in stale(notebooks, fix=True):
        print("updated", line.split(";")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The course's structure: generated parts, video links, coverage of the lecture, the inherited chain."""
import ast

import pytest

import course
import sync

NOTEBOOKS = course.written()
per_notebook = pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
EXECUTION_TAGS = {"raises-exception", "nbval-raises-exception", "skip-execution", "nbval-skip",
                  "nbval-ignore-output", "nbval-check-output"}


def test_the_course_has_notebooks():
    assert len(NOTEBOOKS) >= 1 and NOTEBOOKS[0].number == 1


def test_generated_parts_are_up_to_date():
    """Headers, footers, inherited code, section anchors and the README table match course.toml."""
    problems = sync.stale()
    assert not problems, "\n".join(problems)


def markdown(nb):
    book = course.read(nb)
    return [(course.where(nb, book, i), c) for i, c in enumerate(book.cells) if c.cell_type == "markdown"]


GOING_FURTHER = "Going further: "


@per_notebook
def test_every_heading_carries_a_video_link_inside_the_notebooks_range(nb):
    """A lecture section links its moment of the video; a section beyond the lecture, titled
    `Going further: ...` (and every ### under such a ##), carries no link in its heading."""
    beyond = False
    for where, cell in markdown(nb):
        for line in course.headings(cell.source):
            title = course.heading_title(line)
            if not line.startswith("### "):
                beyond = title.startswith(GOING_FURTHER)
            times = course.timecodes(line)
            if beyond or title.startswith(GOING_FURTHER):
                assert not times, f"{where}: {line!r} goes beyond the lecture: no video link in its heading"
                continue
            assert len(times) == 1, f"{where}: heading without exactly one video link: {line!r}"
            assert nb.start <= times[0] < nb.end, (
                f"{where}: {line!r} lies outside the notebook's range {course.hms(nb.start)}-{course.hms(nb.end)}")


def test_heading_times_never_go_back_through_the_course():
    previous, before = -1, "the start"
    for nb in NOTEBOOKS:
        for where, cell in markdown(nb):
            for line in course.headings(cell.source):
                for t in course.timecodes(line):
                    assert t >= previous, f"{where}: {line!r} comes after {before}"
                    previous, before = t, line


@per_notebook
def test_every_chapter_has_a_linked_section(nb):
    linked = {t for _, cell in markdown(nb) if "course-header" not in course.tags(cell)
              for line in course.headings(cell.source) for t in course.timecodes(line)}
    for start, title in nb.chapters:
        assert start in linked, f"notebooks/{nb.file}: no section heading links to chapter {course.hms(start)} {title!r}"


@per_notebook
def test_inherited_code_comes_first(nb):
    """Each notebook runs on its own: the code it inherits is its first code cell."""
    first = course.code_cells(course.read(nb))[0][1]
    if course.used_blocks(course.course(), nb):
        assert "course-inherited" in course.tags(first), f"notebooks/{nb.file} Cell 0 is not the inherited code; run `make sync`"


def defined_names(source):
    """Names a cell defines at top level (classes, functions, plain assignments)."""
    for node in course.python_ast(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            yield node.name
        elif isinstance(node, ast.Assign):
            yield from (t.id for t in node.targets if isinstance(t, ast.Name))


def kept(cell):
    return any(tag.startswith("keep:") for tag in course.tags(cell))


@per_notebook
def test_what_a_notebook_hands_on_is_what_it_ended_with(nb):
    """Later notebooks inherit the keep: cells, so no later cell may redefine what they define."""
    cells = [(n, c) for n, c in course.code_cells(course.read(nb)) if "course-inherited" not in course.tags(c)]
    last = {name: (n, cell) for n, cell in cells for name in defined_names(cell.source)}
    for number, cell in cells:
        if kept(cell):
            for name in defined_names(cell.source):
                later, where = last[name]
                assert kept(where), (f"notebooks/{nb.file} Cell {later} redefines {name} after its keep: cell "
                                     f"(Cell {number}), so the next notebook would inherit an old version")


def inherited_and_rest(nb):
    """The source of `nb`'s inherited cell (None if it has none) and its other code cells."""
    book = course.read(nb)
    inherited = [c.source for c in book.cells if "course-inherited" in course.tags(c)]
    rest = [c for c in book.cells if c.cell_type == "code" and "course-inherited" not in course.tags(c)]
    return (inherited[0] if inherited else None), rest


@per_notebook
def test_inherited_code_has_no_dead_definitions(nb):
    """Nothing handed on is overwritten before it is used: each kept name is needed downstream."""
    inherited, rest = inherited_and_rest(nb)
    if inherited is None:
        return
    classes = {n.name for n in course.python_ast(inherited).body if isinstance(n, ast.ClassDef)}
    for name in set(defined_names(inherited)) - classes:  # Value is redefined as it grows, on purpose
        first_def = next((i for i, c in enumerate(rest) if name in defined_names(c.source)), None)
        used_before = any(name in {n.id for n in ast.walk(course.python_ast(c.source)) if isinstance(n, ast.Name)}
                          for c in rest[:first_def if first_def is not None else len(rest)])
        assert first_def is None or used_before, (
            f"notebooks/{nb.file}: the inherited cell defines {name}, and Cell {first_def + 1} replaces it unused; "
            "stop handing it on (drop its keep: tag) or use it")


@per_notebook
def test_inherited_code_imports_only_what_the_notebook_uses(nb):
    """The first cell carries the lecture's code, not every library some notebook once needed."""
    inherited, rest = inherited_and_rest(nb)
    if inherited is None:
        return
    tree = course.python_ast(inherited)
    imported = {(alias.asname or alias.name).split(".")[0] for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    code = [tree] + [course.python_ast(c.source) for c in rest]
    used = {n.id for t in code for n in ast.walk(t) if isinstance(n, ast.Name)}
    unused = sorted(set(imported) - used)
    assert not unused, (f"notebooks/{nb.file}: the inherited cell imports {unused}, which nothing in this "
                        "notebook uses; import it where it is first needed instead of handing it on (keep:)")


@per_notebook
def test_run_all_reaches_the_end_in_any_front_end(nb):
    """No tag may change how a cell runs: nbval then executes every notebook with tags ignored."""
    for number, cell in course.code_cells(course.read(nb)):
        tagged = EXECUTION_TAGS & set(course.tags(cell))
        assert not tagged, (f"notebooks/{nb.file} Cell {number} is tagged {sorted(tagged)}, which Colab and some "
                            "editors ignore, so Run All stops there; catch the error and print it instead")


@per_notebook
def test_parameters_are_plain_numbers_in_one_cell(nb):
    cells = [(n, c) for n, c in course.code_cells(course.read(nb)) if "parameters" in course.tags(c)]
    assert len(cells) <= 1, f"notebooks/{nb.file}: more than one cell tagged parameters"
    for number, cell in cells:
        for node in course.python_ast(cell.source).body:
            ok = isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            assert ok and isinstance(ast.literal_eval(node.value), (int, float)), (
                f"notebooks/{nb.file} Cell {number}: the parameters cell holds only `name = number` lines")

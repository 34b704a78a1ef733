"""The exercise notebooks: nbgrader's format, honest checks, and a student's version that gives nothing away.

nbval runs the teacher's versions in teachers/source/ like every notebook (every check must say ✓);
these tests look at their form, try every check with wrong answers derived from the teacher's
(tests/wrong_answers.py), read the hints, build the students' versions again (tools/student.py),
insist that the stored ones in exercises/ are those, and run them. What a learner opens (the
README's table, every Colab and Binder link) is a student's version; its one way to the worked
solutions is the link at its very end.
"""
import ast
import functools
import re

import nbformat
import pytest

import course
import wrong_answers
from test_outputs import ADDRESS, portability_problem
from test_prose import PLUMBING
from test_structure import EXECUTION_TAGS

EXERCISES = [ex for ex in course.exercises() if ex.exists()]
per_exercise = pytest.mark.parametrize("ex", EXERCISES, ids=[ex.file for ex in EXERCISES])
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION\n(.*?)^[ \t]*### END SOLUTION\n?", re.M | re.S)
PARTS = {"derivatives": {2, 3}, "backpropagation by hand": {4, 5},
         "automatic backpropagation and operations": {6, 7, 8, 9}, "the network and training": {10, 11}}


def read(ex):
    return nbformat.read(ex.path, as_version=4)


def shown(ex):
    return ex.path.relative_to(course.ROOT).as_posix()


def grading(cell):
    return cell.metadata.get("nbgrader", {})


def test_every_part_of_the_course_has_exercises_and_every_exercise_notebook_is_listed():
    practised = {nb.number for ex in EXERCISES for nb in ex.practises}
    missing = [part for part, numbers in PARTS.items() if not numbers & practised]
    assert not missing, f"no exercise notebook practises {missing}"
    listed = {ex.file for ex in course.exercises()}
    stray = sorted(p.name for p in course.EXERCISES.glob("*.ipynb") if p.name not in listed)
    assert not stray, f"exercises/ holds notebooks that course.toml does not list: {stray}"
    teachers = sorted(p.relative_to(course.TEACHERS).as_posix() for p in course.TEACHERS.glob("source/**/*.ipynb"))
    assert teachers == sorted(f"source/{ex.id}/{ex.file}" for ex in EXERCISES), (
        f"teachers/source/ should hold ID/ID.ipynb for each exercise course.toml lists, and nothing else: {teachers}")
    assert len(EXERCISES) == len(listed), "course.toml lists exercise notebooks that do not exist"


@per_exercise
def test_cells_follow_nbgraders_conventions(ex):
    book = read(ex)
    ids, answers, checks = set(), 0, 0
    for number, cell in course.code_cells(book):
        meta = grading(cell)
        where = f"{shown(ex)} Cell {number}"
        has_solution = bool(SOLUTION.search(cell.source + "\n"))
        assert has_solution == bool(meta.get("solution")), f"{where}: a solution cell, and only it, holds ### BEGIN/END SOLUTION"
        assert cell.source.count("BEGIN SOLUTION") == cell.source.count("END SOLUTION")
        if meta:
            assert meta.get("schema_version") == 3 and meta.get("grade_id") not in ids, f"{where}: schema_version 3 and a unique grade_id"
            ids.add(meta["grade_id"])
            assert meta.get("locked") == (not meta.get("solution")), f"{where}: solutions unlocked, everything else locked"
        if meta.get("solution"):
            answers += 1
            assert not meta.get("grade"), f"{where}: a solution cell is not itself graded; its check cell is"
        if meta.get("grade"):
            checks += 1
            assert meta.get("points", 0) > 0 and re.search(r"^check\(", cell.source, re.M), (
                f"{where}: a graded cell has points and ends in check(...)")
    assert answers and checks >= answers - 1, f"{shown(ex)}: each answer needs a check cell"


@per_exercise
def test_headings_link_to_the_moments_they_practise(ex):
    previous = ex.start
    for index, cell in enumerate(read(ex).cells):
        if cell.cell_type != "markdown" or "course-header" in course.tags(cell):
            continue
        for line in course.headings(cell.source):
            if course.heading_title(line) == "What you practised":
                continue
            times = course.timecodes(line)
            assert len(times) == 1, f"{shown(ex)} cell {index}: heading without exactly one video link: {line!r}"
            assert any(nb.start <= times[0] < nb.end for nb in ex.practises), (
                f"{shown(ex)} cell {index}: {line!r} lies outside the notebooks it practises")
            assert times[0] >= previous, f"{shown(ex)} cell {index}: {line!r} goes back in the video"
            previous = times[0]


@per_exercise
def test_prose_and_tags_are_as_in_the_notebooks(ex):
    for number, cell in enumerate(read(ex).cells):
        assert not EXECUTION_TAGS & set(course.tags(cell)), f"{shown(ex)} cell {number}: an execution tag"
        if cell.cell_type == "markdown" and not {"course-header", "course-footer"} & set(course.tags(cell)):
            found = PLUMBING.search(cell.source)
            assert not found, f"{shown(ex)} cell {number} says {found[0]!r}: course plumbing in the learner's text"


@per_exercise
def test_the_teachers_version_is_fresh_and_every_check_passes(ex):
    fix = f"run `make execute NB={shown(ex)}` to store fresh outputs"
    cells = course.code_cells(read(ex))
    assert [c.execution_count for _, c in cells] == list(range(1, len(cells) + 1)), f"{shown(ex)}: {fix}"
    for number, cell in cells:
        where = f"{shown(ex)} Cell {number}"
        assert cell.metadata.get("source_hash") == course.source_hash(cell), f"{where} was edited since it ran; {fix}"
        assert not [o for o in cell.outputs if o.output_type == "error"], f"{where}: an error in the teacher's version"
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert not ADDRESS.search(text) and not portability_problem(text), f"{where}: an output that varies between machines"
        if grading(cell).get("grade"):
            assert re.fullmatch(r"✓ Exercise [\d.]+: right\.\n", text), f"{where}: the check does not say ✓: {text!r}"


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """The students' versions, made afresh by tools/student.py (nbgrader's ClearSolutions and ClearOutput)."""
    import student as tool
    if not tool.NBGRADER.exists():
        pytest.fail("nbgrader's preprocessors are missing: `make test` or `make student` installs them")
    folder = tmp_path_factory.mktemp("student")
    assert tool.main([str(folder)]) == 0
    return folder


@per_exercise
def test_the_stored_students_version_is_the_one_made_from_the_teachers(ex, student):
    assert ex.student_path.exists() and ex.student_path.read_text() == (student / ex.file).read_text(), (
        f"exercises/{ex.file} is not the students' version of {shown(ex)}: run `make student` (or `make sync`)")


def links(text):
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_what_a_learner_opens_is_a_students_version():
    readme = course.README.read_text()
    table = readme.split("<!-- exercises:start -->")[1].split("<!-- exercises:end -->")[0]
    opened = [link for link in links(table) if "exercises/" in link or "teachers/" in link]
    assert opened == [f"exercises/{ex.file}" for ex in EXERCISES], f"the README's exercises table links to {opened}"
    for ex in EXERCISES:
        for path in (ex.path, ex.student_path):
            text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
            launches = [link for link in links(text) if "colab.research" in link or "mybinder.org" in link]
            assert (launches or path == ex.path) and all(
                f"exercises%2F{ex.file}" in link or f"/exercises/{ex.file}" in link for link in launches), (
                f"{path.relative_to(course.ROOT)}: Colab and Binder must open the students' version")


@per_exercise
def test_the_worked_solutions_are_one_link_at_the_very_end_of_the_students_version(ex):
    cells = nbformat.read(ex.student_path, as_version=4).cells
    to_solutions = [i for i, c in enumerate(cells) if "teachers/" in c.source]
    assert to_solutions == [len(cells) - 1], (
        f"exercises/{ex.file}: the worked solutions should be linked once, in the last cell (after every exercise)")
    target = [link for link in links(cells[-1].source) if "teachers/" in link]
    assert target == [f"../{shown(ex)}"], f"exercises/{ex.file}: the link to the worked solutions leads to {target}"
    assert "SOLUTION" not in "".join(c.source for c in cells)


@per_exercise
def test_no_solution_survives_in_the_students_version(ex, student):
    teacher = read(ex)
    pupil = nbformat.read(student / ex.file, as_version=4)
    assert len(pupil.cells) == len(teacher.cells)
    text = "\n".join(c.source for c in pupil.cells)
    assert "SOLUTION" not in text
    for number, (mine, theirs) in enumerate(zip(teacher.cells, pupil.cells)):
        assert not theirs.get("outputs") and theirs.get("execution_count") is None, f"{ex.file} cell {number}: outputs left"
        for solution in SOLUTION.findall(mine.source + "\n"):
            lines = {line.strip() for line in solution.splitlines() if len(line.strip()) > 12}
            lines -= {line.strip() for c in teacher.cells if not grading(c).get("solution") for line in c.source.splitlines()}
            leaked = sorted(line for line in lines if line in text)
            assert not leaked, f"{ex.file} cell {number}: solution lines in the student's version: {leaked}"
        if grading(mine).get("solution"):
            assert "raise NotImplementedError('write your answer here')" in theirs.source
            left = left_over(theirs.source)
            assert not left, f"{ex.file} cell {number}: the student's version keeps code that is not the student's to write: {left}"


@per_exercise
def test_the_students_version_runs_and_every_check_says_not_yet_with_a_hint(ex, student):
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    import execute
    execute.kernel_environment()
    book = nbformat.read(ex.student_path, as_version=4)
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(student / f"{ex.file}.kernel"))
    try:
        NotebookClient(book, km=kernel, timeout=120, allow_errors=True).execute()
    finally:
        if kernel.has_kernel:
            kernel.shutdown_kernel(now=True)
    for number, cell in course.code_cells(book):
        where = f"student's {ex.file} Cell {number}"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if grading(cell).get("grade"):
            assert len(errors) == 1 and errors[0].ename == "NotYet", f"{where}: the check should say not yet, not {errors}"
            shown = "\n".join(errors[0].traceback)
            assert re.match(r"✗ Exercise [\d.]+: not yet\. .+\n  Hint: .{20,}", shown), f"{where}: {shown!r}"
        else:
            assert all(e.ename == "NotImplementedError" and "write your answer here" in e.evalue for e in errors), (
                f"{where}: an error other than the answer stub: {[(e.ename, e.evalue) for e in errors]}")


def is_stub(node):
    return isinstance(node, ast.Raise) and "write your answer here" in ast.unparse(node)


def left_over(source):
    """What a student's answer cell keeps besides its stubs: anything but a `def`/`class` line with
    its docstring, a line making a function of the cell a method, or a call that shows something
    (`print(...)`, `show_grads(...)`)."""
    tree = ast.parse(source)
    defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    left = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            left += [f"{node.name}: {ast.unparse(n).splitlines()[0]}" for n in body if not is_stub(n)]
        elif not (is_stub(node) or isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                  or isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute)
                  and isinstance(node.value, ast.Name) and node.value.id in defined):
            left.append(ast.unparse(node).splitlines()[0])
    return left


@functools.cache
def tried(path):
    """The teacher's version run in this process, and every wrong answer derived from it (tests/wrong_answers.py)."""
    cells = [cell for _, cell in course.code_cells(nbformat.read(path, as_version=4))]
    return cells, wrong_answers.teachers_run(cells), list(wrong_answers.trials(cells))


def exercise(cell):
    return re.search(r'^check\("([\d.]+)"', cell.source, re.M)[1]


def checks(cells):
    return {number for number, cell in enumerate(cells) if wrong_answers.role(cell) == "check"}


def said_not_yet(error):
    return type(error).__name__ == "NotYet"


@per_exercise
def test_every_check_says_not_yet_to_a_wrong_answer(ex):
    cells, _, trials = tried(ex.path)
    for answer, line, change, verdicts in trials:
        assert verdicts, f"{shown(ex)}: the answer in code cell {answer} has no check cell right after it"
        for check, error in verdicts:
            assert said_not_yet(error), (
                f"{shown(ex)}: Exercise {exercise(cells[check])}'s check says "
                f"{'right' if error is None else repr(error)} to a wrong answer (code cell {answer}'s line "
                f"{line}, {change}): it must say not yet")
    never = sorted(checks(cells) - {check for *_, verdicts in trials for check, _ in verdicts})
    assert not never, f"{shown(ex)}: no wrong answer could be derived for code cells {never}'s checks"


@per_exercise
def test_no_hint_gives_away_a_number_the_teachers_version_prints_or_computes(ex):
    cells, (printed, produced), trials = tried(ex.path)
    printed = re.sub(r"✓ Exercise [\d.]+: right\.", "", printed)
    produced = produced + [float(n) for n in wrong_answers.NUMBER.findall(printed)]
    hints = {(check, wrong_answers.HINT.search(str(error))[1])
             for *_, verdicts in trials for check, error in verdicts if said_not_yet(error)}
    assert {check for check, _ in hints} == checks(cells), f"{shown(ex)}: a check whose hint was never seen"
    for check, hint in hints:
        found = wrong_answers.given_away(hint, produced)
        assert not found, (f"{shown(ex)}: Exercise {exercise(cells[check])}'s hint {hint!r} gives away "
                           f"{found}, a number the teacher's version computes")

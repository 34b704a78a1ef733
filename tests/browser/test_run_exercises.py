"""Run here on the exercise pages: a learner answers in the page and the checks grade it there,
with nothing installed and the network blocked.

Every exercise page, as built (the students' version, no answers): switched on, Run all, each
cell the page can run prints what CPython prints for it and stops with the same error, the
verdicts included ("✗ Exercise 1.1: not yet. ..."); the cells it says it cannot run are those
that need numpy, matplotlib or PyTorch. Then the teacher's solutions are typed into the answer
cells and Run all again: every check the page can run says "✓ ... right", as in CPython. No
request leaves 127.0.0.1, no console error, axe-core finds nothing.
"""
import json
import re

import pytest
from conftest import ROOT, SITE
from test_a11y import axe_violations
from test_run import UNAVAILABLE, page_cells, reference, run_all, serve_changed, traffic_problems

STUDENTS = ROOT / "build" / "site-src" / "exercises"  # what the pages were built from
TEACHERS = ROOT / "teachers" / "source"
PAGES = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "exercises").glob("*.html"))
MARKS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def code_cells(path):
    """(source, nbgrader grade id) of each code cell of a notebook."""
    book = json.loads(path.read_text())
    return [("".join(c["source"]), c["metadata"].get("nbgrader", {}).get("grade_id"))
            for c in book["cells"] if c["cell_type"] == "code"]


def students_and_solutions(path):
    """The page's cells as the students get them, and the same cells with the teacher's solutions."""
    name = path.split("/")[-1].removesuffix(".html")
    students = code_cells(STUDENTS / f"{name}.ipynb")
    teacher = {gid: source for source, gid in code_cells(TEACHERS / name / f"{name}.ipynb") if gid}
    solved = [MARKS.sub("", teacher[gid]) if gid in teacher and "BEGIN SOLUTION" in teacher[gid] else source
              for source, gid in students]
    return [source for source, _ in students], solved


def shown_error(text):
    """A page's error as CPython's reference says it: without the page's pointer to the line."""
    return re.sub(r" \(line \d+ of the cell\)(\n.*)?$", "", text, flags=re.S)


def graded_problems(cells, sources, cannot):
    """Where the page's run of `sources` is not CPython's: each cell the page can run prints the
    same and stops with the same error (a verdict is one); the others say what they need."""
    found = []
    says = [i for i, c in enumerate(cells) if c["note"] or c["state"] == "cannot"]
    if says != cannot:
        found.append(f"the page says it cannot run cells {[i + 1 for i in says]}; those needing numpy, "
                     f"matplotlib or PyTorch are {[i + 1 for i in cannot]}")
    for i, (got, want) in enumerate(zip(cells, reference(sources, UNAVAILABLE))):
        if i in cannot:
            continue
        where = f"cell {i + 1} ({sources[i].splitlines()[0][:50]!r})"
        if got["source"] != sources[i]:
            found.append(f"{where}: the editor does not hold the code run")
        errors = [shown_error(e) for e in got["errors"]]
        if errors != ([want["error"]] if want["error"] else []):
            found.append(f"{where}: shows {errors} where CPython stops with {want['error']!r}")
        if got["text"] != want["stdout"] + (want["result"] or ""):
            found.append(f"{where}: prints {got['text'][:200]!r} where CPython prints {want['stdout'][:200]!r}")
    return found


def page_problems(watched, path):
    """What is wrong with an exercise page's Run here: unanswered, then with the solutions typed in."""
    students, solved = students_and_solutions(path)
    alone = reference(solved)
    assert not any(r["error"] for r in alone), f"{path}: the teacher's solutions fail in CPython: {alone}"
    cannot = [i for i, r in enumerate(reference(solved, UNAVAILABLE)) if r["error"]]
    page = watched.open(path)
    if not page.locator(".run-toggle").count():
        return ["no Run here switch on the page"]
    page.click(".run-toggle")
    page.wait_for_function("window.courseRun && courseRun.startup !== null", timeout=60000)
    run_all(page)
    found = graded_problems(page_cells(page), students, cannot)
    for i, (before, after) in enumerate(zip(students, solved)):
        if before != after:
            page.locator(".run-editor").nth(i).fill(after)
    run_all(page)
    cells = page_cells(page)
    found += [f"with the solutions: {f}" for f in graded_problems(cells, solved, cannot)]
    right = sum("right." in c["text"] for c in cells)
    if not right:
        found.append("with the solutions, no check says ✓ right")
    print(f"{path}: {len(cells) - len(cannot)} of {len(cells)} cells run in the page; "
          f"{right} checks say right with the solutions")
    return found + [f"axe-core: {v}" for v in axe_violations(page)] + traffic_problems(watched)


@pytest.mark.parametrize("path", PAGES)
def test_exercises_are_answered_and_graded_in_the_page(watched, path):
    problems = page_problems(watched, path)
    assert not problems, f"{path}:\n" + "\n".join(problems)


def test_planted_no_switch_on_exercise_pages_is_caught(watched):
    serve_changed(watched, "**/_static/run.js*", "/^(notebooks|exercises)\\//", "/^notebooks\\//",
                  "text/javascript")
    assert page_problems(watched, PAGES[0]) == ["no Run here switch on the page"]


def test_planted_verdict_shown_as_a_traceback_line_is_caught(watched):
    """The page's runner ignoring how the exercises' NotYet asks to be shown: "NotYet: ✗ ..."."""
    serve_changed(watched, "**/_static/run/course_run.py*",
                  'render = getattr(error, "_render_traceback_", None)', "render = None", "text/x-python")
    found = page_problems(watched, PAGES[0])
    assert any("NotYet: ✗ Exercise" in f for f in found), found

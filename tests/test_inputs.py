"""Every check still agrees when the learner changes the inputs, and every input matters.

Notebooks with a cell tagged `parameters` are run again (by tests/replay.py, in this process) with
other inputs injected right after that cell, as papermill would (see `variants`): every printed
gradient, nudge and check must still agree, so no check may rest on a number typed in for the
default inputs. Each input alone, moved by 0.5, must change some line the checks read (the run
stops at the first such line), and no later cell may assign it again: an input the learner is
invited to change is never silently ignored. (A module of its own, so that pytest-xdist can run it
beside test_replay.py.)
"""
import ast

import pytest

import course
from replay import replay
from test_replay import NOTEBOOKS, report, run


def parameters(nb):
    cells = [c for _, c in course.code_cells(course.read(nb)) if "parameters" in course.tags(c)]
    if not cells:
        return {}
    body = course.python_ast(cells[0].source).body
    return {node.targets[0].id: ast.literal_eval(node.value) for node in body}


def variants(defaults):
    """Other inputs a learner might try: every one moved by 0.5; then every other one set to 3.0 (the
    first, third, ... and then the second, fourth, ...), so each is 3.0 once, with others as they were."""
    yield {name: value + 0.5 for name, value in defaults.items()}
    names = list(defaults)
    for start in (0, 1):
        if names[start::2]:
            yield {**defaults, **{name: 3.0 for name in names[start::2]}}


def injected(inputs):
    return "\n".join(f"{name} = {value!r}" for name, value in inputs.items())


WITH_PARAMETERS = [nb for nb in NOTEBOOKS if parameters(nb)]
per_notebook = pytest.mark.parametrize("nb", WITH_PARAMETERS, ids=[nb.file for nb in WITH_PARAMETERS])


@per_notebook
def test_checks_follow_the_learners_inputs(nb):
    for inputs in variants(parameters(nb)):
        problems, checked = run(nb, injected(inputs))
        shown = " with " + ", ".join(f"{k} = {v}" for k, v in inputs.items())
        assert not problems, report(nb, problems, shown)
        assert checked, f"notebooks/{nb.file}{shown}: not one printed line could be checked"


def changes_a_checked_line(book, inputs):
    """Does a replay with `inputs` print some line the checks read that the stored outputs do not hold?"""
    stored = {number: {line.strip() for o in cell.get("outputs", [])
                       for line in (o.get("text", "") + o.get("data", {}).get("text/plain", "")).splitlines()}
              for number, cell in course.code_cells(book)}
    changed = []

    def stop(number, lines):
        changed.extend(line for line in lines if line.strip() not in stored.get(number, ()))
        return bool(changed)
    for _ in replay(book, injected(inputs), stop=stop):
        pass
    return bool(changed)


@per_notebook
def test_every_input_changes_what_the_checks_read(nb):
    book, defaults = course.read(nb), parameters(nb)
    for name, value in defaults.items():
        assert changes_a_checked_line(book, {name: value + 0.5}), (
            f"notebooks/{nb.file}: changing {name} in the parameters cell changes no number the checks read; "
            f"compute from {name} (and print the result), or leave it out of the parameters cell")


def assigned(tree):
    """Names a cell's top-level code assigns (not those local to a function or class it defines)."""
    names, todo = set(), list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        todo.extend(ast.iter_child_nodes(node))
    return names


@per_notebook
def test_no_later_cell_reassigns_an_input(nb):
    book, names = course.read(nb), set(parameters(nb))
    cells = list(course.code_cells(book))
    first = next(i for i, (_, c) in enumerate(cells) if "parameters" in course.tags(c))
    for number, cell in cells[first + 1:]:
        again = sorted(names & assigned(course.python_ast(cell.source)))
        assert not again, (f"notebooks/{nb.file} Cell {number} assigns {', '.join(again)} again, so what the "
                           "learner sets in the parameters cell is silently replaced; use another name there")


def test_the_input_checks_see_an_ignored_and_a_reassigned_input():
    code = "x = 1\nfor i in range(2):\n    y, z = 2, 3\ndef f(w):\n    v = 1"
    assert assigned(ast.parse(code)) == {"x", "i", "y", "z", "f"}
    book = course.read(WITH_PARAMETERS[0])
    assert not changes_a_checked_line(book, {"nothing_reads_this": 1.0})


def test_notebooks_that_invite_changes_have_parameters():
    """The worked examples invite the learner to change inputs, so they take them from a parameters cell."""
    invite = [nb for nb in NOTEBOOKS if any("parameters" in course.tags(c) for c in course.read(nb).cells)]
    assert {1, 4, 5} <= {nb.number for nb in invite} | {n for n in (1, 4, 5) if n > len(NOTEBOOKS)}

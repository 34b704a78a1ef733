"""Every check still agrees when the learner changes the inputs.

Notebooks with a cell tagged `parameters` are run again (by tests/replay.py, in this process) with
other inputs injected right after that cell, as papermill would (see `variants`): every printed
gradient, nudge and check must still agree, so no check may rest on a number typed in for the
default inputs. (A module of its own, so that pytest-xdist can run it beside test_replay.py.)
"""
import ast

import pytest

import course
from test_replay import NOTEBOOKS, report, run


def parameters(nb):
    cells = [c for _, c in course.code_cells(course.read(nb)) if "parameters" in course.tags(c)]
    if not cells:
        return {}
    return {node.targets[0].id: ast.literal_eval(node.value) for node in course.python_ast(cells[0].source).body}


def variants(defaults):
    """Other inputs a learner might try: every one moved by 0.5; then every other one set to 3.0
    (the first, third, ... and then the second, fourth, ...), so each is 3.0 once, with others as they were."""
    yield {name: value + 0.5 for name, value in defaults.items()}
    names = list(defaults)
    for start in (0, 1):
        if names[start::2]:
            yield {**defaults, **{name: 3.0 for name in names[start::2]}}


WITH_PARAMETERS = [nb for nb in NOTEBOOKS if parameters(nb)]


@pytest.mark.parametrize("nb", WITH_PARAMETERS, ids=[nb.file for nb in WITH_PARAMETERS])
def test_checks_follow_the_learners_inputs(nb):
    for inputs in variants(parameters(nb)):
        inject = "\n".join(f"{name} = {value!r}" for name, value in inputs.items())
        problems, checked = run(nb, inject)
        shown = " with " + ", ".join(f"{k} = {v}" for k, v in inputs.items())
        assert not problems, report(nb, problems, shown)
        assert checked, f"notebooks/{nb.file}{shown}: not one printed line could be checked"


def test_notebooks_that_invite_changes_have_parameters():
    """The worked examples invite the learner to change inputs, so they take them from a parameters cell."""
    invite = [nb for nb in NOTEBOOKS if any("parameters" in course.tags(c) for c in course.read(nb).cells)]
    assert {1, 4, 5} <= {nb.number for nb in invite} | {n for n in (1, 4, 5) if n > len(NOTEBOOKS)}

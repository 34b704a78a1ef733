"""Every number a notebook prints is right.

tests/replay.py runs each notebook in this process and checks each printed `x.grad`, `x.data`,
`dL/dx ≈` and `...: True` line (see its docstring). tests/test_inputs.py does the same with other
inputs in the `parameters` cell.
"""
import pytest

import course
import pictures
from replay import replay

NOTEBOOKS = course.written()
per_notebook = pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])


def run(nb, inject=None):
    """Replay `nb`; with the learner's own inputs (no `inject`), also check its stored pictures."""
    book = course.read(nb)
    problems, runner = [], replay(book, inject, None if inject else pictures.look_at(nb, book))
    while True:
        try:
            problems.append(next(runner))
        except StopIteration as done:
            return problems, done.value


def report(nb, problems, inputs=""):
    return "\n".join(f"notebooks/{nb.file} Cell {number}{inputs}: {problem}" for number, problem in problems)


@per_notebook
def test_what_the_cells_print_is_right(nb):
    problems, _ = run(nb)
    assert not problems, report(nb, problems)

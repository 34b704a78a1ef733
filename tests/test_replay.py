"""Every number a notebook prints is right.

tests/replay.py runs each notebook in this process and reads every printed line, item by item:
`x.grad`, `x.data`, `dL/dx`, a Value's repr, `...: True`, and fails a line about gradients or data
that it cannot read (see its docstring). tests/test_inputs.py does the same with other inputs in
the `parameters` cell.
"""
import pytest

import course
import pictures
from replay import Checker, Mismatch, Unread, replay

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


EXAMPLE = """
class Value:
    def __init__(self, data, _children=(), _op=''):
        self.data, self.grad, self._prev, self._op = data, 0.0, tuple(_children), _op

    def __repr__(self):
        return f"Value(data={self.data:.4f})"

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), '*')


a, b = Value(2.0), Value(-3.0)
L = a * b
L.grad, a.grad, b.grad = 1.0, -3.0, 2.0
"""


def reader():
    namespace = {}
    exec(EXAMPLE, namespace)
    checker = Checker(namespace)
    checker.reset("print(f'{L}')")
    repr(namespace["L"])  # as the cell would print it
    return checker


def test_the_reader_reads_every_item_anywhere_in_a_line():
    checker = reader()
    for line in ["a.grad = -3.0000", "PyTorch: L = -6.0000, dL/da = -3.0000, dL/db = 2.0000",
                 " a   data   2.0000   grad -3.0000", "b.grad   2.0000   2.0000",
                 "the output: Value(data=-6.0000)"]:
        assert checker.check(line), line
    assert checker.check("every gradient agrees with PyTorch: True") is False  # read, but shows no number
    assert checker.check("step 3: the loss is 0.5") is False  # no gradient or data: nothing to read


def test_the_reader_fails_a_wrong_item_and_a_line_it_cannot_read():
    for line in ["a.grad = -3.1000", "a data 2.0000 grad 3.0000", "PyTorch: L = -6.5000, dL/da = -3.0000",
                 "Value(data=-6.5000)", "dL/da = 3.0000", "the check says: False"]:
        with pytest.raises(Mismatch):
            reader().check(line)
    for line in ["grad of a: -3.0303", "a's gradient is -3.0", "the derivative there: 2.0"]:
        with pytest.raises(Unread):
            reader().check(line)


STALE = EXAMPLE.split("\n\na, b")[0] + """

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def backward(self):
        self.grad = 1.0
        for v in (self, *self._prev):
            getattr(v, '_backward', lambda: None)()
"""


def replayed(*cells):
    """The problems a replay finds in a notebook of these code cells, (source, tags) each."""
    import nbformat
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
                                           for source, tags in cells])
    return [problem for _, problem in replay(book)]


def test_a_backward_on_stale_gradients_fails_unless_tagged_and_a_tagged_cell_must_be_wrong():
    twice = "a, b = Value(2.0), Value(3.0)\nc = a + b\nc.backward()\nc.backward()\nprint(c.data > 0)"
    assert "never reset" in " ".join(replayed((STALE, ()), (twice, ())))
    assert not replayed((STALE, ()), (twice, ["wrong-on-purpose"]))
    once = twice.replace("c.backward()\nc.backward()", "c.backward()")
    assert not replayed((STALE, ()), (once, ()))
    assert "where is the bug" in " ".join(replayed((STALE, ()), (once, ["wrong-on-purpose"]), ("c = a + a", ())))

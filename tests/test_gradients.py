"""Every `Value` class in the course agrees with PyTorch (float64) on every operation it supports.

Each notebook cell that defines `class Value` is loaded on its own (with the notebook's imports),
its operations are found by looking at the class, and fixed and random expressions built from
them are computed twice: with the course's Value and with torch tensors. Forward values must
agree to 1e-9; so must the gradients of every input, for versions that can backpropagate
(a `backward()` method, or per-node `_backward` functions applied in topological order).
A cell tagged `wrong-on-purpose` shows a bug from the lecture: for it the test insists on a
disagreement, so the bug the notebook names is really there.
"""
import ast
import math
import random

import nbformat
import pytest

import course

TOLERANCE = 1e-9


FIXTURES = course.ROOT / "tests" / "fixtures"


def value_cells():
    """Every `class Value` cell of the course, plus the fixture notebook whose Value is wrong on purpose
    (so the wrong-on-purpose branch runs on a real cell even before a chapter shows a bug)."""
    books = [(nb.file, course.read(nb)) for nb in course.written()]
    books += [(path.name, nbformat.read(path, as_version=4)) for path in sorted(FIXTURES.glob("*.ipynb"))]
    for file, book in books:
        imports = "\n".join(line for c in book.cells if c.cell_type == "code" for line in c.source.splitlines()
                            if line.startswith(("import ", "from ")))
        for number, cell in course.code_cells(book):
            # an inherited cell repeats a class already tested where it was written
            if "class Value" in cell.source and "course-inherited" not in course.tags(cell):
                yield pytest.param(imports, cell, id=f"{file}:Cell{number}")


def load(imports, cell):
    """The Value class a cell defines (its class statement only, not the rest of the cell)."""
    classes = [node for node in course.python_ast(cell.source).body if isinstance(node, ast.ClassDef) and node.name == "Value"]
    namespace = {}
    exec(imports, namespace)
    exec(compile(ast.Module(body=classes, type_ignores=[]), "<cell>", "exec"), namespace)
    return namespace["Value"]


# name: (method the class needs, how to apply it, number of Value operands, when it is safe, _op it shows)
# An _op of None: the operation is made of others (subtraction is addition of a negation...).
OPERATIONS = {
    "add": ("__add__", lambda x, y: x + y, 2, lambda x, y: True, {"+"}),
    "mul": ("__mul__", lambda x, y: x * y, 2, lambda x, y: True, {"*"}),
    "sub": ("__sub__", lambda x, y: x - y, 2, lambda x, y: True, None),
    "div": ("__truediv__", lambda x, y: x / y, 2, lambda x, y: abs(y) > 0.5, None),
    "neg": ("__neg__", lambda x: -x, 1, lambda x: True, None),
    "square": ("__pow__", lambda x: x ** 2, 1, lambda x: True, {"**2"}),
    "cube": ("__pow__", lambda x: x ** 3, 1, lambda x: True, {"**3"}),
    "inverse": ("__pow__", lambda x: x ** -1, 1, lambda x: abs(x) > 0.5, {"**-1"}),
    "tanh": ("tanh", lambda x: x.tanh(), 1, lambda x: True, {"tanh"}),
    "exp": ("exp", lambda x: x.exp(), 1, lambda x: x < 3, {"exp"}),
    "relu": ("relu", lambda x: x.relu(), 1, lambda x: True, {"relu", "ReLU"}),
    "plus_number": ("__add__", lambda x: x + 1.5, 1, lambda x: True, {"+"}),
    "times_number": ("__mul__", lambda x: x * -2.0, 1, lambda x: True, {"*"}),
    "number_plus": ("__radd__", lambda x: 1.5 + x, 1, lambda x: True, {"+"}),
    "number_times": ("__rmul__", lambda x: -2.0 * x, 1, lambda x: True, {"*"}),
    "number_minus": ("__rsub__", lambda x: 1.5 - x, 1, lambda x: True, None),
    "number_over": ("__rtruediv__", lambda x: 2.0 / x, 1, lambda x: abs(x) > 0.5, None),
}
MIXES_NUMBERS = {"plus_number", "times_number", "number_plus", "number_times", "number_minus", "number_over"}


def supported(Value):
    """The operations this version of Value offers, and the problems of those it offers wrongly.

    Only mixing in a plain number may fail (early versions cannot take one): any other operation
    the class has must work and label its result with the right `_op`."""
    ops, problems = {}, []
    for name, (method, apply, arity, safe, labels) in OPERATIONS.items():
        if not hasattr(Value, method):
            continue
        try:
            result = apply(*[Value(0.75)] * arity)
        except Exception as error:
            if name not in MIXES_NUMBERS:
                problems.append(f"{name}: raised {type(error).__name__}: {error}")
            continue
        if labels and hasattr(result, "_op") and result._op not in labels:  # early versions have no _op yet
            problems.append(f"{name}: the result's _op is {result._op!r}, expected {sorted(labels)[0]!r}")
        ops[name] = (apply, arity, safe)
    return ops, problems


def torch_value(x):
    import torch  # imported here: only these tests pay for it
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def backpropagate(root):
    """Run the class's own backward pass; False if this version has none yet."""
    if hasattr(root, "backward"):
        root.backward()
        return True
    if not hasattr(root, "_backward"):
        return False
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for child in v._prev:
                visit(child)
            order.append(v)

    visit(root)
    root.grad = 1.0
    for v in reversed(order):
        v._backward()
    return True


def compare(Value, build, inputs):
    """Build the same expression from Values and from tensors; return a list of disagreements
    (an operation or backward pass that raises is one: a wrong-on-purpose version may do that)."""
    try:
        return compare_or_raise(Value, build, inputs)
    except Exception as error:
        return [f"raised {type(error).__name__}: {error}"]


def compare_or_raise(Value, build, inputs):
    ours = [Value(x) for x in inputs]
    theirs = [torch_value(x) for x in inputs]
    root, reference = build(ours), build(theirs)
    problems = []
    if not math.isclose(root.data, reference.item(), rel_tol=TOLERANCE, abs_tol=TOLERANCE):
        problems.append(f"forward: {root.data!r} vs torch {reference.item()!r}")
    if backpropagate(root):
        reference.backward()
        for i, (v, t) in enumerate(zip(ours, theirs)):
            expected = 0.0 if t.grad is None else t.grad.item()
            if not math.isclose(v.grad, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
                problems.append(f"gradient of input {i}: {v.grad!r} vs torch {expected!r}")
    return problems


def random_expression(ops, rng, size=12):
    """A recipe that builds a random expression over 4 inputs, reusing nodes (so gradients must add up)."""
    import torch  # imported here: only these tests pay for it
    recipe = []
    values = [rng.uniform(-2, 2) for _ in range(4)]
    pool = [torch.tensor(x, dtype=torch.float64) for x in values]  # to test which steps are safe
    for _ in range(size):
        name = rng.choice(sorted(ops))
        apply, arity, safe = ops[name]
        picks = [rng.randrange(len(pool)) for _ in range(arity)]
        args = [pool[i] for i in picks]
        if not safe(*args):
            continue
        result = apply(*args)
        if abs(result) > 50:
            continue
        recipe.append((apply, picks))
        pool.append(result)

    def build(inputs):
        nodes = list(inputs)
        for apply, picks in recipe:
            nodes.append(apply(*[nodes[i] for i in picks]))
        total = nodes[len(inputs)] if len(nodes) > len(inputs) else nodes[0]
        for node in nodes[len(inputs) + 1:]:  # depend on everything built, to reach every input
            total = total + node if "add" in ops else total
        return total

    return build, values


def disagreements(Value):
    ops, problems = supported(Value)
    for name, (apply, arity, safe) in ops.items():
        inputs = [0.7, -1.3][:arity] if name not in ("div", "inverse", "number_over") else [1.7, -1.3][:arity]
        problems += [f"{name}: {p}" for p in compare(Value, lambda xs, a=apply: a(*xs), inputs)]
        if arity == 2:  # the same Value on both sides: the gradient must accumulate
            problems += [f"{name}(x, x): {p}" for p in compare(Value, lambda xs, a=apply: a(xs[0], xs[0]), [0.7])]
    rng = random.Random(2022)
    for trial in range(25 if ops else 0):
        build, inputs = random_expression(ops, rng)
        problems += [f"random expression {trial}: {p}" for p in compare(Value, build, inputs)]
    return ops, problems


@pytest.mark.parametrize("imports, cell", list(value_cells()))
def test_value_agrees_with_pytorch(imports, cell):
    Value = load(imports, cell)
    assert math.isclose(Value(2.5).data, 2.5)
    ops, problems = disagreements(Value)
    if not ops and not problems:
        pytest.skip("this version of Value has no operations yet: nothing to compare")
    if "wrong-on-purpose" in course.tags(cell):
        assert problems, "tagged wrong-on-purpose, but agrees with PyTorch everywhere: where is the bug?"
    else:
        assert not problems, "\n".join(problems[:10])


# issue 16: notebook 12. A faster engine must not change what backward() means.
def test_a_second_backward_adds_a_second_round():
    """backward() only adds into .grad: called twice on one graph it adds twice (notebook 07 shows
    it), where an engine that let go of its graph after one pass would refuse or add nothing."""
    problems = []
    for param in value_cells():
        imports, cell = param.values
        Value = load(imports, cell)
        if not hasattr(Value, "backward") or "wrong-on-purpose" in course.tags(cell):
            continue
        a, b = Value(3.0), Value(-2.0)
        c = a * b
        try:
            c.backward()
            c.backward()
        except Exception as error:
            problems.append(f"{param.id}: a second backward() raised {type(error).__name__}: {error}")
            continue
        if not (math.isclose(a.grad, 2 * b.data) and math.isclose(b.grad, 2 * a.data)):
            problems.append(f"{param.id}: after two backward() calls on c = a * b, a.grad {a.grad!r} "
                            f"and b.grad {b.grad!r}, not twice one pass's gradients")
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_wrong_gradient():
    """A deliberately broken Value (overwriting instead of adding gradients) must be caught."""
    class Broken:
        def __init__(self, data, _children=()):
            self.data, self.grad, self._prev = data, 0.0, tuple(_children)
            self._backward = lambda: None

        def __add__(self, other):
            out = Broken(self.data + other.data, (self, other))

            def _backward():
                self.grad = out.grad   # the lecture's bug: = where += belongs
                other.grad = out.grad
            out._backward = _backward
            return out

    ops, problems = disagreements(Broken)
    assert "add" in ops and any("add(x, x)" in p for p in problems)


def test_the_value_handed_on_survives_extreme_inputs():
    """tanh must not overflow (the lecture's exp(2x) formula does, past x = 354.9)."""
    namespace = {}
    exec("import math\n" + course.kept_blocks(course.course())["value"], namespace)
    Value = namespace["Value"]
    if not hasattr(Value, "tanh"):
        pytest.skip("the Value handed on has no tanh yet")
    assert Value(1000.0).tanh().data == 1.0 and Value(-1000.0).tanh().data == -1.0


def test_exp_overflow_says_what_went_wrong():
    for param in value_cells():
        imports, cell = param.values
        Value = load(imports, cell)
        if hasattr(Value, "exp"):
            with pytest.raises(OverflowError, match="largest float"):
                Value(1000.0).exp()

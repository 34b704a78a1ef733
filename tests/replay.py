"""Run a notebook's code in this process and check every number its cells print.

nbval proves that a fresh run prints what the notebook stores. This proves that what it prints is
right: each code cell runs in an IPython shell (no drawing: display is switched off), and after
each cell the lines it printed are read:

    a.grad = 6.0000     checked against PyTorch: the gradient of the graph's output with respect
                        to `a`, on the same expression, rebuilt from the Values' own records
                        (`data`, `_op`, `_prev`); the output is the Value in the namespace whose
                        graph holds `a`, that holds gradient 1.0 and that no other such Value holds
    L.data = -8.0000    checked against what `L` holds
    dL/da ≈ 6.0000      a nudged estimate: checked against PyTorch's dL/da, to 1e-3
    ...: True           a check the notebook makes itself: it must say True

The rebuild also checks every operation on the way (its `_op` label and its forward value), so a
mislabelled or wrong operation fails even where no gradient is printed. A cell tagged
`wrong-on-purpose` shows a bug from the lecture: if it prints lines the checks read, at least one
must disagree (a `class Value` cell so tagged is proved wrong by tests/test_gradients.py).
"""
import contextlib
import io
import math
import re

NUMBER = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
GRAD_LINE = re.compile(rf"^(\w+)\.grad = {NUMBER}$")
DATA_LINE = re.compile(rf"^(\w+)\.data = {NUMBER}$")
NUDGE_LINE = re.compile(rf"^d(\w+)/d(\w+) ≈ {NUMBER}$")
CHECK_LINE = re.compile(r"^.*: (True|False)$")
PRINTED = 5.1e-5  # a number printed with 4 decimals is this close to the truth
NUDGE = 1e-3


def is_value(obj):
    return all(hasattr(obj, name) for name in ("data", "_prev", "_op")) and not isinstance(obj, type)


def graph(root):
    """Every Value `root` depends on, inputs first (without recursion: later graphs are deep)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((child, False) for child in reversed(tuple(v._prev)))
    return order


class Mismatch(Exception):
    pass


def rebuild(root):
    """The graph of `root` as float64 tensors, one per Value, built from each Value's records."""
    import torch  # imported here: only the tests that rebuild graphs pay for it
    tensors = {}
    for v in graph(root):
        kids = [tensors[id(c)] for c in v._prev]
        op = v._op
        if not kids:
            t = torch.tensor(float(v.data), dtype=torch.float64, requires_grad=True)
        elif op == "+":
            t = sum(kids[1:], kids[0])
        elif op == "*":
            t = math.prod(kids[1:], start=kids[0])
        elif op in ("tanh", "exp", "relu", "ReLU") and len(kids) == 1:
            t = {"tanh": torch.tanh, "exp": torch.exp}.get(op, torch.relu)(kids[0])
        elif re.fullmatch(r"\*\*-?\d+(\.\d+)?", op) and len(kids) == 1:
            t = kids[0] ** float(op[2:])
        else:
            raise Mismatch(f"a Value made from {len(kids)} others has the operation label {op!r}, "
                           "which names no operation (expected +, *, tanh, exp, relu or **k)")
        if kids:
            t.retain_grad()
            if not math.isclose(t.item(), v.data, rel_tol=1e-9, abs_tol=1e-9):
                raise Mismatch(f"a Value labelled {op!r} holds {v.data!r}, but {op!r} of its inputs is "
                               f"{t.item()!r}: the operation and its label disagree")
        tensors[id(v)] = t
    root_tensor = tensors[id(root)]
    root_tensor.backward()
    return {key: (t.item(), 0.0 if t.grad is None else t.grad.item()) for key, t in tensors.items()}


class Checker:
    """Reads what each cell printed and checks it against the namespace the cell left behind."""

    def __init__(self, namespace):
        self.ns = namespace
        self.rebuilt = {}
        self.checked = 0

    def values(self):
        found = {id(obj): obj for name, obj in self.ns.items() if not name.startswith("_") and is_value(obj)}
        return list(found.values())

    def reference(self, root):
        if id(root) not in self.rebuilt:
            self.rebuilt[id(root)] = (root, rebuild(root))
        return self.rebuilt[id(root)][1]

    def output_of(self, x, name):
        """The Value whose gradient `x.grad` is: the topmost named Value holding x with grad 1.0."""
        holders = {id(v): (v, {id(n) for n in graph(v)}) for v in self.values() if getattr(v, "grad", None) == 1.0}
        holders = {key: held for key, held in holders.items() if id(x) in held[1]}
        top = [v for key, (v, _) in holders.items() if not any(key in held and other != key
                                                             for other, (_, held) in holders.items())]
        if len(top) > 1:
            raise Mismatch(f"{name}.grad: {len(top)} separate outputs with gradient 1.0 hold {name}; "
                           "which one is it the gradient of? Give each example its own names")
        return top[0] if top else None

    def named(self, name, line):
        x = self.ns.get(name)
        if not is_value(x):
            raise Mismatch(f"{line!r}: no Value is called {name} here (print gradients under the Value's own name)")
        return x

    def check(self, line):
        line = line.strip()
        if m := GRAD_LINE.match(line):
            name, printed = m[1], float(m[2])
            x = self.named(name, line)
            if abs(x.grad - printed) > PRINTED + 1e-9 * abs(printed):
                raise Mismatch(f"{line!r}, but {name}.grad holds {x.grad!r}: a .grad line must print the gradient itself")
            out = self.output_of(x, name)
            truth = 0.0 if out is None else self.reference(out)[id(x)][1]
            # before any output is seeded with 1.0, every gradient is still the initial 0.0
            if abs(truth - printed) > PRINTED + 1e-9 * abs(truth):
                raise Mismatch(f"{line!r}, but PyTorch says {name}.grad = {truth:.6f} on the same expression")
        elif m := DATA_LINE.match(line):
            name, printed = m[1], float(m[2])
            x = self.named(name, line)
            if abs(x.data - printed) > PRINTED + 1e-9 * abs(printed):
                raise Mismatch(f"{line!r}, but {name}.data holds {x.data!r}")
        elif m := NUDGE_LINE.match(line):
            out, x, printed = self.ns.get(m[1]), self.ns.get(m[2]), float(m[3])
            if not (is_value(out) and is_value(x)):
                return  # a slope of a plain function, not of a Value graph
            truth = self.reference(out).get(id(x), (None, 0.0))[1]
            if abs(truth - printed) > NUDGE * (1 + abs(truth)):
                raise Mismatch(f"{line!r}, but PyTorch says d{m[1]}/d{m[2]} = {truth:.6f}")
        elif m := CHECK_LINE.match(line):
            if m[1] != "True":
                raise Mismatch(f"the notebook's own check says {line!r}")
        else:
            return
        self.checked += 1


def shell(shown):
    """An IPython shell that runs code and hands every object a cell displays to `shown` (a list)
    instead of drawing it: the pictures are checked from those objects (tests/pictures.py)."""
    import matplotlib  # the inline back end, as in Jupyter: figures are displayed when a cell ends
    matplotlib.use("module://matplotlib_inline.backend_inline")  # (not MPLBACKEND: kernels would inherit it)
    from IPython.core.interactiveshell import InteractiveShell
    ip = InteractiveShell.instance()
    ip.reset(new_session=False)
    ip.enable_gui = lambda gui=None: None  # `%matplotlib inline` needs no window

    def capture(obj, include=None, exclude=None):
        shown.append(obj)
        return {}, {}
    ip.display_formatter.format = capture
    ip.run_line_magic("colors", "nocolor")
    return ip


def replay(book, inject=None, look=None):
    """Run `book`'s code cells (plus `inject` right after the cell tagged `parameters`) and check
    every printed line. Yields (code cell number, problem) pairs; returns how many lines were checked.
    `look(number, cell, shown, namespace)`, if given, is called after each cell with the objects the
    cell displayed, and returns the problems it finds (tests/pictures.py checks the pictures)."""
    shown = []
    ip = shell(shown)
    checker = Checker(ip.user_ns)
    code = [c for c in book.cells if c.cell_type == "code"]
    for number, cell in enumerate(code):
        source = cell.source
        if inject and "parameters" in cell.metadata.get("tags", []):
            source += "\n" + inject
        out = io.StringIO()
        shown.clear()
        with contextlib.redirect_stdout(out):
            result = ip.run_cell(source, silent=False, store_history=False)
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            yield number, f"raised {type(error).__name__}: {error}"
            return checker.checked
        checker.rebuilt.clear()  # values may have changed: rebuild afresh for this cell's lines
        before = checker.checked
        wrong = []
        for line in out.getvalue().splitlines():
            try:
                checker.check(line)
            except Mismatch as problem:
                wrong.append(str(problem))
        on_purpose = "wrong-on-purpose" in cell.metadata.get("tags", [])
        if on_purpose and checker.checked > before and not wrong:
            yield number, "is tagged wrong-on-purpose, but every line it prints is right: where is the bug?"
        elif wrong and not on_purpose:
            yield number, wrong[0]
        for problem in (look(number, cell, list(shown), ip.user_ns) if look else []):
            yield number, problem
    return checker.checked

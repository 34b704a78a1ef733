"""Run a notebook's code in this process and check every number its cells print.

nbval proves that a fresh run prints what the notebook stores. This proves that what it prints is
right: each code cell runs in an IPython shell (no drawing: display is switched off), and after
each cell every line it printed is read, item by item, anywhere in the line:

    a.grad = 6.0000     (also `a.grad 6.0`, `a grad 6.0 6.0`, `x2's .grad tensor([0.5])`, and in a
                        table row `a  data 2.0  grad 0.0` the grad is a's): checked against what the
                        Value (or tensor) of that name holds, and for a Value against PyTorch: the
                        gradient of the graph's output with respect to `a`, on the same expression,
                        rebuilt from the Values' own records (`data`, `_op`, `_prev`); the output is
                        the Value in the namespace whose graph holds `a`, that holds gradient 1.0 and
                        that no other such Value holds
    L.data = -8.0000    (also `L data -8.0`): checked against what `L` holds
    dL/da = 6.0000      PyTorch's dL/da, to the digits printed; `dL/da ≈ 6.0000` is a nudged
                        estimate, to 1e-3. For plain numbers, `dd/da ≈` is the slope of `d_of(a, ...)`
    g = 24.7041         on a line about gradients: the value of the Value or tensor `g`
    Value(data=2.0000)  a Value's repr: some Value printed in the cell (or kept) holds those numbers
    ...: True           a check the notebook makes itself: it must say True

A line that mentions a gradient, data or a derivative and shows a number that none of these reads
fails (a number the cell's own code types in, such as a step 0.01, is not a result). The rebuild
also checks every operation on the way (its `_op` label and its forward value), so a mislabelled
or wrong operation fails even where no gradient is printed.

A `backward()` called while values of its graph (other than the output) still hold gradients from
an earlier pass adds the new gradients to those: the lecture's bug of gradients never reset, so
what it computes is not the derivative of the output. The first few `backward()` calls of each
cell are watched for it (a loop repeats the same steps); a cell that does it fails, unless tagged.

A cell tagged `wrong-on-purpose` shows a bug from the lecture: with the notebook's own inputs, at
least one item it prints must disagree, or it must call `backward()` on stale gradients (a
`class Value` cell so tagged is proved wrong by tests/test_gradients.py). A tagged cell in which
nothing is wrong fails.
"""
import contextlib
import functools
import gc
import io
import math
import re

CHECK_LINE = re.compile(r"^.*: (True|False)$")
# items read anywhere in a line (a line that mentions a gradient, a value's data or a derivative)
NUM = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
MENTIONS = re.compile(r"\b(?:grads?|data|gradients?|derivatives?)\b|\bd\w+ ?/ ?d\w+")
TOKEN = re.compile(rf"(?<![\w.]){NUM}(?![\w.]*\w)")  # a number, not a part of a name like x1
DERIV = re.compile(rf"\bd(\w+) ?/ ?d(\w+)\s*(=|≈)\s*({NUM})")
ATTR = re.compile(rf"(?:\b([A-Za-z_]\w*)(?:\.|'s \.?|\s+))?\b(grad|data)\b(?:\.item\(\))?\s*(?:=|:|is)?\s*"
                  rf"((?:(?:tensor\(\[?)?{NUM}\]?\)?,?\s*)+)")
NAMED = re.compile(rf"\b([A-Za-z_]\w*)\s*=\s*({NUM})")
REPR = re.compile(rf"\bValue\(data=({NUM})(?:, grad=({NUM}))?\)")
READS = "a.grad = 6.0, a data 2.0 grad 0.0, dL/da = 6.0, L = -8.0, Value(data=2.0), ...: True"
WATCHED = 3  # backward() calls watched per cell for stale gradients: a loop shows it by its second
DEFINES_VALUE = re.compile(r"^class Value\b", re.M)
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


class Unread(Mismatch):
    """A line about gradients or data with a number in it that no item reads: wrong on purpose or not."""


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
        self.checked = 0
        self.reset("")

    def reset(self, source):
        """Before each cell's lines: values may have changed, so rebuild afresh."""
        self.rebuilt, self.holders, self.shown = {}, None, []
        self.backwards, self.stale = 0, []  # this cell's backward() calls, and those on stale gradients
        self.literals = {m.group() for m in TOKEN.finditer(source)}  # numbers the cell types in itself
        for cls in [c for c in list(self.ns.values()) if isinstance(c, type) and c.__name__ == "Value"]:
            if not getattr(cls.__repr__, "recorded", False):
                cls.__repr__ = self.recording(cls.__repr__)
            if callable(getattr(cls, "backward", None)) and not getattr(cls.backward, "watched", False):
                cls.backward = self.watching(cls.backward)

    def watching(self, original):
        """A Value's backward() that first notes the values of its graph still holding a gradient."""
        def backward(root, *args, **kwargs):
            self.backwards += 1
            held = 0
            if self.backwards <= WATCHED:
                held = sum(1 for v in graph(root) if v is not root and getattr(v, "grad", 0.0) != 0.0)
            result = original(root, *args, **kwargs)  # (one that refuses, raising, adds nothing)
            if held:
                self.stale.append(f"calls backward() while {held} values of the graph still hold "
                                  "gradients from an earlier pass, so it adds to them: the gradients it "
                                  "leaves are not those of the output (the lecture's bug: gradients "
                                  "never reset). Set them to 0.0 first, or tag the cell wrong-on-purpose")
            return result
        backward.watched = True
        return backward

    def recording(self, original):
        """A Value's __repr__ that also notes what the Value held, so its printed repr can be checked."""
        def __repr__(v):
            self.shown.append((v.data, getattr(v, "grad", None)))
            return original(v)
        __repr__.recorded = True
        return __repr__

    def values(self):
        found = {id(obj): obj for name, obj in self.ns.items() if not name.startswith("_") and is_value(obj)}
        return list(found.values())

    def reference(self, root):
        if id(root) not in self.rebuilt:
            self.rebuilt[id(root)] = (root, rebuild(root))
        return self.rebuilt[id(root)][1]

    def output_of(self, x, name):
        """The Value whose gradient `x.grad` is: the topmost named Value holding x with grad 1.0."""
        if self.holders is None:
            self.holders = {id(v): (v, {id(n) for n in graph(v)}) for v in self.values()
                            if getattr(v, "grad", None) == 1.0}
        holders = {key: held for key, held in self.holders.items() if id(x) in held[1]}
        top = [v for key, (v, _) in holders.items() if not any(key in held and other != key
                                                             for other, (_, held) in holders.items())]
        if len(top) > 1:
            raise Mismatch(f"{name}.grad: {len(top)} separate outputs with gradient 1.0 hold {name}; "
                           "which one is it the gradient of? Give each example its own names")
        return top[0] if top else None

    def check(self, line):
        """Check every item `line` shows; a line about gradients or data with a number left unread fails."""
        line = line.strip()
        if m := CHECK_LINE.match(line):
            self.checked += 1
            if m[1] != "True":
                raise Mismatch(f"the notebook's own check says {line!r}")
            return False
        items = [(DERIV, self.derivative), (ATTR, self.attribute), (REPR, self.shown_value)]
        items += [(NAMED, self.named)] if MENTIONS.search(line) else []  # `g = 24.7041` beside `dg/da = ...`
        read = []  # spans of the items read
        for pattern, item in items:
            name = None  # a table row's `grad 0.0` after `a data 2.0` is a's
            for m in pattern.finditer(line):
                name = (m[1] or name) if pattern is ATTR else m[1]
                if not any(a <= m.start() < b for a, b in read) and item(m, line, name):
                    read.append(m.span())
                    self.checked += 1
        rest = "".join(" " if any(a <= i < b for a, b in read) else ch for i, ch in enumerate(line))
        left = [t.group() for t in TOKEN.finditer(rest) if t.group() not in self.literals]
        if MENTIONS.search(rest) and left:
            raise Unread(f"prints {line!r}: {left[0]} is in no shape the checks read ({READS})")
        return bool(read)

    def compare(self, line, what, printed, truth):
        decimals = len(re.split("[eE]", printed)[0].partition(".")[2])
        if abs(float(printed) - truth) > 0.5 * 10 ** -decimals + 1e-9 * abs(truth) + 1e-12:
            raise Mismatch(f"{line!r}, but {what} is {truth:.6g}")

    def derivative(self, m, line, _):
        out, x, printed = self.ns.get(m[1]), self.ns.get(m[2]), m[4]
        if is_value(out) and is_value(x):
            truth = self.reference(out).get(id(x), (None, 0.0))[1]
        elif (truth := slope_of(self.ns.get(f"{m[1]}_of"), m[2], self.ns)) is None:
            return False
        if m[3] == "≈":
            if abs(truth - float(printed)) > NUDGE * (1 + abs(truth)):
                raise Mismatch(f"{line!r}, but PyTorch says d{m[1]}/d{m[2]} = {truth:.6f}")
        else:
            self.compare(line, f"d{m[1]}/d{m[2]} by PyTorch", printed, truth)
        return True

    def attribute(self, m, line, name):
        x, kind = self.ns.get(name), m[2]
        numbers = re.findall(NUM, m[3])
        if is_tensor(x):
            held = (x.detach() if kind == "data" else x.grad)
            held = [0.0] if held is None else held.reshape(-1).tolist()
        elif is_value(x) and hasattr(x, kind):
            held = [getattr(x, kind)]
        else:
            return False
        if len(held) == 1:
            held = held * len(numbers)
        if len(held) != len(numbers):
            raise Mismatch(f"{line!r} shows {len(numbers)} numbers for {name}.{kind}, which has {len(held)}")
        for printed, truth in zip(numbers, held):
            self.compare(line, f"{name}.{kind}", printed, truth)
        if kind == "grad" and is_value(x):
            out = self.output_of(x, name)
            truth = 0.0 if out is None else self.reference(out)[id(x)][1]
            # before any output is seeded with 1.0, every gradient is still the initial 0.0
            self.compare(line, f"{name}.grad by PyTorch on the same expression", numbers[0], truth)
        return True

    def named(self, m, line, _):
        x = self.ns.get(m[1])
        if not (is_value(x) or is_tensor(x) and x.numel() == 1):
            return False
        self.compare(line, f"{m[1]}'s value", m[2], x.data if is_value(x) else x.item())
        return True

    def shown_value(self, m, line, _):
        def holds(data, grad):
            near = [(data, m[1])] + ([] if m[2] is None else [(grad, m[2])])
            return all(x is not None and abs(x - float(shown)) <= PRINTED + 1e-9 * abs(x) for x, shown in near)
        if not any(holds(*held) for held in self.shown):
            reachable = (v for root in self.values() for v in graph(root))
            if not any(holds(v.data, getattr(v, "grad", None)) for v in reachable):
                raise Mismatch(f"{line!r}, but no Value printed or kept here holds those numbers")
        return True


def slope_of(function, name, namespace):
    """d function / d name by PyTorch, at the plain numbers the namespace holds for the function's
    arguments (as `dd/da ≈ -3.0` of `d_of(a, b, c)`); None where that does not apply."""
    import inspect
    arguments = list(inspect.signature(function).parameters) if callable(function) else []
    if name not in arguments or not all(type(namespace.get(a)) in (int, float) for a in arguments):
        return None
    import torch
    inputs = [torch.tensor(float(namespace[a]), dtype=torch.float64, requires_grad=True) for a in arguments]
    function(*inputs).backward()
    return inputs[arguments.index(name)].grad.item()


def is_tensor(obj):
    return type(obj).__module__.startswith("torch") and hasattr(obj, "numel") and hasattr(obj, "detach")


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


@functools.cache
def settle():
    """IPython's reset makes a full garbage collection, once per replay: let it skip what every replay
    shares, the libraries (PyTorch among them), by importing them and freezing them out of its sight."""
    import torch  # noqa: F401  (imported for its side: it is then in memory, frozen below)
    gc.collect()
    gc.freeze()


def replay(book, inject=None, look=None, stop=None):
    """Run `book`'s code cells (plus `inject` right after the cell tagged `parameters`) and check
    every printed line. Yields (code cell number, problem) pairs; returns how many lines were checked.
    `look(number, cell, shown, namespace)`, if given, is called after each cell with the objects the
    cell displayed, and returns the problems it finds (tests/pictures.py checks the pictures).
    `stop(number, lines)`, if given, is called with the lines of each cell that showed a number the
    checks read; the replay ends when it returns True."""
    settle()
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
        checker.reset(source)
        with contextlib.redirect_stdout(out):
            result = ip.run_cell(source, silent=False, store_history=False)
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            yield number, f"raised {type(error).__name__}: {error}"
            return checker.checked
        before = checker.checked
        wrong, read = [], []
        for line in out.getvalue().splitlines():
            try:
                if checker.check(line):
                    read.append(line)
            except Mismatch as problem:
                wrong.append(problem)
        on_purpose = "wrong-on-purpose" in cell.metadata.get("tags", [])
        unread = [w for w in wrong if isinstance(w, Unread)]
        if unread or (wrong or checker.stale) and not on_purpose:
            yield number, str((unread or wrong)[0]) if unread or wrong else checker.stale[0]
        elif (on_purpose and not wrong and not checker.stale and not inject  # other inputs may hide it
              and not DEFINES_VALUE.search(source)):  # (a Value class: tests/test_gradients.py proves it)
            said = "every line it prints is right" if checker.checked > before else "it prints nothing the checks read"
            yield number, f"is tagged wrong-on-purpose, but {said} and no backward() in it adds to stale gradients: where is the bug?"
        for problem in (look(number, cell, list(shown), ip.user_ns) if look else []):
            yield number, problem
        if stop and stop(number, read):
            break
    return checker.checked

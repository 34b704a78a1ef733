"""Wrong answers derived from the teacher's solutions, to prove that every exercise check can say "not yet".

A solution (the code between `### BEGIN SOLUTION` and `### END SOLUTION`) is read as Python, and
each place where it hands a result on is a site:

    return E               what a function answers
    X.attr = E, X.attr += E
                           a number set on an object: a gradient by hand, a step, or what a
                           backward function passes on (`self.grad += ...`)
    name = E               (at the top level) a result or a setting the solution leaves behind

A wrong answer is the teacher's solution with one site changed by `off`: numbers, and the data of
the Values the answer computed, 10% off; a list of Values it picked rather than computed (a
network's parameters) one short; a plain number left at the top level (a setting, such as a
learning rate) ten times too large, and then ten times too small, since a setting is judged with
some slack but never a tenfold one. A change that alters nothing (a gradient set to 0.0, a dict)
is no wrong answer and is not counted.

Everything runs in this process (plain `exec` in one namespace per run, no kernel).
"""
import ast
import contextlib
import io
import re

from replay import is_value

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def solution_lines(source):
    """The numbers (from 1) of the lines between the markers."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), 1):
        inside = (inside or line.strip() == BEGIN) and line.strip() != END
        if inside and line.strip() != BEGIN:
            lines.add(number)
    return lines


class Sites(ast.NodeTransformer):
    """Wraps the value handed on at each site of a solution as `__answer__(site, setting, value)`."""

    def __init__(self, lines):
        self.lines, self.sites, self.depth = lines, [], 0

    def wrap(self, node, setting):
        self.sites.append((setting, node.lineno))
        call = ast.Call(ast.Name("__answer__", ast.Load()),
                        [ast.Constant(len(self.sites) - 1), ast.Constant(setting), node.value], [])
        node.value = ast.copy_location(call, node.value)
        return node

    def nested(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = nested

    def visit_Return(self, node):
        return self.wrap(node, False) if node.value and node.lineno in self.lines else node

    def visit_Assign(self, node):
        if node.lineno not in self.lines or len(node.targets) != 1:
            return node
        target = node.targets[0]
        if isinstance(target, ast.Attribute):
            return self.wrap(node, False)
        return self.wrap(node, True) if isinstance(target, ast.Name) and not self.depth else node

    def visit_AugAssign(self, node):
        return self.wrap(node, False) if node.lineno in self.lines and isinstance(node.target, ast.Attribute) else node


def instrumented(source):
    """The cell's code with every site of its solution wrapped, and each site's (is it a setting, line)."""
    sites = Sites(solution_lines(source))
    tree = ast.fix_missing_locations(sites.visit(ast.parse(source)))
    return compile(tree, "<solution>", "exec"), sites.sites


def numbers(x):
    """The numbers an answer holds, in order: what `off` changes."""
    if isinstance(x, bool) or x is None:
        return []
    if isinstance(x, (int, float)):
        return [x]
    if is_value(x):
        return numbers(x.data)
    if isinstance(x, (list, tuple)):
        return [len(x)] + [n for item in x for n in numbers(item)]
    return []


def off(x, factor):
    """`x` made wrong: numbers times `factor`, a computed Value's data too (in place), a list of
    Values picked from elsewhere (inputs, with no operation) one short."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, (int, float)):
        return x * factor
    if is_value(x) and x._op:
        x.data = off(x.data, factor)
    elif isinstance(x, (list, tuple)):
        if x and all(is_value(item) and not item._op for item in x):
            return x[:-1]
        return type(x)(off(item, factor) for item in x)
    return x


class Answer:
    """`__answer__` in the namespace: hands every site's value on unchanged (noting its numbers in
    `seen`), except at site `site`, where it hands on `off(value)`."""

    def __init__(self, site=None, direction=1):
        self.site, self.direction, self.seen, self.changed = site, direction, [], None

    def __call__(self, site, setting, value):
        before = numbers(value)
        self.seen.extend(before)
        if site != self.site:
            return value
        plain = setting and isinstance(value, (int, float)) and not isinstance(value, bool)
        factor = (10.0 if plain else 1.1) ** self.direction
        value = off(value, factor)
        after = numbers(value)
        if after != before:
            self.changed = "one short" if len(after) < len(before) else f"times {factor:.3g}"
        return value


def run(code, ns):
    """Run one cell's code (source or compiled) in `ns`; returns what it printed and the exception it raised, if any."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<cell>", "exec") if isinstance(code, str) else code, ns)
    except Exception as error:
        return out.getvalue(), error
    return out.getvalue(), None


def role(cell):
    meta = cell.metadata.get("nbgrader", {})
    return "check" if meta.get("grade") else "answer" if meta.get("solution") else None


def teachers_run(cells):
    """The teacher's version run with every site watched: what it printed, and every number its
    solutions handed on, the Values it left behind (data and grad) and the numbers it set."""
    ns, printed = {"__answer__": Answer()}, []
    for number, cell in enumerate(cells):
        text, error = run(instrumented(cell.source)[0] if role(cell) == "answer" else cell.source, ns)
        assert error is None, f"code cell {number} of the teacher's version raised {error!r}"
        printed.append(text)
    left = [x for name, x in ns.items() if not name.startswith("_")]
    produced = ns["__answer__"].seen + [n for x in left if is_value(x) for n in (x.data, getattr(x, "grad", 0.0))]
    produced += [x for x in left if isinstance(x, (int, float)) and not isinstance(x, bool)]
    return "".join(printed), produced


def trials(cells):
    """Every wrong answer: yields (answer cell, site's line, how it was changed, [(check cell, what it
    raised)]) for each site whose change alters something; the cells before the answer run as they are."""
    for number, cell in enumerate(cells):
        if role(cell) != "answer":
            continue
        code, sites = instrumented(cell.source)
        checks = []
        for later in range(number + 1, len(cells)):
            if role(cells[later]) != "check":
                break
            checks.append(later)
        for site, (setting, line) in enumerate(sites):
            for direction in ((1, -1) if setting else (1,)):
                answer = Answer(site, direction)
                ns = {"__answer__": answer}
                for before in cells[:number]:
                    run(before.source, ns)
                _, error = run(code, ns)
                assert error is None, f"code cell {number} made wrong at line {line} raised {error!r}"
                verdicts = [(check, run(cells[check].source, ns)[1]) for check in checks]
                if answer.changed:
                    yield number, line, answer.changed, verdicts


HINT = re.compile(r"^  Hint: (.*)", re.M | re.S)
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\w)(?!\.\d)")


def given_away(hint, produced):
    """The numbers in `hint` that agree, to every digit the hint gives, with one of `produced`.
    A one-digit whole number (`2 or 3`, `n - 1`) is wording and never counts."""
    found = []
    for written in NUMBER.findall(hint):
        if re.fullmatch(r"-?\d", written):
            continue
        mantissa = re.sub(r"e.*|[-.]", "", written).lstrip("0") or "0"
        digits = len(mantissa) - 1
        if any(float(f"{x:.{digits}e}") == float(written) for x in produced if isinstance(x, (int, float))):
            found.append(written)
    return found

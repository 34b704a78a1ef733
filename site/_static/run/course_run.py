"""Run here: the notebook's cells, run in the page by Pyodide (Python compiled to WebAssembly), in a
Web Worker (site/_static/run/worker.mjs), the way a Jupyter kernel runs them.

- `plan(sources)` says, for every code cell of the page, whether the page can run it, from the
  cells themselves: the modules a cell imports that this Python cannot import (numpy, matplotlib,
  PyTorch are not to be had here), its IPython magics (`%matplotlib`, `%config InlineBackend`
  belong to matplotlib), and the names it uses that only a cell the page cannot run defines (or
  changes). Nothing is listed by hand.
- `run(source, number, emit)` runs one cell in the notebook's namespace (`__main__`): what it prints
  (streamed as it comes), the value of its last line as Jupyter shows it (a graph as SVG with its
  words, anything else as IPython's text), an error as its type and message with the cell's line.
- Graphs: the course's `draw_dot` builds a `graphviz.Digraph` (the real package, copied from the
  course's environment by tools/site_run.py) and asks graphviz's `dot` program to lay it out. The
  page has no programs to start, so `dot` here is Graphviz compiled to WebAssembly (viz.js, called
  by the worker): the same DOT source, laid out by the same Graphviz code.
"""
import ast
import builtins
import importlib.util
import linecache
import os
import pprint
import re
import subprocess
import sys
import time

# How a module is called in a sentence (only words: which cells can run is never decided here).
SPOKEN = {"torch": "PyTorch", "sklearn": "scikit-learn", "PIL": "Pillow"}
# IPython magics a page cannot run, and what they belong to: `%matplotlib` and `%config
# InlineBackend...` set up matplotlib's inline plots.
MAGIC = re.compile(r"^(\s*)(%%?|!)(\S*)(.*)$")
MAGIC_OWNER = {"matplotlib": "matplotlib", "config InlineBackend": "matplotlib"}
DOT = "/usr/local/bin/dot"

render_dot = None  # (source, engine, format) -> text: viz.js, handed over by the worker (start)


# ---------------------------------------------------------------- which cells the page can run

def available(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def magic_lines(source):
    """The cell without its IPython magics (each made `pass`), and what those magics need."""
    needs, lines = set(), []
    for line in source.splitlines():
        m = MAGIC.match(line)
        if m and not line.lstrip().startswith(("%=", "%)")):
            spoken = f"{m[3]}{m[4]}".strip()
            owner = next((who for start, who in MAGIC_OWNER.items() if spoken.startswith(start)), None)
            needs.add(owner or "Jupyter (IPython's magic commands)")
            lines.append(f"{m[1]}pass")
        else:
            lines.append(line)
    return "\n".join(lines), needs


class Names(ast.NodeVisitor):
    """What a cell does with names, in the order it runs: the names it reads before binding them
    itself (`reads`: they come from earlier cells), the names it binds at its top level, the names
    whose objects it changes (`a.grad = ...`, `xs[0] = ...`, `x += ...`), and for each function or
    class it defines, the outside names its body reads (read when it is called: `later`)."""

    def __init__(self):
        self.reads, self.binds, self.changes, self.later = set(), set(), set(), {}
        self.called = set()  # the cell's own functions and classes it uses after defining them
        self.local = [set()]  # names bound so far: the cell's, then one set per comprehension

    def read(self, name):
        if name in self.later:
            self.called.add(name)
        if not any(name in scope for scope in self.local):
            self.reads.add(name)

    def bind(self, name):
        self.local[-1].add(name)
        if len(self.local) == 1:
            self.binds.add(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self.read(node.id)
        else:
            self.bind(node.id)

    def change(self, node):
        """An assignment to `x.attr` or `x[i]` changes what `x` holds."""
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            while isinstance(node, (ast.Attribute, ast.Subscript)):
                node = node.value
            if isinstance(node, ast.Name) and len(self.local) == 1:
                self.changes.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List, ast.Starred)):
            for element in getattr(node, "elts", [getattr(node, "value", None)]):
                self.change(element)

    def visit_Assign(self, node):  # the value first, then the targets
        self.visit(node.value)
        for target in node.targets:
            self.change(target)
            self.visit(target)

    def visit_AnnAssign(self, node):
        if node.value:
            self.visit(node.value)
        self.change(node.target)
        self.visit(node.target)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        self.change(node.target)
        if isinstance(node.target, ast.Name):
            self.read(node.target.id)
            self.bind(node.target.id)
        else:
            self.visit(node.target)

    def visit_NamedExpr(self, node):
        self.visit(node.value)
        self.visit(node.target)

    def visit_Delete(self, node):
        for target in node.targets:
            self.change(target)
            self.visit(target)

    def visit_For(self, node):
        self.visit(node.iter)
        self.visit(node.target)
        for part in node.body + node.orelse:
            self.visit(part)

    visit_AsyncFor = visit_For

    def comprehension(self, node, results):
        self.visit(node.generators[0].iter)  # the first iterable is read outside the comprehension
        self.local.append(set())
        for i, gen in enumerate(node.generators):
            if i:
                self.visit(gen.iter)
            self.visit(gen.target)
            for condition in gen.ifs:
                self.visit(condition)
        for part in results:
            self.visit(part)
        self.local.pop()

    def visit_ListComp(self, node):
        self.comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        self.comprehension(node, [node.key, node.value])

    def visit_Import(self, node):
        for alias in node.names:
            self.bind(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node):
        for alias in node.names:
            self.bind(alias.asname or alias.name)

    def body_reads(self, node):
        """The outside names a function's (or lambda's) body reads: Python's rule, a name bound
        anywhere in a function is its own."""
        own = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)} if hasattr(node, "args") else set()
        loads = set()
        body = node.body if isinstance(node.body, list) else [node.body]
        for part in body:
            for sub in ast.walk(part):
                if isinstance(sub, ast.Name):
                    (loads if isinstance(sub.ctx, ast.Load) else own).add(sub.id)
                elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    own.add(sub.name)
                elif isinstance(sub, ast.alias):
                    own.add(sub.asname or sub.name.split(".")[0])
                elif isinstance(sub, ast.arg):
                    own.add(sub.arg)
        return {n for n in loads - own if not any(n in scope for scope in self.local)}

    def visit_FunctionDef(self, node):
        for part in node.decorator_list + node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(part)
        inside = self.body_reads(node)
        self.bind(node.name)
        if len(self.local) == 1 and inside:
            self.later.setdefault(node.name, set()).update(inside)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):  # called later, by whatever it is handed to: count its reads now
        for part in node.args.defaults:
            self.visit(part)
        self.reads |= self.body_reads(node)

    def visit_ClassDef(self, node):
        for part in node.decorator_list + node.bases + node.keywords:
            self.visit(part)
        inside = set()
        for part in node.body:  # the class body runs now; its methods' bodies when called
            if isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for d in part.decorator_list + part.args.defaults:
                    self.visit(d)
                inside |= self.body_reads(part)
            else:
                self.visit(part)
        self.bind(node.name)
        if len(self.local) == 1 and inside:
            self.later.setdefault(node.name, set()).update(inside - {node.name})

    def visit_Global(self, node):
        for name in node.names:
            self.bind(name)


def plan(sources):
    """For each cell: None if the page can run it, else {"needs": [...], "names": [...]} (what it
    needs, and the names from earlier cells through which it needs them)."""
    owed = {}  # name -> what a cell the page cannot run left it needing
    found = []
    for source in sources:
        code, needs = magic_lines(source)
        try:
            tree = ast.parse(code)
        except SyntaxError:
            found.append(None)  # the page runs it, and shows the error
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules = [node.module or ""]
            else:
                continue
            needs |= {m.split(".")[0] for m in modules if not available(m.split(".")[0])}
        names = Names()
        names.visit(tree)
        # what its own functions read, when the cell calls them, it reads too
        wanted = names.reads.union(*(names.later[f] for f in names.called))
        through = sorted(n for n in wanted if n in owed)
        for n in through:
            needs |= owed[n]
        if needs:
            for n in names.binds | names.changes:
                owed[n] = set(needs)
            found.append({"needs": sorted(SPOKEN.get(n, n) for n in needs), "names": through})
        else:
            for n in names.binds:
                owed.pop(n, None)
            for n, inside in names.later.items():
                lent = set().union(*(owed[m] for m in inside if m in owed))
                if lent:
                    owed[n] = lent
            found.append(None)
    return found


# ---------------------------------------------------------------- graphviz's `dot`, from viz.js

def install_dot():
    """Make graphviz's `dot` program exist for the graphviz package: a file on the PATH (so that
    `shutil.which('dot')` finds it), and graphviz's one door to its programs, `run_check`, passing
    the layouts to viz.js instead of starting a process (a page cannot)."""
    os.makedirs(os.path.dirname(DOT), exist_ok=True)
    with open(DOT, "w") as f:
        f.write("#!/bin/sh\n# Graphviz's dot, in the page: viz.js (Graphviz compiled to WebAssembly)\n")
    os.chmod(DOT, 0o755)
    os.environ["PATH"] = os.path.dirname(DOT) + os.pathsep + os.environ.get("PATH", "/usr/bin")

    import graphviz.backend.execute as execute

    def run_check(cmd, *, input_lines=None, encoding=None, quiet=False, capture_output=False, **kwargs):
        args = [str(a) for a in cmd]
        engine = next((a[2:] for a in args if a.startswith("-K")), "dot")
        fmt = next((a[2:] for a in args if a.startswith("-T")), "dot").split(":")[0]
        data = kwargs.get("input")
        if input_lines is not None:
            data = "".join(x.decode() if isinstance(x, bytes) else x for x in input_lines)
        if isinstance(data, bytes):
            data = data.decode(encoding or "utf-8")
        if fmt == "png":  # viz.js lays out as SVG; the page shows the SVG
            out = ""
        else:
            try:
                out = render_dot(data or "", engine, fmt)
            except Exception as error:  # Graphviz's own message, as `dot` would print it
                message = str(getattr(error, "message", error))
                raise execute.CalledProcessError(1, args, output=b"", stderr=message.encode())
        stdout = out if encoding else out.encode()
        return subprocess.CompletedProcess(args, 0, stdout=stdout, stderr="" if encoding else b"")

    execute.run_check = run_check


# ---------------------------------------------------------------- running a cell

class Stream:
    def __init__(self, name, emit):
        self.name, self.emit = name, emit

    def write(self, text):
        if text:
            self.emit("stream", {"name": self.name, "text": text})
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    encoding = "utf-8"


def bundle_of(value):
    """What Jupyter would show for `value`: an SVG picture (with its text form) or text."""
    data = {}
    for attribute in ("_repr_mimebundle_",):
        method = getattr(value, attribute, None)
        if callable(method) and not isinstance(value, type):
            got = method()
            data = dict(got[0] if isinstance(got, tuple) else got or {})
    if "image/svg+xml" not in data:
        method = getattr(value, "_repr_svg_", None)
        if callable(method) and not isinstance(value, type):
            svg = method()
            if svg:
                data["image/svg+xml"] = svg
    text = pprint.pformat(value, width=79, sort_dicts=False)
    svg = data.get("image/svg+xml")
    if isinstance(svg, bytes):
        svg = svg.decode()
    return {"svg": svg, "text": text}


def display(*values):
    """Jupyter's display(), for cells that call it."""
    for value in values:
        shown = bundle_of(value)
        _emit("display", shown)


_emit = None


def where(error, filename):
    """The cell's line the error happened at, if it happened in the cell."""
    if isinstance(error, SyntaxError) and error.filename == filename:
        return error.lineno
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def run(source, number, emit):
    """Run one cell; returns {"ms": time taken, "error": bool}."""
    global _emit
    _emit = emit
    main = sys.modules["__main__"].__dict__
    filename = f"<cell {number}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Stream("stdout", emit), Stream("stderr", emit)
    started = time.perf_counter()
    failed = False
    try:
        tree = ast.parse(source, filename)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, filename, "exec"), main)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), filename, "eval"), main)
            if value is not None:
                main["_"] = value
                emit("result", bundle_of(value))
    except BaseException as error:  # noqa: BLE001: everything the cell raises is shown, short
        failed = True
        sys.stdout.flush()
        render = getattr(error, "_render_traceback_", None)
        if callable(render):  # an error that says how Jupyter shows it: the exercises' verdicts
            emit("error", {"ename": "", "evalue": "\n".join(render()), "line": None})
        else:
            message = error.msg if isinstance(error, SyntaxError) else str(error)
            emit("error", {"ename": type(error).__name__, "evalue": message, "line": where(error, filename)})
    finally:
        sys.stdout, sys.stderr = out, err
    return {"ms": (time.perf_counter() - started) * 1000, "error": failed}


def start(renderer):
    """Set up the page's Python: graphviz's `dot` is `renderer` (viz.js), display() is Jupyter's."""
    global render_dot
    render_dot = renderer
    builtins.display = display
    install_dot()

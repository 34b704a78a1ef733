"""Plant known defects, one at a time, in a scratch copy of the course, and report which checks catch them.

    python tools/mutants.py [NAME ...]     all mutants, or those named; exit 1 if any goes uncaught
    python tools/mutants.py NAME -- ARGS   the same, with only the checks pytest ARGS choose (say
                                           `-- tests/test_pace.py`), to prove one check quickly

Each mutant edits the scratch copy the way a slip would: in a cell's code (then the notebook is
re-executed with the project's own command, so stored outputs agree with the bug), in the prose,
in a stored output, or in a set-up file. Then the whole validation runs there. A mutant that the
validation does not fail on is a hole in the checks. A mutant whose text is not found says so:
the notebook changed and the list needs updating.
"""
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course import ROOT, course, exercises, timecode

NB = {nb.number: f"notebooks/{nb.file}" for nb in course()}
EX = {ex.number: ex.path.relative_to(ROOT).as_posix() for ex in exercises()}  # the teacher's versions


class NotFound(Exception):
    pass


def edit_cell(scratch, notebook, pattern, replacement, kind="code", tag=None, count=1):
    """Replace `pattern` (a regex) in the first cell of `kind` (and tag) that has it."""
    path = scratch / notebook
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == kind and (tag is None or tag in cell.metadata.get("tags", [])) and re.search(pattern, cell.source):
            cell.source = re.sub(pattern, replacement, cell.source, count=count)
            nbformat.write(book, path)
            return
    raise NotFound(f"{notebook}: no {kind} cell matches {pattern!r}")


def append_to_markdown(scratch, notebook, heading, text):
    edit_cell(scratch, notebook, rf"(##[^\n]*{heading}[^\n]*\n)", lambda m: f"{m[1]}{text}\n\n", kind="markdown")


def execute(scratch, *notebooks):
    sync = subprocess.run([sys.executable, "tools/sync.py"], cwd=scratch, capture_output=True, text=True)
    run = subprocess.run([sys.executable, "tools/execute.py", *notebooks], cwd=scratch, capture_output=True, text=True)
    if run.returncode or sync.returncode:
        raise NotFound(f"re-executing failed: {run.stderr.strip().splitlines()[-1:]}")


def in_code(notebook, pattern, replacement, tag=None):
    """A slip in a code cell; the notebook is re-executed, and so is every later one if the cell is
    handed on (a keep: cell), as a maintainer following CONTRIBUTING would."""
    def plant(scratch):
        edit_cell(scratch, notebook, pattern, replacement, tag=tag)
        later = [path for path in NB.values() if path >= notebook and (scratch / path).exists()]
        execute(scratch, *(later if tag and tag.startswith("keep:") else [notebook]))
    return plant


def stored_output(notebook, change):
    """Change a stored output (as a hand edit would), leaving the code alone."""
    def plant(scratch):
        path = scratch / notebook
        book = nbformat.read(path, as_version=4)
        if not change(book):
            raise NotFound(f"{notebook}: no stored output to change")
        nbformat.write(book, path)
    return plant


def swap_graphs(book):
    """Swap two different stored graphs between their cells (as a careless merge would)."""
    graphs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if "graphviz" in o.get("data", {}).get("image/svg+xml", "")]
    other = next((o for o in graphs if o.data["image/svg+xml"] != graphs[0].data["image/svg+xml"]), None) if graphs else None
    if other is None:
        return False
    graphs[0].data, other.data = other.data, graphs[0].data
    return True


def scale_plot(book):
    """Edit a plot's code to scale its curve by 0.9 and store only the new code, not its outputs."""
    from course import source_hash
    for cell in book.cells:
        if cell.cell_type == "code" and re.search(r"plt\.plot\(xs, ys\)", cell.source):
            cell.source = cell.source.replace("plt.plot(xs, ys)", "plt.plot(xs, ys * 0.9)", 1)
            cell.metadata["source_hash"] = source_hash(cell)
            return True
    return False


def in_file(name, change):
    def plant(scratch):
        path = scratch / name
        path.write_text(change(path.read_text()))
    return plant


def in_prose(notebook, heading, text):
    return lambda scratch: append_to_markdown(scratch, notebook, heading, text)


def unfold_answers(scratch):
    """Unfold every answer to 01's questions but the first."""
    edit_cell(scratch, NB[1], r"(?s)(</details>.*?)<details><summary>Answer \d+</summary>", r"\1", kind="markdown", count=0)
    edit_cell(scratch, NB[1], r"(?s)(<details><summary>Answer 1</summary>.*?</details>.*?)</details>", r"\1", kind="markdown", count=0)


def tag_cell(notebook, pattern, tag):
    def plant(scratch):
        path = scratch / notebook
        book = nbformat.read(path, as_version=4)
        cell = next((c for c in book.cells if c.cell_type == "code" and re.search(pattern, c.source)), None)
        if cell is None:
            raise NotFound(f"{notebook}: no code cell matches {pattern!r}")
        cell.metadata.setdefault("tags", []).append(tag)
        nbformat.write(book, path)
    return plant


def untag_cell(notebook, pattern, tag):
    """Take `tag` off the first code cell matching `pattern` (its code and outputs as they were)."""
    def plant(scratch):
        path = scratch / notebook
        book = nbformat.read(path, as_version=4)
        cell = next((c for c in book.cells if c.cell_type == "code" and re.search(pattern, c.source)
                     and tag in c.metadata.get("tags", [])), None)
        if cell is None:
            raise NotFound(f"{notebook}: no code cell tagged {tag} matches {pattern!r}")
        cell.metadata["tags"].remove(tag)
        nbformat.write(book, path)
    return plant


def add_code_cell(notebook, source):
    def plant(scratch):
        path = scratch / notebook
        book = nbformat.read(path, as_version=4)
        book.cells.insert(-1, nbformat.v4.new_code_cell(source))
        nbformat.write(book, path)
        execute(scratch, notebook)
    return plant


# issue 15: pictures (hand edits of stored pictures, as a slip or a careless merge would make them)

def svg_pictures(book, graphs):
    """The stored outputs holding an SVG graph (graphs=True) or plot (False)."""
    return [o for c in book.cells if c.cell_type == "code" for o in c.outputs
            if "image/svg+xml" in o.get("data", {}) and ("graphviz" in o.data["image/svg+xml"]) == graphs]


def move_curve(book):
    """Move the first plotted curve 25 px down in its stored SVG; the plot's text form is kept."""
    def shift(m):
        return re.sub(r"(-?[\d.]+) (-?[\d.]+)", lambda p: f"{p[1]} {float(p[2]) + 25:g}", m[0])
    for output in svg_pictures(book, graphs=False):
        svg = output.data["image/svg+xml"]
        moved = re.sub(r'<path d="[^"]*"(?=[^>]*clip-path)', shift, svg, count=1)
        if moved != svg:
            output.data["image/svg+xml"] = moved
            return True
    return False


def swap_edge_paths(book, version=None):
    """Swap the lines of two edges of the first stored graph, their titles kept (and, if given,
    say the graph was drawn by another graphviz version)."""
    for output in svg_pictures(book, graphs=True):
        svg = output.data["image/svg+xml"]
        paths = re.findall(r'class="edge">\n<title>[^<]*</title>\n(<path[^>]*/>\n<polygon[^>]*/>)', svg)
        if len(set(paths)) > 1:
            first, other = paths[0], next(p for p in paths if p != paths[0])
            svg = svg.replace(first, "\0").replace(other, first).replace("\0", other)
            if version:
                svg = re.sub(r"graphviz version \S+", f"graphviz version {version}", svg)
            output.data["image/svg+xml"] = svg
            return True
    return False


def paint_over_plot_png(book):
    """Paint a white box over the middle of the first stored plot's PNG copy."""
    import base64
    import io
    from PIL import Image, ImageDraw
    for output in svg_pictures(book, graphs=False):
        image = Image.open(io.BytesIO(base64.b64decode(output.data["image/png"])))
        w, h = image.size
        ImageDraw.Draw(image).rectangle([w // 3, h // 3, 2 * w // 3, 2 * h // 3], fill="white")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        output.data["image/png"] = base64.b64encode(buffer.getvalue()).decode()
        return True
    return False


def drop_graph_png(book):
    """Drop the PNG copy of the first stored graph (JupyterLab then shows no picture before a run)."""
    for output in svg_pictures(book, graphs=True):
        return output.data.pop("image/png", None) is not None
    return False


def unfold_inherited(book):
    cell = next(c for c in book.cells if "course-inherited" in c.metadata.get("tags", []))
    return cell.metadata.pop("jupyter", None) is not None


def import_numpy_in_inherited(book):
    """Hand numpy on again, as the first cell did before (and re-store its hash, as make execute would)."""
    from course import source_hash
    cell = next(c for c in book.cells if "course-inherited" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("\n", "\nimport numpy as np\n", 1)
    cell.metadata["source_hash"] = source_hash(cell)
    return True


# issue 15: set-up (slips in the set-up files: each must be caught by tests/test_setup.py or tests/test_site_sources.py)
def replace_in(name, old, new):
    """Replace the text `old` in the file `name`; NotFound if the file no longer has it."""
    def plant(scratch):
        path = scratch / name
        text = path.read_text()
        if old not in text:
            raise NotFound(f"{name}: no {old!r}")
        path.write_text(text.replace(old, new, 1))
    return plant


# issue 15: numbers (printed lines, prose, notes, parameters)
def in_markdown(notebook, pattern, replacement):
    """A slip in the prose: `pattern` (a regex) replaced in the first markdown cell that has it."""
    return lambda scratch: edit_cell(scratch, notebook, pattern, replacement, kind="markdown")


# issue 17: exercises. A wrong answer typed into the teacher's version, its outputs left as they
# were (re-executing would stop at the check, which is the point): the validation, re-running the
# notebook, must find the check saying "not yet".
def wrong_answer(notebook, pattern, replacement):
    def plant(scratch):
        from course import source_hash
        edit_cell(scratch, notebook, pattern, replacement)
        path = scratch / notebook
        book = nbformat.read(path, as_version=4)
        for cell in book.cells:
            if cell.cell_type == "code":
                cell.metadata["source_hash"] = source_hash(cell)
        nbformat.write(book, path)
        subprocess.run([sys.executable, "tools/sync.py", Path(notebook).name], cwd=scratch, capture_output=True)
    return plant


# A paragraph that says nothing new, as prose that outgrows the video does (no numbers, no claims).
PADDING = " ".join(["A leaf is made directly, not computed from other tensors, and by default it asks for no gradient,"
                    " which saves work where nobody needs one."] * 14)

MUTANTS = {
    "05 x1.grad with the wrong factor": in_code(NB[5], r"x1\.grad = w1\.data \* x1w1\.grad", "x1.grad = x1.data * x1w1.grad"),
    "05 tanh step 1 - o.data": in_code(NB[5], r"\(1 - o\.data ?\*\* ?2\)", "(1 - o.data)"),
    "handed-on __mul__ labelled +": in_code(NB[3], r"(?s)(__mul__.*?Value\([^\n]*?)'\*'\)", r"\1'+')", tag="keep:value"),
    "tanh loses its _op": in_code(NB[5], r"'tanh'\)", "'')", tag="keep:value"),
    "a plotted curve scaled by 0.9": stored_output(NB[2], scale_plot),
    "a stored graph swapped for another cell's": stored_output(NB[3], swap_graphs),
    "claim dL/da=7.0 in inline code": in_prose(NB[4], "Recap", "So `dL/da=7.0`."),
    "claim in LaTeX": in_prose(NB[4], "Recap", r"So $\frac{\partial L}{\partial a} = 7$."),
    "claim in plain prose": in_prose(NB[4], "Recap", "So the gradient of `a` is 7.0 here."),
    "claim in a folded answer": in_prose(NB[4], "Questions", "<details><summary>Answer 0</summary>\n\n`a.grad` is 7.0.\n</details>"),
    "an output printing /usr/bin/dot": add_code_cell(NB[3], "import shutil\nprint(shutil.which('dot'))"),
    "an output printing a memory address": add_code_cell(NB[3], "print(object())"),
    "notebook kernels over TCP again": replace_in("conftest.py", 'transport="ipc", ', ""),
    "a kernel that dies at start is not started again": replace_in(
        "conftest.py", "        except RuntimeError as first:", "        except KeyError as first:"),
    "a new unpinned requirement line": in_file("requirements.txt", lambda text: text + "rich\n"),
    "all folded answers but one unfolded": unfold_answers,
    "a notes file linking to a missing notebook": in_file("transcript/01-micrograd-overview.md",
                                                         lambda text: text + "\n[More](../notebooks/99-missing.ipynb)\n"),
    "a notes link to a missing section": in_file("transcript/04-manual-backprop-expression.md",
                                                 lambda text: text + f"\n[More](../{NB[4]}#no-such-section)\n"),
    "a cell tagged raises-exception": tag_cell(NB[3], r"except TypeError", "raises-exception"),
    "plumbing in the prose": in_prose(NB[2], "Recap", "The plots carry a PNG for GitHub."),
    "a graph too wide for the page": in_code(NB[3], r"'size': '[\d.]+,?[\d.]*!?',?", "", tag="keep:draw"),
    "04 check from a typed-in number": in_code(NB[4], r"\bc_input\b(?! =)", "10.0"),
    # issue 15: exercises
    "e3 close() accepts anything (tolerance 1e9)": in_code(EX[3],
                                                           r"tolerance=1e-6\)", "tolerance=1e9)"),
    "e2 by-hand checks accept 20% off": in_code(EX[2],
                                                r"if not close\(v\.grad, slope\)", "if not close(v.grad, slope, 0.2)"),
    "e4 4.3 accepts a loss below 5": in_code(EX[4],
                                             r"losses\[-1\] >= 0\.05", "losses[-1] >= 5"),
    "e2 2.2's hint gives L2.data": in_code(EX[2], r'(f and k\.)"\)',
                                           r'\1 You should get L2.data = 9.2470.")'),
    "e4 4.3's hint names the learning rate": in_code(EX[4],
                                                     r'(gets there quickly\.)"\)', r'\1 A rate of 0.1 does it.")'),
    "e3 3.1: two solution lines below END SOLUTION": in_code(
        EX[3],
        r"(    out\._backward = _backward\n    return out\n)(    ### END SOLUTION\n)", r"\2\1"),
    "e2 2.1: two solution lines below END SOLUTION": in_code(
        EX[2],
        r"(a\.grad = 1\.0 \* e\.grad\nb\.grad = 1\.0 \* e\.grad\n)(### END SOLUTION\n)", r"\2\1"),
    # issue 17: exercises
    "e3 3.2: the lecture's recursive sort as the teacher's backward()": wrong_answer(
        EX[3], r"(?s)(def backward\(self\):\n.*?### BEGIN SOLUTION\n).*?(    ### END SOLUTION)",
        r"\1    topo, visited = [], set()\n\n    def build(v):\n        if v not in visited:\n"
        r"            visited.add(v)\n            for child in v._prev:\n                build(child)\n"
        r"            topo.append(v)\n    build(self)\n    self.grad = 1.0\n    for v in reversed(topo):\n"
        r"        v._backward()\n\2"),
    "e3 3.5: the exp slip left in MendedValue": wrong_answer(EX[3], r"(class MendedValue(?s:.*?))self\.grad \+= out\.data",
                                                      r"\1self.grad = out.data"),
    "e4 4.4: a loss that forgets the square": wrong_answer(EX[4], r"\(model\(x\) - y\) \*\* 2", "(model(x) - y)"),
    "e4 4.6: train_step without zero_grad": wrong_answer(EX[4], r"    for p in model\.parameters\(\):\n        p\.grad = 0\.0\n", ""),
    "e3: a hand-edited students' version": in_file("exercises/e3-operations-and-backward.ipynb",
                                                   lambda text: text.replace("Write `relu(self)`", "Write `relu(x)`", 1)),
    "e4: the worked solutions linked in the middle": lambda scratch: (
        append_to_markdown(scratch, EX[4], "Exercise 4.4", "Stuck? [A worked solution](../teachers/source/)."),
        execute(scratch, EX[4])),
    # issue 15: pictures
    "03 draw_dot's grad row shows data": in_code(NB[3], r"f'grad \{v\.grad:\.4f\}'", "f'grad {v.data:.4f}'",
                                                 tag="keep:draw"),
    "03 draw_dot leaves out a second edge from a reused value": in_code(NB[3], r"edges\.append\(\(child, v\)\)",
                                                                       "pass", tag="keep:draw"),
    "02 a stored curve moved 25 px": stored_output(NB[2], move_curve),
    # issue 16: the first cell
    "an inherited cell left unfolded": stored_output(NB[5], unfold_inherited),
    "02 a stored plot's PNG copy painted over": stored_output(NB[2], paint_over_plot_png),
    "04 a graph's PNG copy dropped": stored_output(NB[4], drop_graph_png),
    "08 the exp slip fixed in its class, which stays tagged wrong-on-purpose": in_code(
        NB[8], r"self\.grad = out\.data \* out\.grad", "self.grad += out.data * out.grad"),
    "10 the loss drawn at full size, not as an overview": in_code(
        NB[10], r"draw_dot\(loss, overview=True\)", "draw_dot(loss)"),
    "numpy handed on where nothing uses it": stored_output(NB[4], import_numpy_in_inherited),
    "04 two edges' lines swapped, titles kept": stored_output(NB[4], swap_edge_paths),
    "04 two edges' lines swapped, drawn by another graphviz": stored_output(
        NB[4], lambda book: swap_edge_paths(book, version="16.0.0")),
    # issue 15: set-up
    "environment.yml asks for python=3.10": replace_in("environment.yml", "  - python=3.11", "  - python=3.10"),
    "README promises Python 3.11 or 3.13 only": replace_in("README.md", "Python 3.11, 3.12 or 3.13):", "Python 3.11 or 3.13):"),
    ".ci/run tests a hard-coded 3.11 and 3.12": replace_in(".ci/run", "$(tools/ensure-venv --supported)", "3.11 3.12"),
    "ensure-venv asks the old .venv's python3": replace_in("tools/ensure-venv", "\nPATH=$(without_venv_bin)\n", "\n"),
    "site conf.py loads a script from a CDN": replace_in(
        "site/conf.py", 'html_js_files = ["sections.js"',
        'html_js_files = ["https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.min.js", "sections.js"'),
    "site CSS imports a web font": replace_in(
        "site/_static/course.css", "\n", '\n@import url("https://fonts.googleapis.com/css2?family=Inter&display=swap");\n'),
    "site conf.py drops mathjax_path (MathJax from a CDN)": replace_in(
        "site/conf.py", 'mathjax_path = "mathjax/tex-chtml.js"', ""),
    # issue 15: numbers (printed lines, prose, notes, parameters)
    "04 a gradient printed in a shape the replay did not read": in_code(
        NB[4], r"(a\.grad = b\.data \* e\.grad[^\n]*\n)", r'\1print("grad of a:", a.grad * 1.01)\n'),
    "09 PyTorch's gradients printed 1% off in 'x2 grad 0.5' lines": in_code(
        NB[9], r"\{leaf\.grad\.item\(\):\.4f\}", "{leaf.grad.item() * 1.01:.4f}"),
    "01 a child printed as a Value it is not": in_code(
        NB[1], r"\{child\}", "Value(data={child.data + 1:.4f}, grad={child.grad:.4f})"),
    "07 prose claims the buggy gradients as the chain rule's": in_markdown(
        NB[7], r"`a\.grad = -3\.0` and `b\.grad = -8\.0`, as the chain rule says", "`a.grad = 3.0` and `b.grad = -2.0`, as the chain rule says"),
    "11 prose: all 42 of them": in_markdown(NB[11], r"all 41 of them", "all 42 of them"),
    "12 prose: the accuracy climbs to 95%": in_markdown(NB[12], r"climbs to 100%", "climbs to 95%"),
    "04 LaTeX arithmetic: (-2) · 2 = -5": in_markdown(NB[4], r"\(-2\) \\cdot 2 = -4\$\$", r"(-2) \\cdot 2 = -5$$"),
    "notes 04: the gradient of f is the value of d (−4)": replace_in(
        "transcript/04-manual-backprop-expression.md", "the value of `d` (4)", "the value of `d` (−4)"),
    "notes 11: the first loss misquoted": replace_in("transcript/11-training.md", "7.1115", "7.1151"),
    "04 parameters gain step_size, which a later cell sets again": in_code(
        NB[4], r"(f_input = -2\.0)", r"\1\nstep_size = 0.01", tag="parameters"),
    "04 parameters gain an input nothing uses": in_code(NB[4], r"(f_input = -2\.0)", r"\1\nh_input = 0.001",
                                                       tag="parameters"),
    "05 a last cell sets an input back, after it was used": add_code_cell(NB[5], "x2_data = 0.0   # the lecture's"),
    # issue 16: code width
    "04 a comment back beside its line, 90 columns": in_code(
        NB[4], r"# (how far L moves when d alone grows by h)\n(rise = [^\n]*)", r"\2   # \1"),
    "e1 1.1's hint joined on one line, 103 columns": in_code(
        EX[1], r'(two points\? )"\n +"(Divide by)', r"\1\2"),
    # issue 16: the lecture's wrong versions, proved wrong
    "06 the None slip's failed call untagged": untag_cell(NB[6], r"o_slip\._backward\(\)", "wrong-on-purpose"),
    "09 the float32 table untagged": untag_cell(NB[9], r"lecture_leaves\[v\.label\]", "wrong-on-purpose"),
    "09 the lecture's bias made float64, its table still tagged wrong-on-purpose": in_code(
        NB[9], r"torch\.Tensor\(\[b_data\]\)\.double\(\)", "torch.tensor([b_data], dtype=torch.float64)"),
    "11 the manual rounds untagged (gradients never reset)": untag_cell(
        NB[11], r"for k in range\(2, 5\)", "wrong-on-purpose"),
    "11 the lecture's loop resets the gradients, still tagged wrong-on-purpose": in_code(
        NB[11], r"(    # backward pass\n)(    loss\.backward\(\))", r"\1    for p in n.parameters():\n        p.grad = 0.0\n\2"),
    # issue 16: going further and pace
    "07 a Going further heading gets its ▶ back": in_markdown(
        NB[7], r"(### <a id=\"going-further-deep-graphs[^\n]*?limit)\n", lambda m: f"{m[1]} {timecode(4942)}\n"),
    "08 a lecture heading loses its ▶": in_markdown(NB[8], r"(The power rule) \[▶[^\]]*\]\([^)]*\)", lambda m: m[1]),
    "09 a lecture section padded with prose": in_markdown(
        NB[9], r"(Leaves that require gradients[^\n]*\n)", lambda m: m[1] + "\n" + PADDING + "\n"),
    "07 a ▶ link typed with a plain space": in_markdown(NB[7], "▶\u00a0(01:18:17)", lambda m: f"▶ {m[1]}"),
    "notes 07: a ▶ link typed with a plain space": replace_in(
        "transcript/07-backward-whole-graph.md", "[▶\u00a001:18:17]", "[▶ 01:18:17]"),
    # issue 16: notebook 12
    "12 demo's training cut short, the prose unchanged": in_code(NB[12], r"for k in range\(100\):",
                                                                  "for k in range(30):"),
    "12 a Going further heading carries a video link": in_markdown(
        NB[12], r"(Going further: the reversed operators)\n",
        lambda m: f"{m[1]} {timecode(8258)}\n"),
    "12 backward() lets go of the graph: a second pass adds nothing": in_code(
        NB[12], r"(            v\._backward\(v\)\n)",
        r"\1        for v in topo:\n            v._backward = lambda out: None\n", tag="keep:value"),
}


def caught_by(output):
    failed = re.findall(r"^FAILED (.+?)(?: - .*)?$", output, re.M)
    return sorted({re.sub(r"\[.*", "", f).replace("::", " ") for f in failed})


def try_mutant(name, plant, checks=()):
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "course"
        shutil.copytree(ROOT, scratch, ignore=shutil.ignore_patterns(".venv*", ".git", "build", "student", "__pycache__"))
        try:
            plant(scratch)
        except NotFound as problem:
            return "NOT PLANTED", str(problem)
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope", "-x", "-rf",
                              *checks], cwd=scratch, capture_output=True, text=True)
        if run.returncode == 0:
            return "MISSED", "the validation passed"
        return "caught", "; ".join(caught_by(run.stdout)[:3]) or run.stdout.strip().splitlines()[-1]


def main(args):
    names, checks = (args[:args.index("--")], args[args.index("--") + 1:]) if "--" in args else (args, [])
    unknown = [n for n in names if n not in MUTANTS]
    if unknown:
        sys.exit(f"no such mutant: {', '.join(unknown)}")
    chosen = {n: m for n, m in MUTANTS.items() if not names or n in names}
    began, holes = time.perf_counter(), 0
    print("| planted defect | result | caught by |\n| --- | --- | --- |")
    for name, plant in chosen.items():
        result, detail = try_mutant(name, plant, checks)
        holes += result != "caught"
        print(f"| {name} | {result} | {detail} |", flush=True)
    print(f"\n{len(chosen) - holes} of {len(chosen)} caught in {time.perf_counter() - began:.0f} s")
    return 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

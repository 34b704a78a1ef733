"""What CPython makes of a notebook's cells: the reference the page's own runs are held to
(tests/browser/test_run.py). Run with the course's Python, as a separate process:

    python tests/browser/reference.py < {"cells": [source, ...], "block": ["torch", ...]}

runs the cells one after the other in one IPython shell (the kernel Jupyter uses, magics and all),
with the modules in `block` made impossible to import, and prints, for each cell, as JSON: the
error it stopped with ("TypeError: ...", or the words an error that says how Jupyter shows it
gives, such as an exercise's verdict; or null), what it printed, what its last line showed, and
the time it took (ms):
text as Jupyter shows it (IPython's pretty printer), or for a graph of `draw_dot`, its values'
fields and its edges, read from the DOT source the graphviz package made (as the page's come).
"""
import contextlib
import io
import json
import re
import sys
import time
from importlib.abc import MetaPathFinder


class Blocked(MetaPathFinder):
    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def dot_graph(source):
    """{node name: [fields of its label]}, sorted edges, from a DOT source as graphviz writes it."""
    nodes, edges = {}, []
    for line in source.splitlines():
        m = re.match(r'\s*(\w+) -> (\w+)', line)
        if m:
            edges.append(f"{m[1]}->{m[2]}")
            continue
        m = re.match(r'\s*(\w+) \[label="((?:[^"\\]|\\.)*)"', line) or re.match(r"\s*(\w+) \[label=(\S+?)[ \]]", line)
        if m:
            label = m[2].replace('\\"', '"').replace("\\\\", "\\")
            nodes[m[1]] = [part.strip() for part in label.split(" | ")] if "shape=record" in line else [label]
    return {"nodes": nodes, "edges": sorted(edges)}


def main():
    job = json.load(sys.stdin)
    if job.get("block"):
        sys.meta_path.insert(0, Blocked(job["block"]))
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.lib.pretty import pretty
    shell = InteractiveShell.instance()
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    hook = shell.displayhook
    hook.write_output_prompt = lambda: None
    hook.compute_format_data = lambda result: ({}, {})
    hook.write_format_data = lambda *args, **kwargs: None
    found = []
    for source in job["cells"]:
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            result = shell.run_cell(source, store_history=False)
        ms = (time.perf_counter() - started) * 1000
        error = result.error_before_exec or result.error_in_exec
        value = result.result
        shown = graph = None
        if value is not None and hasattr(value, "source") and hasattr(value, "pipe"):
            graph = dot_graph(value.source)
        elif value is not None:
            shown = pretty(value)
        if error is not None and callable(getattr(error, "_render_traceback_", None)):
            error = "\n".join(error._render_traceback_())  # shown as it says, as Jupyter does
        elif error is not None:
            error = f"{type(error).__name__}: {error}"
        found.append({"error": error,
                      "stdout": out.getvalue(), "result": shown, "graph": graph, "ms": ms})
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main()

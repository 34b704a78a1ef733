"""Run here (the course site's Sphinx extension for it, loaded by site/conf.py): the notebook pages
run their own code in the browser, offline, with nothing installed.

What the pages need, copied into the built site's `_static/run/` (never fetched from a CDN):
- Pyodide, Python compiled to WebAssembly, from npm (`pyodide`, pinned in site/package.json and
  site/package-lock.json, installed by `make site` with `npm ci --prefix site`): only the files a
  page loads, its core without packages (RUNTIME);
- viz.js, Graphviz compiled to WebAssembly, from npm (`@viz-js/viz`, pinned likewise): the `dot`
  program that lays out the graphs `draw_dot` makes;
- the `graphviz` Python package, as one zip, taken from the course's own environment (the version
  requirements.lock pins, pure Python): the same package builds the same DOT source as in Jupyter;
- site/_static/run/course_run.py (what runs the cells) and worker.mjs, with the rest of _static.

Each page learns where they are from `window.COURSE_RUN` (an inline script); the folders carry
the versions, so a browser never mixes a cached old file with a new one. site/_static/run.js is
the page's side (the switch, the editors, the outputs).
"""
import hashlib
import io
import json
import shutil
import zipfile
from importlib.metadata import distribution
from pathlib import Path

from course import ROOT

MODULES = ROOT / "site" / "node_modules"
RUNTIME = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
VIZ = "@viz-js/viz/dist/viz.js"
NO_MODULES = ("Run here needs Pyodide and viz.js from npm in site/node_modules: run `npm ci --prefix site` "
              "(`make site` does it).")


def version(package):
    path = MODULES / package / "package.json"
    if not path.exists():
        raise RuntimeError(NO_MODULES)
    return json.loads(path.read_text())["version"]


def graphviz_zip():
    """The `graphviz` package of the course's environment, its modules and metadata, as a zip
    (fixed dates, so the same package always gives the same bytes)."""
    dist = distribution("graphviz")
    found = io.BytesIO()
    with zipfile.ZipFile(found, "w", zipfile.ZIP_DEFLATED) as z:
        for file in sorted(dist.files, key=str):
            name = str(file)
            if "__pycache__" in name or not (name.endswith(".py") or ".dist-info/" in name) or name.endswith("RECORD"):
                continue
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, Path(dist.locate_file(file)).read_bytes())
    return dist.version, found.getvalue()


def paths():
    """Where the files lie, relative to `_static/`."""
    gv, data = graphviz_zip()
    return {
        "pyodide": f"run/pyodide-{version('pyodide')}/",
        "viz": f"run/viz-{version('@viz-js/viz')}/viz.js",
        "graphviz": f"run/graphviz-{gv}-{hashlib.sha1(data).hexdigest()[:8]}.zip",
    }, data


def copy(src, dst):
    """Copy unless the same file is there already (a second build copies nothing)."""
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def config(app):
    """Each page's `window.COURSE_RUN`: where the files are, relative to `_static/`."""
    where, _ = paths()
    runner = (Path(app.confdir) / "_static" / "run" / "course_run.py").read_bytes()
    where["runner"] = f"run/course_run.py?v={hashlib.sha1(runner).hexdigest()[:8]}"
    where["worker"] = "run/worker.mjs"
    app.add_js_file(None, body=f"window.COURSE_RUN = {json.dumps(where)};")


def finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    where, data = paths()
    for name in RUNTIME:
        copy(MODULES / "pyodide" / name, static / where["pyodide"] / name)
    copy(MODULES / VIZ, static / where["viz"])
    target = static / where["graphviz"]
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
    keep = {Path(where[k]).parts[1] for k in ("pyodide", "viz", "graphviz")} | {"course_run.py", "worker.mjs"}
    for old in (static / "run").iterdir():  # an earlier version's files
        if old.name not in keep:
            shutil.rmtree(old) if old.is_dir() else old.unlink()


def setup(app):
    version("pyodide")  # fail early, with the fix, when the modules are missing
    app.connect("builder-inited", config)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

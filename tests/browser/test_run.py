"""Run here (issue 19): the notebook pages run their own code in the browser, network blocked.

Every notebook page, as it is at test time (the notebooks change: nothing here counts cells):
switched on, every cell the page says it can run is run top to bottom, and each prints what its
stored output holds and draws the stored graph (node labels and edges); the cells it says it
cannot run are exactly those that fail in CPython when numpy, matplotlib and PyTorch cannot be
imported (tests/browser/reference.py runs them in the course's own IPython). On 04, an input
changed in the parameters cell gives the gradients CPython prints for that input, and the graphs
are redrawn with the new numbers; the change survives a reload until it is undone. No request
leaves 127.0.0.1, no console error, everything is reachable by Tab, Shift+Enter runs a cell,
axe-core finds nothing. Start-up within 5 s, a cell within 3× CPython's time.

Each check is a function that returns what is wrong, and a `test_planted_*` self-test breaks the
real thing in the page (the runner or the worker served with a defect, a handler taken away) and
sees the check report it.
"""
import base64
import json
import os
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ARTIFACTS, ROOT, SITE, Watched
from test_a11y import AXE, axe_violations

SOURCES = ROOT / "build" / "site-src" / "notebooks"  # what the pages were built from
PAGES = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "notebooks").glob("*.html")
               if (SOURCES / p.with_suffix(".ipynb").name).exists())
# What the issue says a browser cannot have offline; the reference blocks exactly these.
UNAVAILABLE = ["numpy", "matplotlib", "torch"]
STARTUP_BUDGET = 5.0  # s, switch to the first cell's output
SIZE_BUDGET = 20e6    # bytes the site may grow by for Run here (all of it lies in _static/run/)
SLOWER_BUDGET = 3.0   # a cell in the page, against the same cell in CPython
REFERENCE = Path(__file__).resolve().parent / "reference.py"


# ---------------------------------------------------------------- reading notebooks, pages, CPython

def notebook_cells(path):
    """The code cells of the notebook a page was built from: source, tags, stored text and graphs."""
    book = json.loads((SOURCES / Path(path).with_suffix(".ipynb").name).read_text())
    found = []
    for cell in book["cells"]:
        if cell["cell_type"] != "code":
            continue
        text, graphs = "", []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                text += "".join(out["text"])
            elif "data" in out and "image/svg+xml" in out["data"]:
                graphs.append(svg_graph("".join(out["data"]["image/svg+xml"])))
            elif "data" in out and "text/plain" in out["data"]:
                text += "".join(out["data"]["text/plain"])
        found.append({"source": "".join(cell["source"]), "tags": cell["metadata"].get("tags", []),
                      "text": text, "graphs": graphs})
    return found


def svg_graph(svg):
    """A graphviz SVG's nodes ({name: [its words, one per text line or record field]}) and edges."""
    if 'class="graph"' not in svg:
        return {"plot": True}
    nodes = {}
    for m in re.finditer(r'<g id="[^"]*" class="node">\s*<title>(.*?)</title>(.*?)</g>', svg, re.S):
        nodes[unescape(m[1])] = [unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", m[2], re.S)]
    edges = sorted(unescape(t).replace("&#45;", "-") for t in
                   re.findall(r'<g id="[^"]*" class="edge">\s*<title>(.*?)</title>', svg, re.S))
    return {"nodes": nodes, "edges": edges}


_REFERENCE = {}


def reference(sources, block=()):
    """CPython's run of the cells (reference.py, in the course's Python); one run per job per session."""
    job = json.dumps({"cells": list(sources), "block": list(block)})
    if job not in _REFERENCE:
        done = subprocess.run([sys.executable, str(REFERENCE)], input=job, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        _REFERENCE[job] = json.loads(done.stdout)
    return _REFERENCE[job]


def switch_on(watched, path, keyboard=False):
    """Open the page and turn Run here on; returns the page and the seconds to the first cell's end."""
    page = watched.open(path)
    started = time.monotonic()
    if keyboard:
        page.focus(".run-toggle")
        page.keyboard.press("Space")
    else:
        page.click(".run-toggle")
    page.wait_for_function("window.courseRun && courseRun.startup !== null", timeout=60000)
    return page, time.monotonic() - started


def settle(page, timeout=300000):
    page.wait_for_function("!document.querySelector('[data-run=waiting]')", timeout=timeout)


def run_all(page):
    page.click(".run-all")
    settle(page)


def page_cells(page):
    """What the page shows for each code cell while Run here is on."""
    return page.evaluate("""() => courseRun.cells().map(c => ({
      source: c.editor ? c.editor.value : null,
      state: c.el.dataset.run || null,
      ms: c.el.dataset.runMs ? Number(c.el.dataset.runMs) : null,
      note: c.note ? c.note.textContent : null,
      text: c.out ? [...c.out.querySelectorAll('.run-text:not(.run-error)')].map(p => p.textContent).join('') : '',
      errors: c.out ? [...c.out.querySelectorAll('.run-error')].map(p => p.textContent) : [],
      graphs: c.out ? [...c.out.querySelectorAll('img.run-graph')].map(i => i.getAttribute('src')) : [],
      stored: !!(c.stored && !c.stored.hidden),
    }))""")


def data_svg(src):
    head, _, body = src.partition(",")
    return base64.b64decode(body).decode() if ";base64" in head else unquote(body)


# ---------------------------------------------------------------- the checks

def run_problems(cells, stored, cannot):
    """What is wrong with a page's run of every cell: `cells` from page_cells, `stored` from
    notebook_cells, `cannot` the indexes CPython cannot run without numpy, matplotlib, PyTorch."""
    found = []
    if len(cells) != len(stored):
        return [f"the page has {len(cells)} code cells, the notebook {len(stored)}"]
    says = [i for i, c in enumerate(cells) if c["note"] or c["state"] == "cannot"]
    if says != cannot:
        found.append(f"the page says it cannot run cells {[i + 1 for i in says]}; those needing numpy, "
                     f"matplotlib or PyTorch are {[i + 1 for i in cannot]}")
    for i, (got, want) in enumerate(zip(cells, stored)):
        where = f"cell {i + 1} ({want['source'].splitlines()[0][:50] if want['source'] else ''!r})"
        if got["source"] != want["source"]:
            found.append(f"{where}: the editor does not hold the notebook's code")
        if i in cannot:
            if not got["note"] or not re.search(r"numpy|matplotlib|PyTorch", got["note"]) or "make lab" not in got["note"]:
                found.append(f"{where}: its note does not say what it needs and where to run it: {got['note']!r}")
            if want["text"] or want["graphs"]:
                if not got["stored"]:
                    found.append(f"{where}: its stored output is gone")
            continue
        if got["state"] != "ran":
            found.append(f"{where}: {got['state'] or 'not run'} {got['errors']}")
            continue
        if got["text"] != want["text"]:
            found.append(f"{where}: prints\n{got['text'][:400]}\ninstead of\n{want['text'][:400]}")
        graphs = [svg_graph(data_svg(g)) for g in got["graphs"]]
        if graphs != want["graphs"]:
            found.append(f"{where}: draws {len(graphs)} graphs unlike the stored {len(want['graphs'])}: "
                         f"{graph_difference(graphs, want['graphs'])}")
    return found


def graph_difference(got, want):
    for a, b in zip(got, want):
        if a != b:
            nodes = {k: v for k, v in a.get("nodes", {}).items() if b.get("nodes", {}).get(k) != v}
            edges = set(a.get("edges", [])) ^ set(b.get("edges", []))
            return f"nodes {dict(list(nodes.items())[:4])}, edges {sorted(edges)[:6]}"
    return "a graph missing or extra"


def traffic_problems(watched):
    found = [f"asked the internet for {u}" for u in watched.external]
    found += [f"console error: {e}" for e in watched.errors]
    found += [f"request failed: {f}" for f in watched.failed]
    return found


def keyboard_problems(page):
    """Tab from the switch reaches Run all, then cells' Run buttons and editors; every open
    cell's Run button and editor is a Tab stop."""
    found = []
    page.focus(".run-toggle")
    reached = []
    for _ in range(120):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.className || document.activeElement.tagName"))
        if all(any(k in r.split() for r in reached) for k in ("run-all", "run-button", "run-editor")):
            break
    for kind in ("run-all", "run-button", "run-editor"):
        if not any(kind in r.split() for r in reached):
            found.append(f"Tab from the switch never reaches a {kind}: {reached[:12]}")
    dead = page.evaluate("""() => [...document.querySelectorAll('.run-button, .run-editor')]
      .filter(e => e.offsetParent !== null && (e.tabIndex < 0 || e.disabled)).length""")
    if dead:
        found.append(f"{dead} Run buttons or editors are not Tab stops")
    return found


def shift_enter_problems(page, index):
    """Shift+Enter in cell `index`'s editor runs it and moves to the next cell's editor."""
    before = page.evaluate(f"courseRun.cells()[{index}].ran || 0")
    page.focus(f":nth-match(.run-editor, {index + 1})")
    page.keyboard.press("Shift+Enter")
    try:
        page.wait_for_function(f"(courseRun.cells()[{index}].ran || 0) > {before}", timeout=15000)
    except Exception:
        return [f"Shift+Enter in cell {index + 1} did not run it"]
    if not page.evaluate(f"document.activeElement === courseRun.cells()[{index + 1}].editor"):
        return ["Shift+Enter did not move to the next cell"]
    return []


def kept_problems(page, index, text):
    """After a reload, with Run here on again, cell `index` holds `text`."""
    page.reload()
    page.wait_for_load_state("load")
    if page.get_attribute(".run-toggle", "aria-checked") != "true":
        page.click(".run-toggle")
    page.wait_for_function(f"courseRun.cells()[{index}].editor", timeout=10000)
    value = page.evaluate(f"courseRun.cells()[{index}].editor.value")
    return [] if value == text else [f"after a reload cell {index + 1} holds {value[:60]!r}, not {text[:60]!r}"]


def speed_problems(page_ms, cpython_ms, what):
    if page_ms > SLOWER_BUDGET * cpython_ms:
        return [f"{what}: {page_ms:.0f} ms in the page, {cpython_ms:.0f} ms in CPython: "
                f"{page_ms / cpython_ms:.1f}× (at most {SLOWER_BUDGET}×)"]
    return []


def serve_changed(watched, pattern, old, new, content_type):
    """Serve a file of the site with `old` replaced by `new` (a planted defect), for every request
    matching `pattern`; the file must hold `old`, so the defect is really planted."""
    def route(route):
        path = SITE / unquote(route.request.url.split(watched.server + "/", 1)[1].split("?")[0])
        text = path.read_text()
        assert old in text, f"the defect cannot be planted: {old!r} is not in {path.name}"
        route.fulfill(status=200, content_type=content_type, body=text.replace(old, new))
    watched.context.route(pattern, route)


# ---------------------------------------------------------------- every notebook page

@pytest.mark.parametrize("path", PAGES)
def test_every_cell_the_page_can_run_gives_the_stored_output(watched, path):
    stored = notebook_cells(path)
    cannot = [i for i, r in enumerate(reference([c["source"] for c in stored], UNAVAILABLE)) if r["error"]]
    page, startup = switch_on(watched, path)
    run_all(page)
    cells = page_cells(page)
    problems = run_problems(cells, stored, cannot) + traffic_problems(watched)
    assert not problems, f"{path}:\n" + "\n".join(problems)
    ran = sum(c["state"] == "ran" for c in cells)
    print(f"{path}: {ran} of {len(cells)} cells run in the page, {len(cannot)} need numpy, matplotlib or "
          f"PyTorch; started in {startup:.1f} s")


def planted_run(watched, text, replacement, number):
    """What the checks find on notebook `number`'s page run top to bottom, with `text` in the page's
    cell runner (course_run.py) served as `replacement`."""
    serve_changed(watched, "**/_static/run/course_run.py*", text, replacement, "text/x-python")
    path = next(p for p in PAGES if f"/{number}-" in p)
    stored = notebook_cells(path)
    cannot = [i for i, r in enumerate(reference([c["source"] for c in stored], UNAVAILABLE)) if r["error"]]
    page, _ = switch_on(watched, path)
    run_all(page)
    return run_problems(page_cells(page), stored, cannot)


def test_planted_wrong_random_numbers_are_caught(watched):
    """The page's Python with a `random` unlike CPython's: the seeded networks of 10 print other numbers."""
    found = planted_run(watched, "    builtins.display = display\n",
                        "    builtins.display = display\n"
                        "    import random; random.uniform = lambda a, b: (a + b) / 2\n", "10")
    assert any("prints" in f for f in found), found


def test_planted_graph_without_edges_is_caught(watched):
    """A `dot` in the page that loses the edges: the graphs of 04 differ from the stored ones."""
    found = planted_run(watched, "                out = render_dot(data or \"\", engine, fmt)",
                        "                out = render_dot(re.sub(r'\\w+ -> \\w+[^\\n]*\\n', '', data or ''), "
                        "engine, fmt)", "04")
    assert any("draws" in f and "edges" in f for f in found), found


def test_planted_plan_that_forgets_earlier_cells_is_caught(watched):
    """A plan that looks only at a cell's own imports: 09's cells that use `torch` from an earlier
    cell are run (and fail) instead of being said to need PyTorch."""
    found = planted_run(watched, "        through = sorted(n for n in wanted if n in owed)",
                        "        through = []", "09")
    assert any("says it cannot run" in f for f in found), found


def test_planted_plan_that_forgets_what_a_cells_own_functions_read_is_caught(watched):
    """A plan that ignores the bodies of functions a cell defines and then calls: 12's test, whose
    `tensor()` reads `torch`, is run (and fails) instead of being said to need PyTorch."""
    found = planted_run(watched, "        wanted = names.reads.union(*(names.later[f] for f in names.called))",
                        "        wanted = names.reads", "12")
    assert any("says it cannot run" in f for f in found), found


def screenshots(page, target, name, above):
    """`target` with `above` px of the page over it, on a laptop and on a phone, saved for a person
    to look at: build/site-test/NAME-1366.png and NAME-390.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        target.scroll_into_view_if_needed()
        page.evaluate(f"window.scrollBy(0, -{above})")
        page.wait_for_timeout(200)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))


# ---------------------------------------------------------------- 04: an input changed

def changed_parameters(source):
    """The parameters cell with its first input moved by 1.0: (new source, name, new value)."""
    m = re.search(r"^(\w+) = (-?[\d.]+)$", source, re.M)
    assert m, "04's parameters cell has no `name = number` line"
    value = float(m[2]) + 1.0
    return source[:m.start()] + f"{m[1]} = {value}" + source[m.end():], m[1], value


def edited_run_problems(page, stored, first, sources):
    """From the parameters cell on, the page prints what CPython prints for the same cells, and
    draws the graphs CPython's graphviz package describes."""
    found = []
    ref = reference(sources)
    cells = page_cells(page)
    for i in range(first, len(sources)):
        got, want = cells[i], ref[i]
        if want["error"]:
            continue
        text = want["stdout"] + (want["result"] or "")
        if got["text"] != text:
            found.append(f"cell {i + 1} prints\n{got['text'][:300]}\nwhere CPython prints\n{text[:300]}")
        graphs = [svg_graph(data_svg(g)) for g in got["graphs"]]
        if want["graph"] and graphs != [want["graph"]]:
            found.append(f"cell {i + 1}: the graph is not CPython's: {graph_difference(graphs, [want['graph']])}")
    return found


def test_04_an_input_changed_gives_cpythons_gradients_and_graphs(watched):
    path = next(p for p in PAGES if "/04-" in p)
    stored = notebook_cells(path)
    first = next(i for i, c in enumerate(stored) if "parameters" in c["tags"])
    edited, name, value = changed_parameters(stored[first]["source"])
    page, startup = switch_on(watched, path, keyboard=True)
    editor = f":nth-match(.run-editor, {first + 1})"
    page.focus(editor)
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(edited)
    for i in range(first, len(stored)):  # run the rest, from the keyboard: Shift+Enter moves on
        page.keyboard.press("Shift+Enter")
    settle(page)
    sources = [c["source"] for c in stored]
    sources[first] = edited
    problems = edited_run_problems(page, stored, first, sources) + traffic_problems(watched)
    assert not problems, "\n".join(problems)
    cells = page_cells(page)
    drawn = next(i for i in range(first, len(cells)) if cells[i]["graphs"])
    graph = svg_graph(data_svg(cells[drawn]["graphs"][0]))
    assert graph != stored[drawn]["graphs"][0], "the graph was not redrawn with the new input"
    assert any(f"data {value:.4f}" in words for words in graph["nodes"].values()), f"no value shows {value:.4f}"
    assert any(c["state"] == "ran" and "grad" in c["text"] for c in cells[first:]), "no gradient printed"

    # Looked at as a person would: the redrawn graph, on a laptop and on a phone.
    target = page.locator(f":nth-match(.cell.run-on, {drawn + 1}) img.run-graph").first
    screenshots(page, target, "run-graph-redrawn", above=120)

    # The change survives a reload (Run here comes back on), until it is undone.
    assert not kept_problems(page, first, edited), kept_problems(page, first, edited)
    page.wait_for_function("courseRun.startup !== null", timeout=60000)
    page.locator(f":nth-match(.run-undo, {first + 1})").click()
    assert page.locator(editor).input_value() == stored[first]["source"]
    assert not kept_problems(page, first, stored[first]["source"]), "the undone change came back"
    assert page.locator(".run-undo-all").is_hidden()
    page.wait_for_function("courseRun.startup !== null", timeout=60000)
    assert not traffic_problems(watched)


def test_planted_edit_ignored_is_caught(watched):
    """A page that runs the notebook's code instead of the learner's: 04 prints the old gradients."""
    serve_changed(watched, "**/_static/run.js*", "sources: cells.map(function (c) { return c.editor.value; })",
                  "sources: cells.map(function (c) { return c.original; })", "text/javascript")
    path = next(p for p in PAGES if "/04-" in p)
    stored = notebook_cells(path)
    first = next(i for i, c in enumerate(stored) if "parameters" in c["tags"])
    edited, _, _ = changed_parameters(stored[first]["source"])
    page, _ = switch_on(watched, path)
    page.locator(f":nth-match(.run-editor, {first + 1})").fill(edited)
    run_all(page)
    sources = [c["source"] for c in stored]
    sources[first] = edited
    assert edited_run_problems(page, stored, first, sources), "the old numbers pass for the new input's"


def test_planted_edits_not_kept_are_caught(watched):
    """Without the browser's local storage, a change is gone after a reload."""
    watched.context.add_init_script("""{ const set = Storage.prototype.setItem;
      Storage.prototype.setItem = function (k, v) { if (this !== window.localStorage) set.call(this, k, v); }; }""")
    page, _ = switch_on(watched, next(p for p in PAGES if "/04-" in p))
    page.locator(":nth-match(.run-editor, 2)").fill("x = 1")
    assert kept_problems(page, 1, "x = 1"), "a change lost on reload passes"


# ---------------------------------------------------------------- what cannot run, errors, Stop

def test_a_cell_that_needs_pytorch_says_so_and_later_cells_run(watched):
    path = next(p for p in PAGES if "/13-" in p)
    stored = notebook_cells(path)
    page, _ = switch_on(watched, path)
    run_all(page)
    cells = page_cells(page)
    needing = [i for i, c in enumerate(cells) if c["note"] and "PyTorch" in c["note"]]
    assert needing, "no cell of 13 says it needs PyTorch"
    first = needing[0]
    assert "make lab" in cells[first]["note"] and "Colab" in cells[first]["note"]
    link = page.locator(f":nth-match(.cell.run-on, {first + 1}) .run-note a")
    assert "colab.research.google.com" in link.get_attribute("href")
    assert any(c["state"] == "ran" for c in cells[needing[-1] + 1:]) or needing[-1] == len(cells) - 1, \
        "no cell after those that need PyTorch ran"
    with_output = next((i for i in needing if stored[i]["text"] or stored[i]["graphs"]), None)
    target = page.locator(f":nth-match(.cell.run-on, {(with_output if with_output is not None else first) + 1})")
    if with_output is not None:
        assert cells[with_output]["stored"], "the stored output of a cell that cannot run is gone"
    screenshots(page, target, "run-needs-pytorch", above=80)
    assert not traffic_problems(watched)


def test_errors_are_short_and_later_cells_still_run(watched):
    path = next(p for p in PAGES if "/04-" in p)
    page, _ = switch_on(watched, path)
    editors = page.locator(".run-editor")
    editors.nth(1).fill("x = 1\nprint(x / 0)")
    editors.nth(2).fill("print(undefined_name)")
    editors.nth(3).fill("def broken(:\n    pass")
    editors.nth(4).fill("print('still running')")
    for i in range(1, 5):
        page.locator(".run-button").nth(i).click()
    settle(page)
    cells = page_cells(page)
    assert cells[1]["errors"] == ["ZeroDivisionError: division by zero (line 2 of the cell)"], cells[1]["errors"]
    assert cells[2]["errors"][0].startswith("NameError: name 'undefined_name' is not defined (line 1 of the cell)\n"
                                            "Run the cells above it first")
    assert cells[3]["errors"][0].startswith("SyntaxError: ") and "(line 1 of the cell)" in cells[3]["errors"][0]
    assert cells[4]["text"] == "still running\n" and cells[4]["state"] == "ran"
    assert not traffic_problems(watched)


def test_stop_ends_a_cell_that_never_ends(watched):
    path = next(p for p in PAGES if "/04-" in p)
    page, _ = switch_on(watched, path)
    page.locator(".run-editor").nth(1).fill("while True:\n    pass")
    page.locator(".run-button").nth(1).click()
    page.wait_for_timeout(500)
    page.click(".run-stop")
    page.wait_for_function("courseRun.startup !== null && courseRun.cells()[0].el.dataset.run === 'ran'", timeout=60000)
    assert page.evaluate("courseRun.cells()[1].el.dataset.run") == "stopped"
    page.locator(".run-editor").nth(2).fill("print(1 + 1)")
    page.locator(".run-button").nth(2).click()
    settle(page)
    assert page_cells(page)[2]["text"] == "2\n"
    assert "started afresh" in page.locator(".run-status").inner_text() or page_cells(page)[2]["state"] == "ran"


# ---------------------------------------------------------------- network, console, keyboard, axe

def test_planted_runtime_from_a_cdn_is_caught(watched):
    """A worker that asks the CDN for Pyodide (its default): the request is seen, and reported."""
    serve_changed(watched, "**/_static/run/worker.mjs*", 'await import(config.pyodide + "pyodide.mjs")',
                  'await import("https://cdn.jsdelivr.net/pyodide/v0.29.0/full/pyodide.mjs")', "text/javascript")
    page = watched.open(next(p for p in PAGES if "/03-" in p))
    page.click(".run-toggle")
    page.wait_for_function("/could not start/.test(document.querySelector('.run-status').textContent)", timeout=30000)
    found = traffic_problems(watched)
    assert any("cdn.jsdelivr.net" in f for f in found), found


def test_planted_broken_worker_is_caught(watched):
    """A worker that does not load: the page says Python could not start, and the console error is reported."""
    serve_changed(watched, "**/_static/run/worker.mjs*", "let runner = null", "let runner = null +", "text/javascript")
    page = watched.open(next(p for p in PAGES if "/03-" in p))
    page.click(".run-toggle")
    page.wait_for_function("/could not start/.test(document.querySelector('.run-status').textContent)", timeout=30000)
    page.wait_for_timeout(300)
    assert traffic_problems(watched), "a worker that does not load passes"


def test_keyboard(watched):
    path = next(p for p in PAGES if "/04-" in p)
    page, _ = switch_on(watched, path, keyboard=True)
    assert page.get_attribute(".run-toggle", "aria-checked") == "true", "Space on the switch did not turn it on"
    problems = keyboard_problems(page) + shift_enter_problems(page, 1)
    assert not problems, "\n".join(problems)


def test_planted_keyboard_defects_are_caught(watched):
    path = next(p for p in PAGES if "/04-" in p)
    page, _ = switch_on(watched, path)
    page.evaluate("document.querySelectorAll('.run-button').forEach(b => b.tabIndex = -1)")
    assert any("run-button" in f or "not Tab stops" in f for f in keyboard_problems(page))
    page.evaluate("""document.addEventListener('keydown', e => { if (e.key === 'Enter' && e.shiftKey) {
                       e.stopImmediatePropagation(); e.preventDefault(); } }, true)""")
    assert shift_enter_problems(page, 1), "Shift+Enter doing nothing passes"


@pytest.mark.parametrize("theme,width", [("light", 1280), ("dark", 1280), ("light", 390)])
def test_axe_with_run_here_on(watched, theme, width):
    """A page with graphs drawn, errors, and cells that say what they need: axe-core finds nothing,
    on a laptop and on a phone (where long lines scroll)."""
    path = next(p for p in PAGES if "/07-" in p)
    watched.page.set_viewport_size({"width": width, "height": 900})
    page, _ = switch_on(watched, path)
    page.evaluate("""theme => { document.documentElement.dataset.theme = theme;
                                document.documentElement.dataset.mode = theme; }""", theme)
    page.locator(".run-editor").nth(1).fill("print(undefined_name)")
    run_all(page)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important }")
    # On a phone, only what Run here adds (a formula wider than a phone is the page's own matter)
    found = axe_violations(page) if width > 800 else run_axe_violations(page)
    assert not found, f"{path} ({theme}, {width} px), Run here on: axe-core finds\n" + "\n".join(found)


def run_axe_violations(page):
    """axe-core on what Run here adds to a page: its bar, and each cell's tools, editor, note and output."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
      const parts = [...document.querySelectorAll('.run-bar, .run-tools, .run-code, .run-note, .run-output')];
      const result = await axe.run({include: parts}, {resultTypes: ['violations']});
      return result.violations.map(v => `${v.impact} ${v.id}: ${v.nodes.length} × ` +
        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")


def test_planted_editor_without_a_name_is_caught(watched):
    page, _ = switch_on(watched, next(p for p in PAGES if "/03-" in p))
    page.evaluate("document.querySelectorAll('.run-editor').forEach(e => e.removeAttribute('aria-label'))")
    assert any(v.split()[1].rstrip(":") == "label" for v in axe_violations(page))
    assert any(v.split()[1].rstrip(":") == "label" for v in run_axe_violations(page))


# ---------------------------------------------------------------- time

def allowed_startup():
    """The start-up budget, for this machine at this moment: 5 s on a quiet machine, stretched by
    how many processes share each core (the load average, when above the number of cores), so that
    other jobs on a shared machine do not count against the page."""
    busy = os.getloadavg()[0] / (os.cpu_count() or 1)
    return STARTUP_BUDGET * max(1.0, busy), busy


def startup_problems(took, allowed):
    return [f"Run here took {took:.1f} s to run the first cell (at most {allowed:.1f} s here now)"] if took > allowed else []


def test_startup_within_budget(watched):
    """Switch to the first cell's end, with nothing cached: at most 5 s (the best of two tries,
    each in a fresh browser context)."""
    path = next(p for p in PAGES if "/04-" in p)
    _, first = switch_on(watched, path)
    took = [first]
    if first > STARTUP_BUDGET:
        context = watched.context.browser.new_context(viewport={"width": 1280, "height": 900})
        again = Watched(context, context.new_page(), watched.server)
        took.append(switch_on(again, path)[1])
        problems = traffic_problems(again)
        context.close()
        assert not problems, problems
    allowed, busy = allowed_startup()
    print(f"Run here started in {min(took):.1f} s ({', '.join(f'{t:.1f}' for t in took)}; "
          f"{busy:.1f} processes a core: at most {allowed:.1f} s)")
    problems = startup_problems(min(took), allowed)
    assert not problems, problems[0]


def test_planted_slow_startup_is_caught(watched):
    """Pyodide's standard library held back past the budget: the start-up check reports it."""
    delay = allowed_startup()[0] + 0.5

    def slow(route):
        time.sleep(delay)
        route.continue_()
    watched.context.route("**/python_stdlib.zip", slow)
    _, took = switch_on(watched, next(p for p in PAGES if "/03-" in p))
    assert startup_problems(took, allowed_startup()[0])


def test_the_slowest_cell_within_3x_cpython(watched):
    """The cell CPython takes longest on (the course's heaviest: a training loop), run three times
    in the page and three times in CPython: the best times are at most 3× apart. Not a first cell:
    it runs by itself when the switch is turned on, folded away."""
    times = {}
    for path in PAGES:
        stored = notebook_cells(path)
        ref = reference([c["source"] for c in stored], UNAVAILABLE)
        for i, r in enumerate(ref):
            if i and not r["error"]:
                times[(path, i)] = r["ms"]
    path, index = max(times, key=times.get)
    sources = [c["source"] for c in notebook_cells(path)]
    again = reference(sources + [sources[index]] * 2, UNAVAILABLE)  # the cell twice more, after the notebook
    cpython = min(times[(path, index)], again[-1]["ms"], again[-2]["ms"])
    page, _ = switch_on(watched, path)
    run_all(page)
    best = page_cells(page)[index]["ms"]
    for _ in range(2):
        page.locator(".run-button").nth(index).click()
        settle(page)
        best = min(best, page_cells(page)[index]["ms"])
    print(f"the slowest cell ({path} cell {index + 1}): {best:.0f} ms in the page, {cpython:.0f} ms in CPython")
    problems = speed_problems(best, cpython, f"{path} cell {index + 1}")
    assert not problems, problems[0]


def size_problems(folder):
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return [f"{folder.name}/ holds {size / 1e6:.1f} MB, more than {SIZE_BUDGET / 1e6:.0f} MB"] if size > SIZE_BUDGET else []


def test_the_site_grows_by_at_most_20_mb():
    folder = SITE / "_static" / "run"
    assert (folder / "course_run.py").exists(), "no Run here in the built site"
    assert not size_problems(folder), size_problems(folder)


def test_planted_oversized_runtime_is_caught(tmp_path):
    (tmp_path / "run").mkdir()
    with open(tmp_path / "run" / "pyodide.asm.wasm", "wb") as f:
        f.truncate(int(SIZE_BUDGET) + 1)
    assert size_problems(tmp_path / "run")


def test_planted_slow_cell_is_caught():
    assert speed_problems(3500, 1000, "a cell"), "3.5× slower passes"
    assert not speed_problems(2500, 1000, "a cell")

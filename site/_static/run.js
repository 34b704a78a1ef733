// Run here: on a notebook or exercise page, a switch that starts Python in the page (Pyodide, served by the
// site itself: tools/site_run.py) and makes every code cell editable, with a Run button and
// Shift+Enter, its outputs shown under it as in Jupyter: text, errors (type and message, short),
// graphs (laid out in the page by viz.js). The cells run in a Web Worker (run/worker.mjs, with
// run/course_run.py), one after the other, so the page and the docked video stay responsive.
//
// A cell the page cannot run (it needs numpy, matplotlib or PyTorch, decided from the cells
// themselves by course_run.plan) keeps its stored output and says in one line what it needs and
// where to run it. The learner's edits are kept in the browser (localStorage, per page) until
// they undo them, cell by cell or all at once. Keys in an editor: Shift+Enter runs the cell and
// moves to the next, Ctrl+Enter runs it and stays, Enter keeps the indentation; Tab leaves the
// editor, as everywhere on the page.
(function () {
  "use strict";
  const CONFIG = window.COURSE_RUN;
  const EDITS = "course-run:";      // localStorage: the learner's edits, per page
  const SWITCH = "course-run-on";   // sessionStorage: Run here stays on from page to page
  let worker = null, cells = [], bar = null, nextId = 1, pending = {}, startedAt = 0, starting = false;

  function article() { return document.querySelector("article.bd-article") || document.body; }
  function pagename() {  /* global DOCUMENTATION_OPTIONS: Sphinx's */
    return (typeof DOCUMENTATION_OPTIONS !== "undefined" && DOCUMENTATION_OPTIONS.pagename) || "";
  }
  function root() { return document.documentElement.dataset.content_root || ""; }
  function url(path) { return new URL(root() + "_static/" + path, location.href).href; }
  function seconds(ms) { return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s"; }
  function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function hidden(text) { return element("span", "run-sr", text); }
  function say(text) { if (bar) bar.querySelector(".run-status").textContent = text; }
  function fail(text) {  // said on the page, and in the console (nothing fails silently)
    say(text);
    console.error("Run here: " + text);
  }

  // ------------------------------------------------------------------ the learner's edits

  function hash(text) {
    let h = 5381;
    for (let i = 0; i < text.length; i++) h = (h * 33 + text.charCodeAt(i)) >>> 0;
    return h.toString(36);
  }
  function loadEdits() {
    try { return JSON.parse(localStorage.getItem(EDITS + pagename())) || {}; } catch (e) { return {}; }
  }
  function saveEdits() {
    const edits = {};
    cells.forEach(function (c) { if (c.editor && c.editor.value !== c.original) edits[c.key] = c.editor.value; });
    try {
      if (Object.keys(edits).length) localStorage.setItem(EDITS + pagename(), JSON.stringify(edits));
      else localStorage.removeItem(EDITS + pagename());
    } catch (e) { /* storage full or private mode: the edits last as long as the page */ }
    const any = Object.keys(edits).length > 0;
    if (bar) bar.querySelector(".run-undo-all").hidden = !any;
  }

  // ------------------------------------------------------------------ the cells

  function findCells() {
    return [...article().querySelectorAll("div.cell")].filter(function (el) {
      return el.querySelector(".cell_input pre");
    }).map(function (el, index) {
      const input = el.querySelector(".cell_input");
      const original = input.querySelector("pre").textContent.replace(/\n$/, "");
      return { el: el, input: input, index: index, number: index + 1, original: original,
               key: index + ":" + hash(original), stored: el.querySelector(".cell_output") };
    });
  }

  // The editor: a textarea whose own letters are transparent, over a copy of its text coloured
  // the way the page colours code (Pygments' classes, so the theme's colours, light or dark).
  const KEYWORDS = new Set(("and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "));
  const BUILTINS = new Set(("abs all any bool dict dir enumerate filter float getattr hasattr isinstance int iter len " +
    "list map max min next object open print range repr reversed round set setattr sorted str sum super tuple type zip " +
    "Exception TypeError ValueError NameError RuntimeError RecursionError OverflowError ZeroDivisionError").split(" "));
  // comment | long string | string | number | decorator | name | operator | punctuation
  const TOKEN = /(#[^\n]*)|((?:[rRbBfFuU]{1,2})?(?:'''[\s\S]*?(?:'''|$)|"""[\s\S]*?(?:"""|$)))|((?:[rRbBfFuU]{1,2})?(?:'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?|\.\d+(?:[eE][+-]?\d+)?)|(@[A-Za-z_]\w*)|([A-Za-z_]\w*)|([-+*/%=<>!&|^~@]+)|([()[\]{},:;.])/g;

  function escape(text) { return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }

  function kindOf(name, previous) {
    if (["True", "False", "None"].includes(name)) return "kc";
    if (["and", "or", "not", "in", "is"].includes(name)) return "ow";
    if (["import", "from"].includes(name)) return "kn";
    if (KEYWORDS.has(name)) return "k";
    if (previous === "def") return "nf";
    if (previous === "class") return "nc";
    if (name === "self") return "bp";
    return BUILTINS.has(name) ? "nb" : "n";
  }

  function colour(code) {
    let html = "", last = 0, previous = "";
    code.replace(TOKEN, function (match, comment, long, string, number, decorator, name, operator, punctuation, at) {
      let kind = "p";
      if (comment) kind = "c1";
      else if (long) kind = "sd";
      else if (string) kind = "s1";
      else if (number) kind = /[.eE]/.test(match) ? "mf" : "mi";
      else if (decorator) kind = "nd";
      else if (name) { kind = kindOf(name, previous); previous = name; }
      else if (operator) kind = "o";
      html += escape(code.slice(last, at)) + '<span class="' + kind + '">' + escape(match) + "</span>";
      last = at + match.length;
      return match;
    });
    // the textarea shows a last empty line: so must the copy
    return html + escape(code.slice(last)) + (code.endsWith("\n") || !code ? " " : "");
  }

  function paint(cell) {
    cell.shadow.innerHTML = colour(cell.editor.value);
  }

  function indentOf(line) { return (/^\s*/.exec(line) || [""])[0]; }

  function keydown(cell, event) {
    const editor = cell.editor;
    if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run(cell);
      if (event.shiftKey) {
        const next = cells[cell.index + 1];
        if (next) { next.editor.focus({ preventScroll: true }); next.editor.setSelectionRange(0, 0); next.el.scrollIntoView({ block: "nearest" }); }
      }
    } else if (event.key === "Enter" && !event.altKey) {  // a new line keeps the indentation, one more after a colon
      event.preventDefault();
      const at = editor.selectionStart;
      const line = editor.value.slice(editor.value.lastIndexOf("\n", at - 1) + 1, at);
      const indent = indentOf(line) + (/:\s*(#.*)?$/.test(line) ? "    " : "");
      editor.setRangeText("\n" + indent, at, editor.selectionEnd, "end");
      editor.dispatchEvent(new Event("input"));
    }
  }

  function build(cell, edits) {
    const tools = element("div", "run-tools");
    const runButton = element("button", "run-button", "Run");
    runButton.type = "button";
    runButton.append(hidden(" cell " + cell.number));
    const undo = element("button", "run-undo", "Undo my changes");
    undo.type = "button";
    undo.append(hidden(" to cell " + cell.number));
    const state = element("span", "run-state");
    tools.append(runButton, undo, state);
    const code = element("div", "run-code highlight");
    const inner = element("div", "run-code-inner");
    const shadow = element("pre", "run-shadow");
    shadow.setAttribute("aria-hidden", "true");
    const editor = element("textarea", "run-editor");
    inner.append(shadow, editor);
    code.append(inner);
    editor.setAttribute("aria-label", "Code of cell " + cell.number + ": Shift+Enter runs it");
    editor.spellcheck = false;
    editor.setAttribute("autocapitalize", "off");
    editor.setAttribute("autocomplete", "off");
    editor.setAttribute("wrap", "off");
    editor.value = cell.key in edits ? edits[cell.key] : cell.original;
    const shown = cell.input.querySelector(".highlight-ipython3, .highlight-python, .highlight") || cell.input.querySelector("pre");
    shown.hidden = true;
    cell.shown = shown;
    cell.input.before(tools);  // above the code, on the page's own background
    cell.input.append(code);
    const out = element("div", "run-output");
    cell.input.after(out);
    Object.assign(cell, { tools: tools, code: code, shadow: shadow, editor: editor, out: out, state: state, undo: undo,
                          runButton: runButton });
    paint(cell);
    undo.hidden = editor.value === cell.original;
    runButton.addEventListener("click", function () { run(cell); });
    undo.addEventListener("click", function () {
      editor.value = cell.original;
      paint(cell);
      undo.hidden = true;
      saveEdits();
      editor.focus();
      say("Cell " + cell.number + " is back as the notebook has it.");
    });
    editor.addEventListener("keydown", function (event) { keydown(cell, event); });
    editor.addEventListener("input", function () {
      paint(cell);
      undo.hidden = editor.value === cell.original;
      saveEdits();
    });
    cell.el.classList.add("run-on");
  }

  function unbuild(cell) {
    ["tools", "code", "out", "note"].forEach(function (k) { if (cell[k]) cell[k].remove(); cell[k] = null; });
    cell.editor = cell.shadow = null;
    if (cell.shown) cell.shown.hidden = false;
    if (cell.stored) cell.stored.hidden = false;
    cell.el.classList.remove("run-on", "run-waiting", "run-cannot", "run-failed");
    delete cell.el.dataset.run;
    delete cell.el.dataset.runMs;
  }

  // ------------------------------------------------------------------ what a cell shows

  function colab() {
    const link = article().querySelector("a[href*='colab.research.google.com']");
    return link ? link.href : null;
  }

  function list(words) {
    return words.length < 2 ? words.join("") : words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }

  // One line: what the cell needs, why (names an earlier cell made with it), and where to run it.
  function cannotParts(need, cell) {
    const parts = ["Needs " + list(need.needs)];
    if (need.names.length) {
      parts.push(" (it uses ");
      need.names.forEach(function (n, i) {
        if (i) parts.push(i === need.names.length - 1 ? " and " : ", ");
        parts.push(element("code", "", n));
      });
      parts.push(" from above)");
    }
    parts.push(", which this page cannot run" + (cell && cell.stored ? "; the output below is the notebook's" : "") +
               ". Run it in JupyterLab (make lab) or ");
    return parts;
  }

  function note(cell, need) {
    if (!need) {
      if (cell.note) { cell.note.remove(); cell.note = null; }
      cell.el.classList.remove("run-cannot");
      return;
    }
    if (!cell.note) {
      cell.note = element("p", "run-note");
      cell.out.before(cell.note);
    }
    cell.note.textContent = "";
    cell.note.append.apply(cell.note, cannotParts(need, cell));
    const where = colab();
    if (where) {
      const a = element("a", "", "Colab");
      a.href = where; a.target = "_blank"; a.rel = "noopener";
      cell.note.append(a, ".");
    } else {
      cell.note.append("Colab.");
    }
    cell.el.classList.add("run-cannot");
  }

  function fresh(cell) {  // the first word of a run: its old output goes
    if (cell.cleared) return;
    cell.cleared = true;
    cell.out.textContent = "";
    if (cell.stored) cell.stored.hidden = true;
  }

  function appendText(cell, text, kind) {
    let last = cell.out.lastElementChild;
    if (!last || !last.classList.contains("run-" + kind)) {
      last = element("pre", "run-text run-" + kind);
      cell.out.append(last);
    }
    last.textContent += text;
  }

  function show(cell, data) {
    if (data.svg) {
      const img = element("img", "run-graph");
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data.svg);
      img.alt = data.text && !/ object at 0x/.test(data.text) ? data.text : "A graph the cell drew.";
      cell.out.append(img);
    } else {
      cell.out.append(element("pre", "run-text run-result", data.text));
    }
  }

  function showError(cell, data) {
    let text = data.ename ? data.ename + ": " + data.evalue + (data.line ? " (line " + data.line + " of the cell)" : "")
      : data.evalue;  // as the error itself says it is shown (an exercise's verdict)
    if (data.ename === "NameError") text += "\nRun the cells above it first (Run all runs every cell, top to bottom).";
    cell.out.append(element("pre", "run-text run-error", text));
  }

  // ------------------------------------------------------------------ Python

  function run(cell) {
    if (!worker) return;
    const id = nextId++;
    pending[id] = cell;
    cell.cleared = false;
    cell.el.classList.add("run-waiting");
    cell.state.textContent = "waiting…";
    cell.el.dataset.run = "waiting";
    bar.querySelector(".run-stop").hidden = false;
    worker.postMessage({ type: "run", id: id, index: cell.index, sources: cells.map(function (c) { return c.editor.value; }) });
  }

  function finished(id) {
    delete pending[id];
    if (Object.keys(pending).length || !bar) return;
    const stopButton = bar.querySelector(".run-stop");
    if (document.activeElement === stopButton) bar.querySelector(".run-all").focus();
    stopButton.hidden = true;
  }

  // An output too wide for the column scrolls sideways, and can then be scrolled from the keyboard.
  function scrollable(cell) {
    cell.out.querySelectorAll("pre").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth + 1) pre.tabIndex = 0;
      else pre.removeAttribute("tabindex");
    });
  }

  function receive(event) {
    const m = event.data;
    const cell = pending[m.id];
    if (m.type === "ready") {
      say("Python started (" + seconds(m.ms) + "); running the first cell…");
      window.courseRun.steps = m.steps;
    } else if (m.type === "console") {
      console.error("Run here, in its worker: " + m.text);
    } else if (m.type === "plan") {
      cells.forEach(function (c, i) { note(c, m.plan[i]); });
    } else if (m.type === "failed") {
      if (cell) {
        fresh(cell);
        showError(cell, { ename: "Error", evalue: m.message });
        cell.el.classList.remove("run-waiting");
        cell.el.dataset.run = "error";
        finished(m.id);
      }
      else { fail("Python could not start in this page: " + m.message); stop(false); }
    } else if (!cell) {
      return;
    } else if (m.type === "stream") {
      fresh(cell);
      appendText(cell, m.data.text, m.data.name);
    } else if (m.type === "result" || m.type === "display") {
      fresh(cell);
      show(cell, m.data);
    } else if (m.type === "error") {
      fresh(cell);
      showError(cell, m.data);
    } else if (m.type === "cannot") {  // the notebook's own output stays, under the note
      cell.out.textContent = "";
      if (cell.stored) cell.stored.hidden = false;
      cell.el.classList.remove("run-waiting");
      cell.state.textContent = "not run here";
      say("Cell " + cell.number + " n" + cannotParts(m.needs).map(function (p) { return p.textContent || p; }).join("").slice(1) + "Colab.");
      cell.el.dataset.run = "cannot";
      finished(m.id);
    } else if (m.type === "done") {
      fresh(cell);
      cell.el.classList.remove("run-waiting");
      cell.el.classList.toggle("run-failed", m.error);
      cell.state.textContent = (m.error ? "error" : "ran") + " · " + seconds(m.ms);
      cell.el.dataset.runMs = m.ms.toFixed(1);
      scrollable(cell);
      cell.el.dataset.run = m.error ? "error" : "ran";
      cell.ran = (cell.ran || 0) + 1;
      if (starting && cell.index === 0) {
        starting = false;
        const took = performance.now() - startedAt;
        window.courseRun.startup = took;
        say("Python runs in this page (ready in " + seconds(took) + ", the first cell run): edit any cell and run it " +
            "with its Run button or Shift+Enter.");
      } else {
        say("Cell " + cell.number + (m.error ? " stopped with an error." : " ran (" + seconds(m.ms) + ")."));
      }
      finished(m.id);
    }
  }

  function startWorker() {
    worker = new Worker(url(CONFIG.worker), { type: "module" });
    worker.addEventListener("message", receive);
    worker.addEventListener("error", function (e) {
      fail("Python could not start in this page: " + (e.message || "its worker did not load"));
      if (worker) stop(false);
    });
    const config = {};
    ["pyodide", "viz", "graphviz", "runner"].forEach(function (k) { config[k] = url(CONFIG[k]); });
    worker.postMessage({ type: "start", config: config });
    starting = true;
    startedAt = performance.now();
    run(cells[0]);
  }

  function start() {
    const toggle = bar.querySelector(".run-toggle");
    toggle.setAttribute("aria-checked", "true");
    bar.classList.add("run-active");
    try { sessionStorage.setItem(SWITCH, "1"); } catch (e) { /* private mode */ }
    if (location.protocol === "file:") {
      say("Run here needs the site served over http: run make site-serve and open http://localhost:8000/.");
      return;
    }
    const edits = loadEdits();
    cells.forEach(function (c) { build(c, edits); });
    saveEdits();
    say("Starting Python in the page…");
    startWorker();
  }

  function stop(remember) {
    if (worker) worker.terminate();
    worker = null;
    pending = {};
    cells.forEach(unbuild);
    bar.querySelector(".run-toggle").setAttribute("aria-checked", "false");
    bar.classList.remove("run-active");
    bar.querySelector(".run-stop").hidden = true;
    if (remember) {
      try { sessionStorage.removeItem(SWITCH); } catch (e) { /* private mode */ }
      say("Python stopped: the page shows the notebook's own code and outputs again (your changes are kept for next time).");
    }
  }

  function restart() {  // Stop: a cell that runs too long ends with its Python
    Object.keys(pending).forEach(function (id) {
      const c = pending[id];
      c.el.classList.remove("run-waiting");
      c.state.textContent = "stopped";
      c.el.dataset.run = "stopped";
    });
    pending = {};
    worker.terminate();
    say("Python stopped and started afresh: what the cells had made is gone, so run the cells you need again (Run all).");
    startWorker();
  }

  function runAll() {
    cells.forEach(function (c) { run(c); });
    say("Running every cell, top to bottom…");
  }

  function undoAll() {
    cells.forEach(function (c) {
      if (c.editor.value !== c.original) { c.editor.value = c.original; paint(c); c.undo.hidden = true; }
    });
    saveEdits();
    say("Every cell is back as the notebook has it.");
  }

  // ------------------------------------------------------------------ the switch

  function init() {
    if (!CONFIG || !/^(notebooks|exercises)\//.test(pagename())) return;
    cells = findCells();
    if (!cells.length) return;
    bar = element("div", "run-bar");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Run the code here");
    bar.innerHTML =
      '<button type="button" class="run-toggle" role="switch" aria-checked="false">Run here</button>' +
      '<span class="run-hint">' + (/^exercises\//.test(pagename())
        ? "write your answers and run the checks in this page: Python starts here, nothing to install"
        : "run and change the code in this page: Python starts here, nothing to install") + "</span>" +
      '<button type="button" class="run-all">Run all</button>' +
      '<button type="button" class="run-stop" hidden>Stop</button>' +
      '<button type="button" class="run-undo-all" hidden>Undo all my changes</button>' +
      '<p class="run-status" role="status"></p>';
    const watch = article().querySelector(".watch-bar");
    if (watch) watch.after(bar); else article().prepend(bar);
    bar.querySelector(".run-toggle").addEventListener("click", function () { worker || bar.classList.contains("run-active") ? stop(true) : start(); });
    bar.querySelector(".run-all").addEventListener("click", runAll);
    bar.querySelector(".run-stop").addEventListener("click", restart);
    bar.querySelector(".run-undo-all").addEventListener("click", undoAll);
    window.addEventListener("resize", function () { cells.forEach(function (c) { if (c.out) scrollable(c); }); });
    let on = false;
    try { on = sessionStorage.getItem(SWITCH) === "1"; } catch (e) { /* private mode */ }
    if (on) start();
  }

  window.courseRun = { startup: null, cells: function () { return cells; } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// Run here, the Python side: a Web Worker (so a long cell never freezes the page or the docked
// video's controls) that starts Pyodide and viz.js from the site itself and runs the cells that
// site/_static/run.js sends it, with site/_static/run/course_run.py. Nothing comes from outside.
//
// Messages in:  {type: "start", config}   config: where the files are (window.COURSE_RUN)
//               {type: "run", id, index, sources}   run cell `index` of `sources` (every code cell of the page)
// Messages out: {type: "ready", ms} | {type: "failed", message} | {type: "console", text}
//               {type: "plan", plan}   for every cell, null or what it needs
//               {type: "stream" | "result" | "display" | "error", id, data}
//               {type: "cannot", id, needs}   the page cannot run this cell
//               {type: "done", id, ms, error}

let runner = null, viz = null, vizReady = null, runs = 0;
let queue = Promise.resolve();

function post(message) { self.postMessage(message); }

// What goes wrong in here is said in the page's console too (a worker's own console is easily missed).
const consoleError = console.error.bind(console);
console.error = function () {
  consoleError.apply(null, arguments);
  post({ type: "console", text: [...arguments].map(String).join(" ") });
};

// A Python value as plain JavaScript; `owned`: a value Python returned (ours to let go of), not an
// argument Python lent to a call (Pyodide lets go of those itself).
function plain(proxy, owned) {
  if (!proxy || typeof proxy.toJs !== "function") return proxy;
  const value = proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  if (owned) proxy.destroy();
  return value;
}

async function start(config) {
  const started = performance.now();
  const { loadPyodide } = await import(config.pyodide + "pyodide.mjs");
  const imported = performance.now();
  const [pyodide, zip, source] = await Promise.all([
    loadPyodide({ indexURL: config.pyodide, lockFileURL: config.pyodide + "pyodide-lock.json",
                  packageBaseUrl: config.pyodide, packages: [] }),
    fetch(config.graphviz).then(function (r) { if (!r.ok) throw new Error(config.graphviz + ": " + r.status); return r.arrayBuffer(); }),
    fetch(config.runner).then(function (r) { if (!r.ok) throw new Error(config.runner + ": " + r.status); return r.text(); }),
  ]);
  const loaded = performance.now();
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(zip, "zip", { extractDir: sitePackages });
  pyodide.FS.mkdirTree("/home/pyodide/course");
  pyodide.FS.writeFile("/home/pyodide/course/course_run.py", source);
  runner = pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/course'); import course_run; course_run");
  runner.start(function (dot, engine, format) {
    if (!viz) throw new Error("Graphviz is still starting in the page: run the cell again in a moment");
    return viz.renderString(dot, { engine: engine, format: format });
  });
  // Graphviz loads while the first cell runs (the first cell draws nothing): it is there for the next.
  vizReady = import(config.viz).then(function (m) { return m.instance(); }).then(function (v) { viz = v; });
  post({ type: "ready", ms: performance.now() - started,
         steps: { imported: imported - started, loaded: loaded - started, setup: performance.now() - started } });
}

async function run(message) {
  if (runs++) await vizReady;  // every cell after the first may draw
  const plan = plain(runner.plan(message.sources), true);
  post({ type: "plan", plan: plan });
  const id = message.id;
  if (plan[message.index]) {
    post({ type: "cannot", id: id, needs: plan[message.index] });
    return;
  }
  const emit = function (kind, data) { post({ type: kind, id: id, data: plain(data) }); };
  const done = plain(runner.run(message.sources[message.index], message.index + 1, emit), true);
  post({ type: "done", id: id, ms: done.ms, error: done.error });
}

self.onmessage = function (event) {
  const message = event.data;
  queue = queue.then(function () {
    if (message.type === "start") return start(message.config);
    if (message.type === "run") return run(message);
  }).catch(function (error) {
    post({ type: "failed", id: message.id, message: String(error && error.message || error) });
  });
};

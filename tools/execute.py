"""Run the notebooks: store their outputs, or time them.

    python tools/execute.py [NOTEBOOK ...]   re-run notebooks top to bottom, each in a fresh kernel,
                                             and store their outputs (all notebooks and exercises
                                             if none named)
    python tools/execute.py bench            time every notebook, bare nbval on the same notebooks,
                                             and the whole validation, in one run

Stored outputs are byte-for-byte repeatable: each code cell records the hash of its source (so a
test can tell an edited cell from a fresh one) and matplotlib writes a fixed date.
"""
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

import nbformat

from course import ROOT, pick, source_hash, tags


def run(path, save=True):
    """Execute one notebook in a fresh kernel, as nbval will; return seconds taken and the slowest cell."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    book = nbformat.read(path, as_version=4)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as sockets:
        # Local sockets (ipc) rather than TCP: nothing to encrypt, and no warning from the kernel about it.
        kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        try:
            NotebookClient(book, km=kernel, timeout=600, record_timing=not save,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        finally:
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    took = time.perf_counter() - began
    slowest = (0.0, "")
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = coalesced(cell.outputs)
        cell.metadata["source_hash"] = source_hash(cell)
        stamps = cell.metadata.pop("execution", {})
        if "shell.execute_reply" in stamps:
            spent = (datetime.fromisoformat(stamps["shell.execute_reply"].rstrip("Z"))
                     - datetime.fromisoformat(stamps["iopub.execute_input"].rstrip("Z"))).total_seconds()
            first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith("#")), "")
            where = "inherited cell" if "course-inherited" in tags(cell) else first[:50]
            slowest = max(slowest, (spent, where))
    if save:
        nbformat.write(book, path)
    return took, slowest


def coalesced(outputs):
    """Printed text in one piece per stream: how the kernel happened to split it varies from run to run."""
    merged = []
    for output in outputs:
        if merged and output.output_type == "stream" == merged[-1].output_type and output.name == merged[-1].name:
            merged[-1].text += output.text
        else:
            merged.append(output)
    return merged


def kernel_environment():
    # The kernel must be this environment's Python: put it first on PATH for jupyter_client.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    # A fixed date and fixed ids in matplotlib's SVGs, so that re-executing changes no stored byte.
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    os.environ["MATPLOTLIBRC"] = str(ROOT / "tools" / "matplotlibrc")


def execute(notebooks):
    kernel_environment()
    paths = [nb.path for nb in notebooks]
    with ProcessPoolExecutor(max_workers=2) as pool:
        for path, (took, _) in zip(paths, pool.map(run, paths)):
            print(f"{took:6.1f} s  {path.relative_to(ROOT)}", flush=True)


def timed(command):
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, check=False, capture_output=True, text=True)
    tail = [line for line in done.stdout.splitlines() if line.strip()][-1:]
    return time.perf_counter() - began, " ".join(tail)


def bench():
    notebooks = pick([])
    kernel_environment()
    print("Each notebook alone, one at a time, in a fresh kernel (nothing is saved):")
    times = {nb.file: run(nb.path, save=False) for nb in notebooks}
    for file, (took, (spent, line)) in sorted(times.items(), key=lambda kv: -kv[1][0]):
        print(f"{took:6.1f} s  {file:45} slowest cell {spent:4.1f} s: {line}")
    print(f"{sum(t for t, _ in times.values()):6.1f} s  all {len(times)} notebooks, one after another "
          "(each also pays about 1 s to start its kernel)")
    pytest = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope"]
    bare, _ = timed(pytest + ["-c", "/dev/null", "--rootdir", str(ROOT), "--nbval-lax",
                              "--nbval-current-env", *[f"notebooks/{nb.file}" for nb in notebooks]])
    whole, summary = timed(pytest)
    print(f"\n{bare:6.1f} s  bare nbval on the same {len(notebooks)} notebooks (2 workers, no output comparison, no tests)")
    print(f"{whole:6.1f} s  make test, the whole validation (2 workers): {summary}")
    print(f"{whole / bare:6.2f} x   the whole validation over bare nbval (budget: at most 2 x, and at most 60 s)")


def main(args):
    if args == ["bench"]:
        bench()
    else:
        execute(pick(args, with_exercises=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

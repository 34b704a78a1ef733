"""Open the course in JupyterLab: serve the repository, open the first notebook.

    python tools/lab.py

The server's root is the repository, so the Contents and study-notes links and the figures in
img/ work from inside any notebook. The printed address opens the first notebook (useful where
no browser opens by itself: SSH, WSL, containers). No news pop-up, no update check.
"""
import json
import os
import shutil
import sys
from pathlib import Path

from course import ROOT, course

# Settings JupyterLab applies before the user's own: no "news" question, no update check.
QUIET = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def main(args):
    first = course()[0].path.relative_to(ROOT).as_posix()
    if not shutil.which("dot"):
        print("Warning: graphviz's 'dot' program is missing, so graphs will not be drawn (each graph cell "
              "says how to install it). Everything else works.", file=sys.stderr)
    options = [
        f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.default_url=/lab/tree/{first}",   # the printed addresses open the first notebook
        "--LabApp.news_url=None",                    # no "news" pop-up on first start
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps(QUIET, indent=2) + "\n")
    # Kernels must be this environment's Python, however this script was started.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", "jupyterlab", *options, *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

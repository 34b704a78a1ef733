"""Open the course in JupyterLab: serve the repository, open the first notebook.

    python tools/lab.py

The server's root is the repository, so the Contents and study-notes links and the figures in
img/ work from inside any notebook. The printed address opens the first notebook (useful where
no browser opens by itself: SSH, WSL, containers). No news pop-up, no update check.
"""
import os
import shutil
import sys

from course import ROOT, course


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
    os.chdir(ROOT)
    os.execvp("jupyter", ["jupyter", "lab", *options, *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

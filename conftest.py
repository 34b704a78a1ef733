"""Shared by nbval's notebook checks and the tests in tests/."""
import atexit
import shutil
import sys
import tempfile
from pathlib import Path

import nbval.kernel
import nbval.plugin
import pytest
from jupyter_client.manager import KernelManager

sys.path.insert(0, str(Path(__file__).parent / "tools"))

# nbval's kernels talk over local sockets (ipc) in a folder of this process, as tools/execute.py's
# do. Over TCP each kernel takes free ports that another test worker, starting its own kernel at
# the same moment, can take first: that kernel then dies before it says hello (the likely cause
# of one seen dying in CI).
SOCKETS = Path(tempfile.mkdtemp(prefix="nbval-"))
atexit.register(shutil.rmtree, SOCKETS, ignore_errors=True)


class LocalSocketKernelManager(KernelManager):
    def __init__(self, **options):
        super().__init__(transport="ipc", ip=str(SOCKETS / "kernel"), **options)


class PatientKernel(nbval.kernel.RunningKernel):
    """A kernel that is given a second start if the first dies: starting is not what is tested."""

    def __init__(self, *args, **options):
        try:
            super().__init__(*args, **options)
        except RuntimeError as first:
            print(f"The kernel did not start ({first}); starting it once more.", file=sys.stderr)
            super().__init__(*args, **options)


nbval.kernel.KernelManager = LocalSocketKernelManager
nbval.plugin.RunningKernel = PatientKernel


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a notebook cell fails, say what to do: refresh its output, or look at the kernel."""
    report = (yield).get_result()
    if report.failed and type(item).__name__ == "IPyNbCell":
        path = Path(str(item.fspath)).relative_to(Path(__file__).parent)
        if call.when == "setup":  # no cell ran: the kernel did not start (nbval's RuntimeError)
            if call.excinfo is not None and call.excinfo.errisinstance(RuntimeError):
                report.sections.append(("how to fix", (
                    f"{path}: the Jupyter kernel did not start (twice), so no cell ran; the notebook "
                    "is not at fault.\nRun it alone to see the kernel's own error:  "
                    f"make execute NB={path}")))
            return
        report.sections.append((
            "how to fix",
            f"{path} code cell {item.cell_num}: the stored output is not what the code produces now.\n"
            f"If the change is intended, store fresh outputs with:  make execute NB={path}\n"
            "If not, the course has a bug (or an output that varies between runs: see CONTRIBUTING.md).",
        ))

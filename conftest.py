"""Shared by nbval's notebook checks and the tests in tests/."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tools"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a notebook cell's fresh output differs from the stored one, say how to refresh it."""
    report = (yield).get_result()
    if report.failed and type(item).__name__ == "IPyNbCell":
        path = Path(str(item.fspath)).relative_to(Path(__file__).parent)
        report.sections.append((
            "how to fix",
            f"{path} code cell {item.cell_num}: the stored output is not what the code produces now.\n"
            f"If the change is intended, store fresh outputs with:  make execute NB={path}\n"
            "If not, the course has a bug (or an output that varies between runs: see CONTRIBUTING.md).",
        ))

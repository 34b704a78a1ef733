"""Run here (issue 19), what can be checked without a browser: the site's own packages from npm
(Pyodide, viz.js) are pinned to one version each and locked, and the `graphviz` package the pages
use is the one requirements.lock pins. The browser suite (tests/browser/test_run.py) checks the rest.
"""
import json
import re
from importlib.metadata import version

import course

ROOT = course.ROOT
EXACT = re.compile(r"^\d+\.\d+\.\d+$")


def pin_problems(package, lock):
    """What is loose in the site's package.json and its lock: a range instead of one version, a
    package the lock does not hold at that version, or holds without an integrity hash."""
    found = []
    for name, wanted in package.get("dependencies", {}).items():
        if not EXACT.match(wanted):
            found.append(f"{name}: {wanted!r} is not one exact version")
        locked = lock.get("packages", {}).get(f"node_modules/{name}", {})
        if locked.get("version") != wanted:
            found.append(f"{name}: the lock holds {locked.get('version')!r}, package.json pins {wanted!r}")
    for path, entry in lock.get("packages", {}).items():
        if path and not entry.get("integrity"):
            found.append(f"{path}: locked without an integrity hash")
    return found


def site_packages():
    return (json.loads((ROOT / "site" / "package.json").read_text()),
            json.loads((ROOT / "site" / "package-lock.json").read_text()))


def test_the_sites_npm_packages_are_pinned_and_locked():
    package, lock = site_packages()
    assert {"pyodide", "@viz-js/viz"} <= set(package["dependencies"]), "Run here needs pyodide and @viz-js/viz"
    problems = pin_problems(package, lock)
    assert not problems, "site/package.json and site/package-lock.json (pin one version; `npm install --prefix site`):\n" \
        + "\n".join(problems)


def test_planted_loose_pins_are_caught():
    package, lock = site_packages()
    loose = {**package, "dependencies": {**package["dependencies"], "pyodide": "^" + package["dependencies"]["pyodide"]}}
    assert any("not one exact version" in p for p in pin_problems(loose, lock))
    moved = json.loads(json.dumps(lock))
    moved["packages"]["node_modules/pyodide"]["version"] = "0.0.1"
    assert any("the lock holds" in p for p in pin_problems(package, moved))
    del moved["packages"]["node_modules/pyodide"]["integrity"]
    assert any("integrity" in p for p in pin_problems(package, moved))


def test_the_pages_graphviz_is_the_locked_one():
    """tools/site_run.py zips the graphviz package of the course's environment for the pages."""
    locked = re.search(r"^graphviz==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M)[1]
    assert version("graphviz") == locked, f"the environment's graphviz {version('graphviz')} is not the locked {locked}"

"""The set-up files: pins, the lock, conda's environment, the commands the README and CI promise."""
import re
import subprocess
import sys

import pytest

import course

ROOT = course.ROOT
PIN = re.compile(r"^([A-Za-z0-9][\w.-]*)==([\w.]+)\s*(?:#.*)?$")


def requirement_lines(name):
    lines = (ROOT / name).read_text().splitlines()
    return [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith(("#", "--"))]


def pins(name):
    found, loose = {}, []
    for number, line in requirement_lines(name):
        m = PIN.match(line.strip())
        if m:
            found[m[1].lower().replace("_", "-")] = m[2]
        else:
            loose.append(f"{name} line {number}: {line.strip()!r}")
    return found, loose


@pytest.mark.parametrize("name", ["requirements.txt", "requirements.lock", "requirements-site.txt", "requirements-student.txt"])
def test_every_requirement_is_pinned(name):
    _, loose = pins(name)
    assert not loose, "not pinned as name==version (pin it; then `make lock`):\n" + "\n".join(loose)


def test_the_lock_holds_the_direct_pins():
    direct, _ = pins("requirements.txt")
    locked, _ = pins("requirements.lock")
    differ = {name: (v, locked.get(name)) for name, v in direct.items() if locked.get(name) != v}
    assert not differ, f"requirements.lock disagrees with requirements.txt (direct, locked): {differ}; run `make lock`"
    assert len(locked) > 3 * len(direct), "requirements.lock should pin the whole environment; run `make lock`"


def test_conda_environment_matches_the_pip_pins():
    pip, _ = pins("requirements.txt")
    conda = dict(re.findall(r"^\s+- ([\w.-]+)=([\w.]+)\b", (ROOT / "environment.yml").read_text(), re.M))
    conda_to_pip = {"pytorch": "torch", "python-graphviz": "graphviz"}
    conda = {conda_to_pip.get(name, name): version for name, version in conda.items() if name != "python"}
    differ = {name: (pip.get(name), conda.get(name)) for name in pip.keys() | conda.keys() if pip.get(name) != conda.get(name)}
    assert not differ, f"requirements.txt and environment.yml disagree (pip, conda): {differ}"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^make test\b", (ROOT / ".ci" / "run").read_text(), re.M)


def test_make_alone_lists_the_targets():
    listed = subprocess.run(["make", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True).stdout
    targets = re.findall(r"^([a-z-]+):.*## ", (ROOT / "Makefile").read_text(), re.M)
    missing = [t for t in targets if t != "help" and f"make {t}" not in listed]
    assert targets and not missing, f"`make` does not list {missing}"


def test_a_python_the_course_does_not_support_is_refused_in_one_line(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 3.10\n")
    fake.chmod(0o755)
    run = subprocess.run(["sh", str(ROOT / "tools" / "ensure-venv")], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PY": str(fake)})
    assert run.returncode != 0 and run.stderr.count("\n") == 1 and "3.11" in run.stderr, run.stderr


def test_figures_are_made_by_their_code():
    run = subprocess.run([sys.executable, "tools/figures.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr

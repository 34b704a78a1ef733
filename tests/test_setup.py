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


# The Pythons the course supports: tools/ensure-venv's list, which it enforces and .ci/run tests one by one.
def supported():
    run = subprocess.run(["sh", str(ROOT / "tools" / "ensure-venv"), "--supported"], capture_output=True, text=True)
    return run.stdout.split()


def minor(version):
    return tuple(int(n) for n in version.split(".")[:2])


def test_the_supported_pythons_are_one_list():
    """README.md promises them, environment.yml installs one of them, CI runs `make test` on each."""
    versions = supported()
    assert versions and all(re.fullmatch(r"3\.\d+", v) for v in versions), versions
    readme = (ROOT / "README.md").read_text()
    promise = re.search(r"On a fresh clone \([^)]*?Python ((?:3\.\d+)(?:(?:, | or )3\.\d+)*)\)", readme)
    assert promise, "README.md: the set-up says 'On a fresh clone (Linux or macOS, Python 3.11, 3.12 or 3.13)'"
    promised = re.findall(r"3\.\d+", promise[1])
    assert promised == versions, f"README.md promises Python {promise[1]}; tools/ensure-venv supports {versions}"
    for low, high in re.findall(r"Python (3\.\d+)[–-](3\.\d+)", readme + (ROOT / "CONTRIBUTING.md").read_text()):
        assert (low, high) == (versions[0], versions[-1]), f"'Python {low}–{high}' in the docs; tools/ensure-venv supports {versions}"


def conda_python_admits():
    """The minor versions environment.yml's python spec admits: `python=3.11`, `python=3.11.*`, `python>=3.11,<3.14`."""
    spec = re.search(r"^\s+- python\s*([=<>!].*?)\s*(?:#.*)?$", (ROOT / "environment.yml").read_text(), re.M)
    assert spec, "environment.yml names no python version"
    admitted = []
    for n in range(0, 40):
        ok = True
        for clause in spec[1].replace(" ", "").split(","):
            op, version = re.fullmatch(r"(==|=|>=|<=|>|<|!=)?(3\.\d+)(?:\.\*|\.\d+)?", clause).groups()
            have, want = (3, n), minor(version)
            ok &= {"": have == want, "=": have == want, "==": have == want, ">=": have >= want, "<=": have <= want,
                   ">": have > want, "<": have < want, "!=": have != want}[op or ""]
        if ok:
            admitted.append(f"3.{n}")
    return spec[1], admitted


def test_conda_environment_python_is_one_the_course_supports():
    spec, admitted = conda_python_admits()
    outside = [v for v in admitted if v not in supported()]
    assert admitted and not outside, (f"environment.yml asks for python{spec}, which admits {outside or 'no version'}; "
                                      f"the course supports Python {', '.join(supported())} (tools/ensure-venv)")


def test_ci_runs_make_test_on_every_supported_python():
    plan = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--plan"], capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    lines = plan.stdout.splitlines()
    assert lines[:2] and lines[0].startswith("make test: python3") and lines[1] == "make site-test", plan.stdout
    tested = sorted(re.findall(r"^make test\b.*?Python (3\.\d+)", plan.stdout, re.M), key=minor)
    assert tested == supported(), f".ci/run runs `make test` on Python {tested}; the course supports {supported()}"
    venvs = re.findall(r"^make test VENV=(\S+):", plan.stdout, re.M)
    assert len(set(venvs)) == len(venvs) and ".venv" not in venvs, f"each Python needs a fresh environment of its own: {venvs}"


def fake_python(path, version):
    """A stand-in for a Python of `version`: answers the version question, makes a venv of its own
    kind, and "installs" packages instantly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""#!/bin/sh
case "$1 $2" in
  "-c "*) echo {version} ;;
  "-m venv") mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && cp "$0" "$3/bin/python3" ;;
  "-m pip") echo "pip $*" >> "$(dirname "$0")/../pip-calls" ;;
  *) exit 3 ;;
esac
""")
    path.chmod(0o755)


def test_an_old_venv_made_by_another_python_is_rebuilt(tmp_path):
    """`python3.10 -m venv .venv` by habit, then `make test`: the Makefile puts .venv/bin first on the
    PATH, yet the system's python3 must be the one asked, and the old .venv rebuilt with a one-line note."""
    fake_python(tmp_path / ".venv" / "bin" / "python3", "3.10")
    (tmp_path / ".venv" / "bin" / "python").symlink_to("python3")
    fake_python(tmp_path / "system" / "python3", supported()[0])
    (tmp_path / "requirements.lock").write_text("")
    run = subprocess.run(["sh", str(ROOT / "tools" / "ensure-venv")], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": f"{tmp_path}/.venv/bin:{tmp_path}/system:/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    note = run.stdout.splitlines()[0]
    assert note == f"Rebuilding .venv: it was made by Python 3.10, and 'python3' is Python {supported()[0]}.", run.stdout
    assert (tmp_path / ".venv" / "ready").exists() and "-r requirements.lock" in (tmp_path / ".venv" / "pip-calls").read_text()
    again = subprocess.run(["sh", str(ROOT / "tools" / "ensure-venv")], cwd=tmp_path, capture_output=True, text=True,
                           env={"PATH": f"{tmp_path}/.venv/bin:{tmp_path}/system:/usr/bin:/bin"})
    assert again.returncode == 0 and again.stdout == "", "a ready .venv of the right Python is left alone: " + again.stdout

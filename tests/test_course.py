"""What nbval cannot see: the course's structure, its stored outputs and its set-up files."""
import ast
import base64
import re
import subprocess
import sys

import pytest

import course

ROOT = course.ROOT
NOTEBOOKS = [nb for nb in course.course() if nb.exists()]
BY_FILE = {nb.file: nb for nb in NOTEBOOKS}
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
LOCAL_PATH = re.compile(r"(/root/|/tmp/|/home/|/work/|/Users/|[A-Z]:\\\\|ipykernel_\d+)")


notebook = course.read


def code_cells(book):
    return [(i, c) for i, c in enumerate(book.cells) if c.cell_type == "code"]


def output_texts(output):
    for key in ("text", "evalue"):
        if key in output:
            yield output[key]
    for mime, value in output.get("data", {}).items():
        if isinstance(value, str) and mime != "image/png":
            yield value


per_notebook = pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])


def test_the_course_has_notebooks():
    assert len(NOTEBOOKS) >= 1 and NOTEBOOKS[0].number == 1


def test_generated_parts_are_up_to_date():
    """Headers, footers, inherited code (the notebook chain) and the README table match course.toml."""
    problems = course.stale()
    assert not problems, "\n".join(problems)


@per_notebook
def test_every_heading_carries_a_video_link_inside_the_notebooks_range(nb):
    for cell in notebook(nb).cells:
        if cell.cell_type != "markdown":
            continue
        for line in course.headings(cell.source):
            times = course.timecodes(line)
            assert len(times) == 1, f"{nb.file}: heading without exactly one video link: {line!r}"
            assert nb.start <= times[0] < nb.end, (
                f"{nb.file}: {line!r} lies outside the notebook's range "
                f"{course.hms(nb.start)}-{course.hms(nb.end)}")


def test_heading_times_never_go_back_through_the_course():
    previous, where = -1, "the start"
    for nb in NOTEBOOKS:
        for cell in notebook(nb).cells:
            if cell.cell_type == "markdown":
                for line in course.headings(cell.source):
                    for t in course.timecodes(line):
                        assert t >= previous, f"{nb.file}: {line!r} comes after {where}"
                        previous, where = t, line


@per_notebook
def test_every_chapter_has_a_linked_section(nb):
    linked = {t for cell in notebook(nb).cells if cell.cell_type == "markdown"
              and "course-header" not in course.tags(cell)
              for line in course.headings(cell.source) for t in course.timecodes(line)}
    for start, title in nb.chapters:
        assert start in linked, f"{nb.file}: no section heading links to chapter {course.hms(start)} {title!r}"


@per_notebook
def test_inherited_code_comes_first(nb):
    """Each notebook runs on its own: the code it inherits is its first code cell."""
    book = notebook(nb)
    first = code_cells(book)[0][1]
    if course.kept_blocks(course.course(), nb):
        assert "course-inherited" in course.tags(first), f"{nb.file}: the inherited code is not the first code cell"


def defined_names(source):
    """Names a cell defines at top level (classes, functions, plain assignments)."""
    for node in course.python_ast(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            yield node.name
        elif isinstance(node, ast.Assign):
            yield from (t.id for t in node.targets if isinstance(t, ast.Name))


def kept(cell):
    return any(tag.startswith("keep:") for tag in course.tags(cell))


@per_notebook
def test_what_a_notebook_hands_on_is_what_it_ended_with(nb):
    """Later notebooks inherit the keep: cells, so no later cell may redefine what they define."""
    cells = [c for _, c in code_cells(notebook(nb)) if "course-inherited" not in course.tags(c)]
    last = {name: cell for cell in cells for name in defined_names(cell.source)}
    for cell in filter(kept, cells):
        for name in defined_names(cell.source):
            assert kept(last[name]), f"{nb.file}: {name} is redefined after its keep: cell, so the next notebook would inherit an old version"


@per_notebook
def test_stored_outputs_come_from_the_current_code(nb):
    """Editing a cell without re-running the notebook is caught here, with the cell named."""
    book = notebook(nb)
    counts = []
    fix = f"run `make execute NB=notebooks/{nb.file}` to store fresh outputs"
    for number, (_, cell) in enumerate(code_cells(book)):
        first_line = cell.source.split("\n")[0]
        assert cell.metadata.get("source_hash") == course.source_hash(cell), (
            f"{nb.file} code cell {number} ({first_line!r}) was edited after the notebook last ran; {fix}")
        counts.append(cell.execution_count)
    assert counts == list(range(1, len(counts) + 1)), f"{nb.file}: cells did not run top to bottom once; {fix}"


@per_notebook
def test_stored_outputs_are_portable(nb):
    book = notebook(nb)
    for index, cell in code_cells(book):
        where = f"{nb.file} cell {index}"
        for output in cell.outputs:
            for text in output_texts(output):
                assert not ADDRESS.search(text), f"{where}: a memory address in the output"
                assert not LOCAL_PATH.search(text), f"{where}: a local path in the output"
            data = output.get("data", {})
            if "image/png" in data:
                assert "image/svg+xml" in data, f"{where}: a PNG without an SVG twin cannot be compared"
                base64.b64decode(data["image/png"], validate=True)
            if output.output_type == "error":
                assert "raises-exception" in course.tags(cell), f"{where}: raised, but is not tagged raises-exception"
        if "raises-exception" in course.tags(cell):
            assert any(o.output_type == "error" for o in cell.outputs), f"{where}: tagged raises-exception but did not raise"
    assert nb.path.stat().st_size < 2_000_000, f"{nb.file} is over 2 MB"


@per_notebook
def test_notebook_ends_with_recap_and_questions(nb):
    text = "\n".join(c.source for c in notebook(nb).cells if c.cell_type == "markdown")
    titles = [re.sub(r"\[▶.*", "", line).strip("# ").strip() for line in course.headings(text)]
    assert "Recap" in titles and "Questions" in titles, f"{nb.file}: needs a Recap and Questions section"
    assert "<details>" in text.split("Questions")[-1], f"{nb.file}: answers to the questions should be hidden in <details>"


def pins(lines, pattern):
    return dict(m.groups() for m in map(re.compile(pattern).match, lines) if m)


def test_conda_environment_matches_the_pip_pins():
    pip = pins((ROOT / "requirements.txt").read_text().splitlines(), r"^([\w.-]+)==([\w.]+)\s*$")
    conda = pins((ROOT / "environment.yml").read_text().splitlines(), r"^\s+- ([\w.-]+)=([\w.]+)\b")
    conda_to_pip = {"pytorch": "torch", "python-graphviz": "graphviz"}
    conda = {conda_to_pip.get(name, name): version for name, version in conda.items() if name != "python"}
    differ = {name: (pip.get(name), conda.get(name)) for name in pip.keys() | conda.keys() if pip.get(name) != conda.get(name)}
    assert not differ, f"requirements.txt and environment.yml disagree (pip, conda): {differ}"


def test_figures_are_made_by_their_code():
    if not (ROOT / "tools" / "figures.py").exists():
        pytest.skip("no generated figures yet")
    run = subprocess.run([sys.executable, "tools/figures.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_image_a_notebook_shows_is_in_img():
    for nb in NOTEBOOKS:
        for cell in notebook(nb).cells:
            if cell.cell_type == "markdown":
                for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)|<img[^>]+src=\"([^\"]+)\"", cell.source):
                    src = src[0] or src[1]
                    assert src.startswith("../img/") and (nb.path.parent / src).exists(), f"{nb.file}: image {src}"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^make test\b", (ROOT / ".ci" / "run").read_text(), re.M)


def sanitize_rules():
    from nbval.plugin import get_sanitize_patterns
    text = (ROOT / "tests" / "sanitize.cfg").read_text()
    rules = get_sanitize_patterns(text)
    assert len(rules) == len(re.findall(r"^regex: ", text, re.M)), "a regex: line is not followed by a 'replace: ' line"
    return rules


def sanitized(text):
    for pattern, replacement in sanitize_rules():
        text = re.sub(pattern, replacement, text)
    return text


def test_graphs_compare_equal_across_graphviz_versions_but_not_across_contents():
    """The same graph drawn by graphviz 2.43 (Debian) and 16.1 (conda-forge era) passes nbval's comparison."""
    old, new = ((ROOT / "tests" / "fixtures" / f"graph-graphviz-{v}.svg").read_text() for v in ("2.43", "16.1"))
    assert old != new and sanitized(old) == sanitized(new)
    assert "<text>data &#45;8.0000</text>" in sanitized(old) and "v5&#45;&gt;v6_op" in sanitized(old)
    assert sanitized(old.replace("data &#45;8.0000", "data &#45;8.0001")) != sanitized(new)

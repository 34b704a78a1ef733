"""A teacher's nbgrader, for real: release every exercise notebook, grade three submissions of each,
and read the scores from nbgrader's gradebook.

    .venv-nbgrader/bin/python tools/grade.py [FOLDER]     (make grade-demo; CI runs it too)

It runs nbgrader 0.9 from its own environment (.venv-nbgrader, from requirements-nbgrader.txt) in a
scratch copy of the course folder teachers/ (FOLDER, default build/grade-demo/), as a teacher would:

1. `nbgrader generate_assignment ID` for every exercise: the released notebook must be, cell for
   cell, the students' version learners open in exercises/;
2. three submissions per notebook, by three students: `solutions` hands in the teacher's version,
   `untouched` the released one as it is, `partial` the released one with every answer filled in
   from the teacher's solutions but one, the last, made wrong as a learner might;
3. `nbgrader autograde ID`, in a kernel that is the course's own Python (.venv: PyTorch for the
   checks that need it), then the scores from the gradebook: full marks, zero, and exactly the
   points of the checks the right answers pass;
4. `nbgrader generate_feedback ID`: the untouched submission's feedback shows every check's
   "not yet" and its hint.

It prints a table of the scores and exits 1 if any is not what it should be.
"""
import ast
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import ROOT, TEACHERS, exercises  # noqa: E402

COURSE_PYTHON = ROOT / ".venv" / "bin" / "python"
STUDENTS = ("solutions", "untouched", "partial")
# The last answer of each notebook, made wrong as a learner might: (grade_id, teacher's line, wrong line).
WRONG = {
    "e1-derivatives-and-value": ("e1-sub", "self.data - other.data", "self.data + other.data"),
    "e2-backprop-by-hand": ("e2-neuron", "n.grad = o.data * (1 - o.data) * o.grad", "n.grad = (1 - o.data**2) * o.grad"),
    "e3-operations-and-backward": ("e3-softmax", "return -probs[target].log()", "return probs[target].log()"),
    "e4-network-and-training": ("e4-rate", "learning_rate = 0.1", "learning_rate = 1.0"),
}


def nbgrader(folder, *args):
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"`nbgrader {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def grading(cell):
    return cell.metadata.get("nbgrader", {})


def set_up(folder):
    """The scratch course folder: teachers/ copied, and a `python3` kernel that is the course's Python."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(TEACHERS, folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    kernel = folder / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(COURSE_PYTHON), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the course's .venv)", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(folder / "jupyter")  # found before nbgrader's own python3
    os.environ["COURSE_EXERCISES"] = str(ROOT / "exercises")  # nbgrader_config.py: the students' header and footer
    # nbgrader runs alembic by name: this environment's programs first
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


def submissions(ex, folder):
    """The three submissions of exercise notebook `ex`, and the points the partial one should get."""
    teacher = nbformat.read(ex.path, as_version=4)
    released = nbformat.read(folder / "release" / ex.id / ex.file, as_version=4)
    solutions = {grading(c)["grade_id"]: c.source for c in teacher.cells if grading(c).get("solution")}
    wrong_id, right_line, wrong_line = WRONG[ex.id]
    partial = nbformat.from_dict(json.loads(json.dumps(released)))
    expected, after_wrong = 0, False
    for cell in partial.cells:
        meta = grading(cell)
        if meta.get("solution"):
            cell.source = solutions[meta["grade_id"]]
            after_wrong = meta["grade_id"] == wrong_id
            if after_wrong:
                assert right_line in cell.source, f"{ex.file}: {right_line!r} not in the answer {wrong_id}"
                cell.source = cell.source.replace(right_line, wrong_line)
        elif meta.get("grade"):
            expected += 0 if after_wrong else meta["points"]
        elif cell.cell_type == "code":
            after_wrong = False
    for student, book in zip(STUDENTS, (teacher, released, partial)):
        target = folder / "submitted" / student / ex.id / ex.file
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(book, target)
    return expected


def released_is_the_students_version(ex, folder):
    released = nbformat.read(folder / "release" / ex.id / ex.file, as_version=4)
    students = nbformat.read(ex.student_path, as_version=4)
    return [c.source for c in released.cells] == [c.source for c in students.cells]


def hints_in_feedback(ex, folder):
    """Problems with the untouched submission's feedback: every check must show 'not yet' and its hint."""
    page = (folder / "feedback" / "untouched" / ex.id / ex.file.replace(".ipynb", ".html")).read_text()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    problems = []
    for cell in nbformat.read(ex.path, as_version=4).cells:
        if not grading(cell).get("grade"):
            continue
        number = re.search(r'^check\("([\d.]+)"', cell.source, re.M)[1]
        shown = re.search(rf"✗ Exercise {re.escape(number)}: not yet\. (.*?) Hint: (.{{20}})", text)
        if not shown:
            problems.append(f"{ex.file}: the feedback does not show Exercise {number}'s 'not yet' with its hint")
            continue
        call = ast.parse(cell.source).body[-1].value
        if isinstance(call.args[2], ast.Constant):  # a hint written out: all of it must be there
            hint = " ".join(call.args[2].value.split())
            if hint not in text:
                problems.append(f"{ex.file}: Exercise {number}'s hint is not in the feedback")
    return problems


def main(args):
    folder = Path(args[0]).resolve() if args else ROOT / "build" / "grade-demo"
    began = time.perf_counter()
    if not COURSE_PYTHON.exists():
        sys.exit("the course's .venv is missing: run `make` first (the checks run in its Python)")
    set_up(folder)
    problems, rows = [], []
    written = [ex for ex in exercises() if ex.exists()]
    expected = {}
    for ex in written:
        nbgrader(folder, "generate_assignment", ex.id, "--force")
        if not released_is_the_students_version(ex, folder):
            problems.append(f"{ex.file}: nbgrader's release differs from exercises/{ex.file}")
        expected[ex.id] = submissions(ex, folder)
    for ex in written:
        nbgrader(folder, "autograde", ex.id, "--create", "--force")
        nbgrader(folder, "generate_feedback", ex.id, "--force")
        problems += hints_in_feedback(ex, folder)
    from nbgrader.api import Gradebook  # this environment's: .venv-nbgrader
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        for ex in written:
            scores = {s: gradebook.find_submission(ex.id, s) for s in STUDENTS}
            total = scores["solutions"].max_score
            wanted = {"solutions": total, "untouched": 0, "partial": expected[ex.id]}
            got = {s: scores[s].score for s in STUDENTS}
            rows.append(f"| {ex.id} | {got['solutions']:g} / {total:g} | {got['untouched']:g} | "
                        f"{got['partial']:g} (right answers' points: {wanted['partial']:g}) |")
            problems += [f"{ex.id}: {s} scored {got[s]:g}, not {wanted[s]:g}" for s in STUDENTS if got[s] != wanted[s]]
    print("| assignment | teacher's solutions | released, untouched | one answer wrong |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))
    print(f"\n{nbgrader(folder, '--version').strip().splitlines()[-1]}: released, autograded and fed back "
          f"{len(written)} notebooks x {len(STUDENTS)} submissions in {time.perf_counter() - began:.0f} s, "
          f"in {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
    print("\n".join(problems) or "every score is what it should be, and the feedback shows every hint")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

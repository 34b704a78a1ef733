"""Write the students' versions of the exercise notebooks, ready to hand out.

    python tools/student.py [FOLDER]    write them to FOLDER (default: student/)

The notebooks in exercises/ are the teacher's versions. Each student's version is made by
nbgrader's own preprocessors, as `nbgrader generate_assignment` would make it:
ClearSolutions replaces each solution (the code between `### BEGIN SOLUTION` and
`### END SOLUTION`) with a line raising "write your answer here", and refuses a solution outside
a cell marked as one; ClearOutput removes every output. The header is the one for a copy outside
the repository: no Colab or Binder links (they would open the teacher's version), and links to
the course's notebooks that lead to GitHub.

nbgrader is not part of the course's environment (its Jupyter extensions would change `make
lab`): `make student` installs it, from requirements-student.txt, into .venv/nbgrader, a folder
of its own that only this tool puts on the path.
"""
import shutil
import sys
import time
from pathlib import Path

import nbformat

from course import ROOT, exercises, tags
from sync import exercise_footer, exercise_header

NBGRADER = Path(sys.prefix) / "nbgrader"
STUB = "# Write your answer here, in place of the next line.\nraise NotImplementedError('write your answer here')"


def preprocessors():
    sys.path.insert(0, str(NBGRADER))
    try:
        from nbgrader.preprocessors import ClearOutput, ClearSolutions
    except ImportError:
        sys.exit(f"nbgrader is not installed in {NBGRADER.relative_to(ROOT)}: run `make student`, which installs it")
    return [ClearSolutions(code_stub={"python": STUB}, text_stub="Write your answer here."),
            ClearOutput(remove_metadata_fields={"collapsed", "scrolled", "source_hash", "execution"})]


def student_version(ex, steps):
    """The student's version of exercise notebook `ex`, as a notebook."""
    book = nbformat.read(ex.path, as_version=4)
    resources = {}
    for step in steps:
        book, resources = step.preprocess(book, resources)
    for cell in book.cells:
        if "course-header" in tags(cell):
            cell.source = exercise_header(ex, student=True)
        elif "course-footer" in tags(cell):
            cell.source = exercise_footer(ex, student=True)
    return book


def main(args):
    folder = Path(args[0]) if args else ROOT / "student"
    began = time.perf_counter()
    steps = preprocessors()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    written = [ex for ex in exercises() if ex.exists()]
    for ex in written:
        nbformat.write(student_version(ex, steps), folder / ex.file)
    print(f"{len(written)} student notebooks in {folder} ({time.perf_counter() - began:.1f} s): "
          "solutions replaced by 'write your answer here', outputs cleared")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

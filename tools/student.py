"""Write the students' versions of the exercise notebooks: what learners open, without the answers.

    python tools/student.py [FOLDER]    write them to exercises/ (or to FOLDER)

The teacher's versions, with the solutions, are in teachers/source/ID/ID.ipynb (nbgrader's source
folder). Each student's version is made by nbgrader's own preprocessors, as `nbgrader
generate_assignment` would make it: ClearSolutions replaces each solution (the code between
`### BEGIN SOLUTION` and `### END SOLUTION`) with a line raising "write your answer here", and
refuses a solution outside a cell marked as one; ClearOutput removes every output. The header and
footer are the students' (tools/sync.py): launch links to this version, and at the very end the one
link to the worked solutions. `make sync` writes them too, and reports a stale one.

nbgrader is not part of the course's environment (its Jupyter extensions would change `make
lab`): `make student` installs its preprocessors, from requirements-student.txt, into
.venv/nbgrader, a folder of its own that only this tool puts on the path.
"""
import sys
import time
from pathlib import Path

import nbformat

from course import EXERCISES, ROOT, exercises, tags

NBGRADER = Path(sys.prefix) / "nbgrader"
STUB = "# Write your answer here, in place of the next line.\nraise NotImplementedError('write your answer here')"
TEXT_STUB = "Write your answer here."


def preprocessors():
    if str(NBGRADER) not in sys.path:
        sys.path.insert(0, str(NBGRADER))
    try:
        from nbgrader.preprocessors import ClearOutput, ClearSolutions
    except ImportError:
        sys.exit(f"nbgrader is not installed in {NBGRADER}: run `make student`, which installs it")
    return [ClearSolutions(code_stub={"python": STUB}, text_stub=TEXT_STUB),
            ClearOutput(remove_metadata_fields={"collapsed", "scrolled", "source_hash", "execution"})]


def student_version(ex, steps):
    """The student's version of exercise notebook `ex`, as a notebook."""
    from sync import exercise_footer, exercise_header
    book = nbformat.read(ex.path, as_version=4)
    resources = {}
    for step in steps:
        book, resources = step.preprocess(book, resources)
    for cell in book.cells:
        if "course-header" in tags(cell):
            cell.source = exercise_header(ex)
        elif "course-footer" in tags(cell):
            cell.source = exercise_footer(ex)
    return book


def text(book):
    return nbformat.writes(book) + "\n"


def main(args):
    folder = Path(args[0]) if args else EXERCISES
    began = time.perf_counter()
    steps = preprocessors()
    folder.mkdir(parents=True, exist_ok=True)
    written = [ex for ex in exercises() if ex.exists()]
    for ex in written:
        (folder / ex.file).write_text(text(student_version(ex, steps)))
    shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    print(f"{len(written)} students' versions in {shown}/ ({time.perf_counter() - began:.1f} s): "
          "solutions replaced by 'write your answer here', outputs cleared")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

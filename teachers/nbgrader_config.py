"""nbgrader's settings for this folder, an nbgrader course folder: the teacher's versions of the
exercises are in source/ID/ID.ipynb, as nbgrader expects them. From this folder,

    nbgrader generate_assignment e3-operations-and-backward    releases it to release/
    nbgrader autograde e3-operations-and-backward              grades submitted/STUDENT/...
    nbgrader generate_feedback e3-operations-and-backward      writes feedback/STUDENT/...

`make grade-demo` (tools/grade.py) does all of it in a scratch folder. The released notebooks are
the students' versions that learners open in ../exercises/: the same stub in every answer cell,
and the students' header and footer (Colab links to that version, and the link to the worked
solutions at the very end) in place of this folder's.
"""
import os
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,
                                    ClearSolutions, ComputeChecksums, IncludeHeaderFooter, InstantiateTests,
                                    LockCells, NbGraderPreprocessor, SaveCells)

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "micrograd-spelled-out"
c.ClearSolutions.code_stub = {"python": "# Write your answer here, in place of the next line.\n"
                                        "raise NotImplementedError('write your answer here')"}
c.ClearSolutions.text_stub = "Write your answer here."

# where the students' versions are: beside this folder, or where COURSE_EXERCISES says (tools/grade.py)
STUDENTS_VERSIONS = Path(os.environ.get("COURSE_EXERCISES", Path(__file__).resolve().parent.parent / "exercises"))


class StudentsHeaderAndFooter(NbGraderPreprocessor):
    """The header and footer of the students' version (../exercises/ID.ipynb), when it is there."""

    def preprocess(self, nb, resources):
        released = STUDENTS_VERSIONS / f"{resources['nbgrader']['notebook']}.ipynb"
        if released.exists():
            theirs = {tag: cell.source for cell in nbformat.read(released, as_version=4).cells
                      for tag in cell.metadata.get("tags", []) if tag in ("course-header", "course-footer")}
            for cell in nb.cells:
                for tag in cell.metadata.get("tags", []):
                    if tag in theirs:
                        cell.source = theirs[tag]
        return nb, resources


c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearOutput, StudentsHeaderAndFooter,
    CheckCellMetadata, ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums,
    CheckCellMetadata,
]

"""What the learner reads: about the lecture (not our build), ending with a recap and questions."""
import re

import pytest

import course

NOTEBOOKS = course.written()
per_notebook = pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
GENERATED = {"course-header", "course-footer"}
# Words about how the course is built and checked: they belong in CONTRIBUTING.md.
PLUMBING = re.compile(r"\bour tests?\b|\bthe tests\b|\btests/|\btest suite\b|\bpytest\b|\bnbval\b|keep:|"
                      r"\bPNG\b|\bfor GitHub\b|GitHub's viewer|\bmake (?:sync|test|execute|lab|bench)\b|\btools/|"
                      r"\bCI\b|course\.toml|\bstored outputs?\b|\btagged\b|\bcell tags?\b|raises-exception", re.I)
ABOUT = "About this course"  # notebook 01 may say, once, how the course is made


def prose(nb):
    book = course.read(nb)
    for index, cell in enumerate(book.cells):
        if cell.cell_type == "markdown" and not GENERATED & set(course.tags(cell)):
            yield course.where(nb, book, index), cell.source


@per_notebook
def test_the_prose_is_about_the_lecture_not_our_build(nb):
    for where, text in prose(nb):
        if nb.number == 1 and ABOUT in text:
            continue
        found = PLUMBING.search(text)
        assert not found, (f"{where} says {found[0]!r}: course plumbing in the learner's text; "
                           "move it to CONTRIBUTING.md (notebook 01's 'About this course' note may mention it)")


def test_the_plumbing_check_reads_the_words_it_should():
    assert PLUMBING.search("a PNG for GitHub") and PLUMBING.search("run make sync") and PLUMBING.search("keep:value")
    assert not PLUMBING.search("the chain rule, tested by nudging, and PyTorch")


def sections(nb):
    """(title, text) of each ## section, in order."""
    text = "\n".join(t for _, t in prose(nb))
    parts = re.split(r"^(## .*)$", text, flags=re.M)
    return [(course.heading_title(parts[i]), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


@per_notebook
def test_notebook_ends_with_recap_and_questions(nb):
    titles = [title for title, _ in sections(nb)]
    assert titles[-2:] == ["Recap", "Questions"], f"notebooks/{nb.file}: the last two sections should be Recap and Questions, not {titles[-2:]}"


@per_notebook
def test_every_answer_is_folded(nb):
    questions = dict(sections(nb)).get("Questions", "")
    asked = re.findall(r"^\d+\. ", questions, re.M)
    folded = re.findall(r"<details>\s*<summary>[^<]+</summary>(.*?)</details>", questions, re.S)
    assert asked, f"notebooks/{nb.file}: the Questions section asks nothing (number the questions 1. 2. ...)"
    assert len(folded) == len(asked), (f"notebooks/{nb.file}: {len(asked)} questions but {len(folded)} folded answers; "
                                       "fold each answer in <details><summary>Answer N</summary> ... </details>")
    assert all(answer.strip() for answer in folded), f"notebooks/{nb.file}: an empty folded answer"
    labels = re.findall(r"<summary>([^<]+)</summary>", questions)
    assert labels == [f"Answer {n}" for n in range(1, len(asked) + 1)], (
        f"notebooks/{nb.file}: label the folded answers Answer 1, Answer 2, ... in order, not {labels}")
    outside = re.sub(r"<details>.*?</details>", "", questions.split(asked[-1], 1)[1], flags=re.S)
    assert not [line for line in outside.splitlines()[1:] if line.strip() and not line.startswith("   ")], (
        f"notebooks/{nb.file}: text after the questions outside a folded answer: is an answer unfolded?")


def test_every_image_a_notebook_shows_is_in_img():
    for nb in NOTEBOOKS:
        for where, text in prose(nb):
            for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)|<img[^>]+src=\"([^\"]+)\"", text):
                src = src[0] or src[1]
                assert src.startswith("../img/") and (nb.path.parent / src).exists(), f"{where}: image {src} is not in img/"

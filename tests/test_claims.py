"""Numbers the prose states about computed quantities are numbers the cells print.

A claim may be written in any of these notations, in any markdown cell, folded answers included:
    inline code     `a.grad = 6.0`   `dL/da=6`   `L.data ≈ -8.0`
    LaTeX           $\\frac{\\partial L}{\\partial a} = ... = 6$   $\\frac{dL}{da} = 6$
    words           the gradient of `a` is 6.0      `a.grad` is about 138.8
Each must match a line some cell of the same notebook printed (`a.grad = 6.0000`, `dL/da ≈ 6.0000`,
`L.data = -8.0000`), to the digits the claim gives. tests/test_replay.py proves those printed lines
right against PyTorch, so the prose is proved too. A passage that looks like a claim but fits no
notation fails, so that no claim goes unchecked.
"""
import re

import pytest

import course

NUM = r"(-?\d+(?:\.\d+)?)"
INLINE = re.compile(r"`([^`\n]+)`")
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$", re.S)
CODE_CLAIM = re.compile(rf"^(?:d(\w+)/d(\w+)|(\w+)\.(grad|data))(=|≈){NUM}$")
FRACTION = re.compile(r"^\\frac\{(?:\\partial\s*|d\s*)(\w+)\}\{(?:\\partial\s*|d\s*)(\w+)\}$")
WORDS = re.compile(rf"(?:gradient of `?(\w+)`?|`(\w+)\.grad`)\s+(?:is|equals|comes out (?:as|at|to))\s+(about\s+|roughly\s+)?{NUM}")
LOOKS_LIKE = re.compile(r"\w+\.grad\b|\bd[A-Za-z]\w*/d\w+|\\partial|\\frac\{d|\bgradient of\b")
STATES_NUMBER = re.compile(r"^[^.;:\n]{0,40}?(?:=|≈|\bis\b|\bequals\b)\s*(?:about\s+|roughly\s+)?[-−]?\d")
LINE = re.compile(rf"^(?:d(\w+)/d(\w+) ≈ |(\w+)\.(grad|data) = ){NUM}$")


def claim(name, kind, number, approx):
    decimals = len(number.split(".")[1]) if "." in number else 0
    return name, kind, float(number), (1.0 if approx else 0.5) * 10 ** -decimals + 1e-9


def parse_math(tex):
    """Claims in one LaTeX formula; ValueError if its last right-hand side mixes numbers and symbols."""
    found = []
    for equation in re.split(r",|\\quad|\\qquad|\\\\|;|\\text\{[^}]*\}", tex):
        sides = [s.strip() for s in equation.split("=")]
        lhs = FRACTION.match(sides[0]) if len(sides) > 1 else None
        if not lhs:
            continue
        last = sides[-1].replace("−", "-").strip()
        if re.fullmatch(NUM, last):
            found.append(claim(lhs[2], "grad", last, False))
        elif re.search(r"\d", last) and not re.search(r"\\frac|\\partial", last):
            raise ValueError(f"${tex}$: end the equation with a plain number, e.g. `= -2.0`")
    return found


def claims_in(text):
    """(claims, unparsed passages) of a markdown text."""
    claims, consumed, unparsed = [], [], []
    consumed += [m.span() for m in re.finditer(r"(?ms)^```.*?^```", text)]  # code blocks are code
    for m in INLINE.finditer(text):
        consumed.append(m.span())
        code = re.sub(r"\s+", "", m[1])
        if c := CODE_CLAIM.match(code):
            claims.append(claim(c[2] or c[3], c[4] or "grad", c[6], c[5] == "≈"))
        elif re.fullmatch(r"(?:d\w+/d\w+|\w+\.(?:grad|data))(?:=|≈)[-\d.]+", code):
            unparsed.append(m[0])  # a number that is not one, like 6.0.1
    for m in MATH.finditer(text):
        consumed.append(m.span())
        try:
            claims += parse_math(m[1] or m[2])
        except ValueError as problem:
            unparsed.append(str(problem))
    for m in WORDS.finditer(text):
        consumed.append(m.span())
        claims.append(claim(m[1] or m[2], "grad", m[4], bool(m[3])))
    for m in LOOKS_LIKE.finditer(text):
        inside = any(a <= m.start() < b for a, b in consumed)
        if not inside and STATES_NUMBER.match(text[m.end():]):
            unparsed.append(text[m.start():m.end() + 40].split("\n")[0])
    return claims, unparsed


def printed(nb):
    found = []
    for _, cell in course.code_cells(course.read(nb)):
        for output in cell.get("outputs", []):
            for line in (output.get("text", "") + output.get("data", {}).get("text/plain", "")).splitlines():
                if m := LINE.match(line.strip()):
                    found.append((m[2] or m[3], m[4] or "grad", float(m[5])))
    return found


NOTEBOOKS = course.written()


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_claims_in_prose_are_printed_by_the_cells(nb):
    book = course.read(nb)
    lines = printed(nb)
    for index, cell in enumerate(book.cells):
        if cell.cell_type != "markdown" or "course-header" in course.tags(cell):
            continue
        where = course.where(nb, book, index)
        claims, unparsed = claims_in(cell.source)
        assert not unparsed, (f"{where}: {unparsed[0]!r} looks like a claim about a computed number but fits no "
                              "notation the checks read; write it as `a.grad = 6.0`, `dL/da = 6.0` or "
                              "$\\frac{\\partial L}{\\partial a} = 6.0$")
        for name, kind, number, tolerance in claims:
            seen = [p for n, k, p in lines if (n, k) == (name, kind)]
            assert any(abs(p - number) <= tolerance for p in seen), (
                f"{where}: the prose says {name}.{kind} = {number}, but the cells print "
                f"{[f'{p:.4f}' for p in seen] or f'no {name}.{kind} line (print it as {name}.{kind} = ...)'}")


def test_the_claim_reader_reads_every_notation():
    read = lambda text: [(n, k, v) for n, k, v, _ in claims_in(text)[0]]  # noqa: E731
    assert read("`dL/da=7.0` and `a.grad = -4`") == [("a", "grad", 7.0), ("a", "grad", -4.0)]
    assert read("so `L.data ≈ -7.2865`") == [("L", "data", -7.2865)]
    assert read(r"$\frac{\partial L}{\partial c} = \frac{\partial L}{\partial d} \cdot 1 = -2$") == [("c", "grad", -2.0)]
    assert read(r"$$\frac{dL}{df} = d = 4.0$$") == [("f", "grad", 4.0)]
    assert read("the gradient of `b` is -4.0, and `a.grad` is about 138.8") == [("b", "grad", -4.0), ("a", "grad", 138.8)]
    assert read("`h = 0.001` and $x^2$") == []


def test_a_passage_that_looks_like_a_claim_but_fits_no_notation_fails():
    assert claims_in("Here a.grad = 6 exactly.")[1]
    assert claims_in(r"$\frac{\partial L}{\partial a} = 2 \cdot 3$")[1]
    assert claims_in("`dL/da = 6.0.1`")[1]
    assert not claims_in("`self.grad = 1.0 * out.grad`\n```\nself.grad = 1.0 * out.grad\n```")[1]
    assert not claims_in(r"$\frac{\partial L}{\partial a} = \frac{\partial L}{\partial e} \cdot b$")[1]

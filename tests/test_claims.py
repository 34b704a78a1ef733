"""Every number the prose states about a computed quantity is a number a correct cell prints.

Every number in a notebook's markdown (folded answers, tables and recaps included) and in its
study notes (tests/test_notes.py) is read, in any notation:
    inline code  `a.grad = 6.0`   `dL/da=6`   `L.data ≈ -8.0`      (that line must be printed)
    LaTeX        $\\frac{\\partial L}{\\partial a} = 6$   $\\partial L / \\partial b = (-2) \\cdot 2 = -4$
    words        the gradient of `a` is 6.0   `a.grad` is about 138.8   `d` (4)   `d` = 4
    anything     all 41 of them   climbs to 100%   about 0.23 times   4 × (3 + 1) = 16
A number said of a name (`d` (4)) must be one printed for that name, if any is; a percentage, a
printed percentage (the highest, if it "climbs to" it); any other number, some printed number (to
the digits the prose gives; a positive number may give a printed negative one's size; "6.88..." is
cut short), or a number typed in as code, in a cell or in the prose's own
inline code (an input: a step of 0.01, a network's sizes). A chain of equalities between plain
numbers must hold, and then stands on its last number or, if that is not printed, on its first
side's. A sentence that names another notebook ("as notebook 05 found") may also quote that
notebook's outputs. Gradients printed by a cell tagged `wrong-on-purpose` count only where the
sentence says they are the wrong ones (wrong, bug, instead of, ...). Not about computed
quantities, so not read: timecodes, list numbers, notebook numbers, Python versions, "64-bit",
and every number of a sentence that says it quotes the video ("on screen the loss reads 4.84").
A passage that looks like a claim and cannot be read fails, and so does every number that
matches nothing.
"""
import ast
import functools
import io
import math
import re
import tokenize

import pytest

import course
from replay import ATTR, DERIV, NAMED

NUM = r"(-?\d+(?:\.\d+)?)"
DIGITS = r"\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?(?:e[-+]?\d+)?"
NUMBER = re.compile(rf"(?<![\w.^])[-−]?(?:{DIGITS})(?![\w])(%?)(\.\.\.|…)?")
INLINE = re.compile(r"`([^`\n]+)`")
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$", re.S)
CODE_CLAIM = re.compile(rf"^(?:d(\w+)/d(\w+)|(\w+)\.(grad|data))(=|≈){NUM}$")
FRACTION = re.compile(r"^(?:\\frac\{(?:\\partial\s*|d\s*)(\w+)\}\{(?:\\partial\s*|d\s*)(\w+)\}"
                      r"|(?:\\partial\s*|d)(\w+)\s*/\s*(?:\\partial\s*|d)(\w+))$")
WORDS = re.compile(rf"(?:gradient of `?(\w+)`?|`(\w+)\.grad`)\s+(?:is|equals|comes out (?:as|at|to))\s+"
                   rf"(about\s+|roughly\s+)?{NUM}")
NAMED_NUMBER = re.compile(r"`([A-Za-z_]\w*)`\s*(?:\(|=\s*)(?=[-−]?\d)")  # `d` (4), `d` = 4
CLIMBS = re.compile(r"\b(?:climbs|rises|goes up|reaches|reaching)\s+(?:to\s+)?(?:about\s+)?"
                    r"(?=\d+(?:\.\d+)?%)")
LOOKS_LIKE = re.compile(r"\w+\.grad\b|\bd[A-Za-z]\w*/d\w+|\\partial|\\frac\{d|\bgradient of\b")
STATES_NUMBER = re.compile(r"^[^.;:\n]{0,40}?(?:=|≈|\bis\b|\bequals\b)\s*(?:about\s+|roughly\s+)?[-−]?\d")
OPERAND = r"[-−(]*(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)[²³]?\)*"
SIDE = rf"{OPERAND}(?:\s*[-+×·*/−]\s*{OPERAND})*"
CHAIN = re.compile(rf"{SIDE}(?:\s*(?:=|≈)\s*{SIDE})+")
NOT_RESULTS = re.compile(r"^```[\s\S]*?^```|^#.*$|\[▶[\s\u00a0][\d:]+\]\([^)]*\)|\]\([^)]*\)|<a id=[^>]*></a>|"
                         r"<summary>[^<]*</summary>|^\s*\d+\.\s|\b\d\d:\d\d(?::\d\d)?\b|\b\d\d ·|"
                         r"\b\d+-(?:bit|point)\b|"
                         r"\bPython \d+(?:\.\d+)*(?:[–-]\d+\.\d+)?", re.M)
ANOTHER = re.compile(r"\b[Nn]otebooks?\s+(\d+)((?:(?:,|\s+and|\s+to)\s+\d+)*)")
QUOTES = re.compile(r"\b(?:on (?:the )?screen|in the video|the video shows|the lecture's (?:own )?printout|"
                    r"according to the lecture)\b", re.I)
SAYS_WRONG = re.compile(r"\b(?:wrong|bug|buggy|broken|instead of|mistaken?|slip|incorrect|overwrit\w*)\b",
                        re.I)
SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z`$(\[*_])|\n\s*\n|\n(?=\s*(?:[-*+] |\|))")


def value(token):
    return float(token.replace("−", "-").replace(",", "").rstrip("%.…"))


def split(token):
    """A number as written: (mantissa, exponent, place of its last digit); `1.8e308` is (1.8, 308, 0.1)."""
    mantissa, _, exponent = token.replace("−", "-").replace(",", "").rstrip("%.…").partition("e")
    return float(mantissa), int(exponent or 0), 10.0 ** -len(mantissa.partition(".")[2])


def step(token):
    _, exponent, place = split(token)
    return place * 10.0 ** exponent


def close(token, printed, cut=False):
    """A number written as `token` in the prose is `printed` (value, step), to the digits the prose
    gives; `cut`: the prose cut it short (6.88...), perhaps beyond the digits printed."""
    number, printed_step = printed
    mantissa, exponent, place = split(token)
    if re.fullmatch(r"1e-?\d+", token):  # a power of ten, said as an order of magnitude
        return number != 0 and abs(math.log10(abs(number)) - exponent) < 1
    scale = 10.0 ** exponent  # (1.8e308 itself is beyond the largest float)
    room = max(place, 0.5 * printed_step / scale) if cut else 0.5 * place  # cut short: to the digits given
    return abs(mantissa - number / scale) <= room + 1e-12 * abs(number / scale)


def numbers_in(text, percent=None):
    return [(value(m[0]), step(m[0])) for m in NUMBER.finditer(text)
            if percent is None or bool(m[1]) == percent]


@functools.lru_cache(maxsize=None)
def outputs(number):
    nb = next(nb for nb in course.written() if nb.number == number)
    return Outputs([cell for _, cell in course.code_cells(course.read(nb))])


class Outputs:
    """What a notebook's cells print, and the numbers its code types in."""

    def __init__(self, cells):
        self.lines = []  # (line, items), without the gradients of wrong-on-purpose cells
        self.wrong = []  # the gradients of wrong-on-purpose cells
        self.inputs = set()
        for cell in cells:
            on_purpose = "wrong-on-purpose" in course.tags(cell)
            for output in cell.get("outputs", []):
                text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
                for line in text.splitlines():
                    found = items(line)
                    about_gradients = any(kind == "grad" for _, kind, _ in found)
                    (self.wrong if on_purpose and about_gradients else self.lines).append((line, found))
            self.inputs |= typed_in(cell.source)

    def numbers(self, wrong_too, name=None, kind=None, percent=False):
        """Printed numbers (value, step): all, those shown for `name` (and `kind`), or the percentages."""
        found = []
        for line, named in self.lines + (self.wrong if wrong_too else []):
            if name:
                found += [n for who, k, n in named if who == name and kind in (None, k)]
            else:
                found += numbers_in(line, percent)
        return found


def items(line):
    """(name, grad or data, (value, step)) for each item of a printed line: `a.grad = 6.0`, `dL/da = 6`."""
    found, name = [], None
    for m in ATTR.finditer(line):
        name = m[1] or name
        found += [(name, m[2], n) for n in numbers_in(m[3])]
    found += [(m[2], "grad", numbers_in(m[4])[0]) for m in DERIV.finditer(line)]
    found += [(m[1], "data", numbers_in(m[2])[0]) for m in NAMED.finditer(line)]
    return found


# Python 3.12 splits an f-string into pieces; the text between its {} is FSTRING_MIDDLE.
TEXT_TOKENS = {tokenize.NAME, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def typed_in(source):
    """The numbers a cell's code types in: its literals (with a minus typed before one), the digits of
    its names (float64, x1) and strings ('11'). These are inputs, not results."""
    found = set()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return {value(m[0]) for m in NUMBER.finditer(source)}
    for before, token in zip([None] + tokens, tokens):
        if token.type == tokenize.NUMBER:
            number = float(ast.literal_eval(token.string.replace("_", "")).real)
            found |= {number, -number} if before is not None and before.string == "-" else {number}
        elif token.type in TEXT_TOKENS:
            found |= {float(d) for d in re.findall(r"\d+(?:\.\d+)?", token.string)}
    return found


def arithmetic(text):
    """The value of a side made only of plain numbers and + - × · / ( ), else None."""
    text = text.replace("−", "-").replace("×", "*").replace("·", "*").replace("²", "**2").replace("³", "**3")
    try:
        tree = ast.parse(re.sub(r"(?<=\d),(?=\d{3})", "", text).strip(), mode="eval")
    except SyntaxError:
        return None
    plain = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator, ast.unaryop)
    if not all(isinstance(n, plain) for n in ast.walk(tree)) or not NUMBER.search(text):
        return None
    try:
        return float(eval(compile(tree, "", "eval")))
    except ArithmeticError:
        return None


def latex_to_plain(tex):
    """A LaTeX formula with its numbers written plainly: `(-2) × 2`, `3.6e-15`, `(2)/(16)`."""
    tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", tex)
    tex = re.sub(r"(\d)\s*\\times\s*10\^\{?(-?\d+)\}?", r"\1e\2", tex)
    tex = re.sub(r"(?<![\d.])10\^\{?(-?\d+)\}?", r"1e\1", tex)
    tex = re.sub(r"(\d)\s*\^\{?(\d+)\}?", r"\1**\2", tex)
    tex = re.sub(r"[_^]\{[^}]*\}|[_^]-?\w", " ", tex)  # other exponents and subscripts belong to a formula
    tex = re.sub(r"\\(?:cdot|times)", "×", tex).replace("\\approx", "≈").replace("\\ldots", "…")
    return re.sub(r"\\[,;!]|\\left|\\right|\\dots|[{}]", " ", tex)


class Reader:
    """Reads one sentence against the outputs; `problems` collects what cannot be read or disagrees."""

    def __init__(self, outputs, sentence, typed):
        self.out, self.text, self.typed, self.problems = outputs, sentence, typed, []
        self.wrong_too = bool(SAYS_WRONG.search(sentence))

    def fail(self, said):
        self.problems.append(f"{' '.join(self.text.split())[:90]!r}: {said}")

    def printed(self, **which):
        return [n for out in self.out for n in out.numbers(self.wrong_too, **which)]

    def named(self, name, kind, token):
        seen = self.printed(name=name, kind=kind)
        if not self.printed(name=name):
            return self.general(token)  # a name the cells print nothing for, like z in z = x + y
        if not any(close(token, n) for n in seen):
            what = f"{name}.{kind}" if kind else f"`{name}`"
            self.fail(f"says {what} is {token}, but the cells print "
                      f"{sorted({round(n, 4) for n, _ in seen}) or f'no number for {what}'}")

    def known(self, token, cut=False):
        """`token` is printed (or, a positive number, the size of a printed negative one) or typed in."""
        percent, number = token.endswith("%"), value(token)
        return (any(close(token, n, cut) or number > 0 and close(token, (-n[0], n[1]), cut)
                    for n in self.printed(percent=percent))
                or not percent and any(close(token, (n, 0.0), cut) for n in self.out[0].inputs | self.typed))

    def general(self, token, cut=False):
        if not self.known(token, cut):
            self.fail(f"{token} is no number a cell prints or types in (print it; or, for a number from the "
                      "video, say it is on screen)")

    def chain(self, text, name=None):
        """A chain of equalities between plain numbers: it must hold; its last number is a claim."""
        sides = [(side.strip(), arithmetic(side)) for side in re.split(r"=|≈", text)]
        if any(result is None for _, result in sides):
            return False
        for (said, result), (before_said, before) in zip(sides[1:], sides):
            plain = said.replace(" ", "")
            if not (close(plain, (before, 0.0)) if NUMBER.fullmatch(plain) else math.isclose(result, before)):
                self.fail(f"{before_said} = {said} does not hold")
                return True
        last = sides[-1][0].replace(" ", "")
        if name:
            self.named(name, "grad", last)
        elif not (NUMBER.fullmatch(last) and self.known(last)):  # then what it is made of must be known
            for m in NUMBER.finditer(sides[0][0]):
                self.general(m[0])
        return True

    def math(self, tex):
        for equation in re.split(r"(?<!\\),|\\quad|\\qquad|\\\\|;|\\text\{[^}]*\}", tex):
            sides = re.split(r"=|\\approx|≈", equation)
            lhs = FRACTION.match(sides[0].strip()) if len(sides) > 1 else None
            name = lhs and (lhs[2] or lhs[4])
            sides = [latex_to_plain(side).strip() for side in sides]
            first = len(sides)  # where the trailing run of plain numeric sides begins
            while first > 0 and arithmetic(sides[first - 1]) is not None:
                first -= 1
            tail = sides[first:]
            if len(tail) > 1:
                self.chain("=".join(tail), name)
            elif tail and name and NUMBER.fullmatch(tail[0].replace(" ", "")):
                self.named(name, "grad", tail[0].replace(" ", ""))
            elif tail and name:
                self.fail(f"${tex}$: end the equation with a plain number, e.g. `= -2.0`")
            else:
                first = len(sides)
            for m in NUMBER.finditer(" ".join(sides[:first])):
                self.general(m[0], cut=bool(m[2]))

    def read(self):
        text, taken = self.text, []
        for m in WORDS.finditer(text):
            taken.append(m.span())
            self.named(m[1] or m[2], "grad", m[4])
        for m in NAMED_NUMBER.finditer(text):
            number = NUMBER.match(text, m.end())
            if number and not any(a <= m.start() < b for a, b in taken):
                taken.append((m.end(), number.end()))
                self.named(m[1], None, number[0])
        for m in CLIMBS.finditer(text):  # a percentage that climbs to N% ends there: the highest printed
            number = NUMBER.match(text, m.end())
            highest = max([n for n, _ in self.printed(percent=True)], default=None)
            taken.append((m.end(), number.end()))
            if highest is None or not close(number[0], (highest, 0.0)):
                self.fail(f"climbs to {number[0]}, but the highest percentage the cells print is {highest}")
        for m in INLINE.finditer(text):
            code = re.sub(r"\s+", "", m[1])
            if c := CODE_CLAIM.match(code):
                self.named(c[2] or c[3], c[4] or "grad", c[6])
            elif re.fullmatch(r"(?:d\w+/d\w+|\w+\.(?:grad|data))(?:=|≈)[-\d.]+", code):
                self.fail(f"{m[0]} looks like a claim but is not a number")
            taken.append(m.span())
        for m in MATH.finditer(text):
            taken.append(m.span())
            self.math(m[1] or m[2])
        rest = "".join(" " if any(a <= i < b for a, b in taken) else ch for i, ch in enumerate(text))
        for m in CHAIN.finditer(rest):
            if self.chain(m[0]):
                rest = rest[:m.start()] + " " * len(m[0]) + rest[m.end():]
        for m in LOOKS_LIKE.finditer(rest):
            if STATES_NUMBER.match(rest[m.end():]):
                self.fail(f"{rest[m.start():m.end() + 40].strip()!r} looks like a claim about a computed "
                          "number but fits no notation; write it as `a.grad = 6.0` or `dL/da = 6.0`")
        for m in NUMBER.finditer(rest):
            self.general(m[0], cut=bool(m[2]))
        return self.problems


def problems_in(text, notebook, look_up=outputs):
    """What cannot be read or does not agree in markdown `text`, against notebook `notebook`'s outputs."""
    typed = {value(m[0]) for code in INLINE.findall(text) for m in NUMBER.finditer(code)}
    problems = []
    for sentence in SENTENCES.split(NOT_RESULTS.sub(" ", text)):
        if QUOTES.search(sentence):
            continue
        named = {int(n) for m in ANOTHER.finditer(sentence) for n in re.findall(r"\d+", m[0])}
        others = sorted(named - {notebook} & {nb.number for nb in course.written()})
        out = [look_up(notebook)] + [look_up(n) for n in others]
        problems += Reader(out, ANOTHER.sub(" ", sentence), typed).read()
    return problems


NOTEBOOKS = course.written()


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_numbers_in_the_prose_are_printed_by_the_cells(nb):
    book = course.read(nb)
    for index, cell in enumerate(book.cells):
        if cell.cell_type == "markdown" and not {"course-header", "course-footer"} & set(course.tags(cell)):
            problems = problems_in(cell.source, nb.number)
            assert not problems, f"{course.where(nb, book, index)}: {problems[0]}"


def fake(*cells):
    """Outputs of made-up cells: (code, what it printed) pairs, or (code, printed, tag)."""
    import nbformat
    made = []
    for code, printed, *tags in cells:
        cell = nbformat.v4.new_code_cell(code, metadata={"tags": tags})
        cell.outputs = [nbformat.v4.new_output("stream", text=printed)]
        made.append(cell)
    return Outputs(made)


EXAMPLE = fake(("a = Value(2.0); b = Value(-3.0); sizes = [2, 16, 16, 1]",
                "a.grad = -3.0000\nb.grad = -8.0000\nd.data = 4.0000\n"
                "the network has 41 parameters\nstep 175   accuracy 100.0%\nf.data = -2.0000\n"),
               ("f.backward()", "a.grad = 3.0000\nb.grad = -2.0000\n", "wrong-on-purpose"))


def read(text):
    return problems_in(text, 4, look_up=lambda number: EXAMPLE)


def test_the_reader_reads_every_notation():
    right = ["`dL/da=-3.0` and `b.grad = -8`", "so `d.data ≈ 4.0`", "the gradient of `b` is -8.0",
             r"$\frac{\partial L}{\partial a} = \frac{\partial L}{\partial e} \cdot 1 = -3$",
             r"$\partial L / \partial b = (-2) \cdot 4 = -8$", "the gradient of `f` is the value of `d` (4)",
             "all 41 of them", "It climbs to 100%.", "the layer has 4 × (3 + 1) = 16 of them",
             "a step of 0.01, as in `a.data += 0.01 * a.grad`", "two inputs, 2.0 and -3.0"]
    for text in right:
        assert not read(text), text


def test_a_changed_number_fails_in_every_notation():
    wrong = ["`dL/da=-3.5`", "It climbs to 41%.", r"$\partial L / \partial b = (-2) \cdot 4 = -9$",
             "the gradient of `b` is -9.0", "the value of `d` (-4)", "all 42 of them", "It climbs to 95%.",
             "the layer has 4 × (3 + 1) = 17",
             "`a.grad = 3.0` and `b.grad = -2.0`, as the chain rule says"]
    for text in wrong:
        assert read(text), text


def test_the_wrong_numbers_count_only_where_the_sentence_says_they_are_wrong():
    assert read("`a.grad = 3.0`, as the chain rule says")
    assert not read("The bug gives `a.grad = 3.0` instead of -3.")


def test_a_sentence_that_quotes_the_video_is_not_checked_but_says_so():
    assert not read("On screen the loss reads 4.84.")
    assert read("The loss reads 4.84.")


def test_numbers_that_are_not_results_need_no_exemption():
    assert not read("1. In notebook 05 at [▶\u00a000:47:10](https://youtube.com/watch?v=x&t=2830s), "
                    "with Python 3.12, a 64-bit float and a 2-16-16-1 network")


def test_a_passage_that_looks_like_a_claim_but_cannot_be_read_fails():
    assert read("Here a.grad = 6 exactly.")
    assert read(r"$\frac{\partial L}{\partial a} = 2 \cdot 3$")
    assert read("`dL/da = 6.0.1`")
    assert not read("`self.grad = 1.0 * out.grad`\n```\nself.grad = 1.0 * out.grad\n```")
    assert not read(r"$\frac{\partial L}{\partial a} = \frac{\partial L}{\partial e} \cdot b$")

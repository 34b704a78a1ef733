"""Numbers the prose states are numbers the cells print, and gradients are right by PyTorch.

A claim is inline code in a markdown cell, in one of three forms:
    `a.grad = 6.0`    `dL/da = 6.0`    `L.data = -8.0`
(`dL/da` is a claim about `a`'s gradient, like `a.grad`). Each claim must match a line some cell
of the same notebook printed: `a.grad = 6.0000`, `dL/da ≈ 6.0000` or `L.data = -8.0000`.
Gradient claims in notebooks that follow one of the lecture's worked examples are also checked
against PyTorch, and every variable of the example must have a gradient claim.
"""
import re

import pytest

import course

CLAIM = re.compile(r"^(?:d(?P<out>\w+)/d(?P<wrt>\w+)|(?P<name>\w+)\.(?P<kind>grad|data)) (?P<rel>=|≈) (?P<num>-?\d+(?:\.\d+)?)$")
INLINE_CODE = re.compile(r"`([^`\n]+)`")


def parse(text):
    m = CLAIM.match(text.strip())
    if not m:
        return None
    if m["wrt"]:
        return m["wrt"], "grad", float(m["num"])
    return m["name"], m["kind"], float(m["num"])


def claims_and_prints(nb):
    book = course.read(nb)
    claims, printed = [], []
    for cell in book.cells:
        if cell.cell_type == "markdown":
            claims += [c for c in map(parse, INLINE_CODE.findall(cell.source)) if c]
        for output in cell.get("outputs", []):
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            printed += [p for p in map(parse, text.splitlines()) if p]
    return claims, printed


def tensors(**values):
    import torch  # imported here: only these tests pay for it
    return {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}


def gradients(out, named):
    for t in named.values():
        t.retain_grad()
    out.backward()
    return {k: t.grad.item() for k, t in named.items()}


def expression_example():
    """Notebook 04: L = (a*b + c) * f with the lecture's numbers."""
    v = tensors(a=2.0, b=-3.0, c=10.0, f=-2.0)
    v["e"] = v["a"] * v["b"]
    v["d"] = v["e"] + v["c"]
    v["L"] = v["d"] * v["f"]
    return gradients(v["L"], v)


def neuron_example():
    """Notebook 05: o = tanh(x1*w1 + x2*w2 + b) with the lecture's numbers."""
    import torch  # imported here: only these tests pay for it
    v = tensors(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432)
    v["x1w1"] = v["x1"] * v["w1"]
    v["x2w2"] = v["x2"] * v["w2"]
    v["x1w1x2w2"] = v["x1w1"] + v["x2w2"]
    v["n"] = v["x1w1x2w2"] + v["b"]
    v["o"] = torch.tanh(v["n"])
    return gradients(v["o"], v)


REFERENCE = {
    "04-manual-backprop-expression.ipynb": expression_example,
    "05-manual-backprop-neuron.ipynb": neuron_example,
}
NOTEBOOKS = [nb for nb in course.course() if nb.exists()]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
def test_claims_in_prose_are_printed_by_the_cells(nb):
    claims, printed = claims_and_prints(nb)
    for name, kind, number in claims:
        seen = [p for n, k, p in printed if (n, k) == (name, kind)]
        assert any(abs(p - number) < 5e-4 for p in seen), (
            f"{nb.file}: the prose says {name}.{kind} = {number}, but the cells print {seen or 'nothing for it'}")


@pytest.mark.parametrize("file", sorted(REFERENCE))
def test_gradient_claims_agree_with_pytorch(file):
    nb = next(nb for nb in NOTEBOOKS + [None] if nb is None or nb.file == file)
    if nb is None:
        pytest.skip(f"{file} is not written yet")
    reference = REFERENCE[file]()
    claims, _ = claims_and_prints(nb)
    grads = {(name, number) for name, kind, number in claims if kind == "grad"}
    for name, number in grads:
        assert name in reference, f"{file}: a gradient claim about {name}, which is not in the example"
        assert abs(reference[name] - number) < 5e-4, f"{file}: claims {name}.grad = {number}; PyTorch says {reference[name]:.6f}"
    unclaimed = set(reference) - {name for name, _ in grads}
    assert not unclaimed, f"{file}: the prose never states the gradient of {sorted(unclaimed)}"


def test_the_claim_reader_reads_all_three_forms():
    assert parse("dL/da = 6.0") == ("a", "grad", 6.0)
    assert parse("a.grad = -4") == ("a", "grad", -4.0)
    assert parse("L.data ≈ -7.2865") == ("L", "data", -7.2865)
    assert parse("h = 0.001") is None

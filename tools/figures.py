"""Draw the course's own figures into img/.

    python tools/figures.py          write every figure
    python tools/figures.py --check  list the figures whose file differs from what this code draws (exit 1 if any)

One function per figure returns a matplotlib Figure; FIGURES maps each file name in img/ to its
function. The output is byte-for-byte the same on every run: fixed ids (svg.hashsalt), text kept
as text (svg.fonttype), and no date in the SVG's metadata.
"""
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch  # noqa: E402

IMG = Path(__file__).resolve().parent.parent / "img"

plt.rcParams["svg.hashsalt"] = "micrograd"
plt.rcParams["svg.fonttype"] = "none"

INK = "#333333"
INPUT = "#dbe9f6"
BODY = "#fde9c9"


def arrow(ax, start, end, **style):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                 linewidth=1.4, color=INK, shrinkA=0, shrinkB=0, **style))


def neuron():
    """A neuron with two inputs: x1 and x2 times their weights, summed with a bias, through tanh."""
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4.8)
    ax.set_aspect("equal")
    ax.axis("off")

    body, radius = (5.6, 2.2), 1.3
    inputs = {"1": 3.6, "2": 0.8}  # input number -> height on the drawing
    for i, y in inputs.items():
        ax.add_patch(Circle((0.8, y), 0.45, facecolor=INPUT, edgecolor=INK, linewidth=1.2))
        ax.text(0.8, y, f"$x_{i}$", ha="center", va="center", fontsize=13)
        end = (body[0] - radius * 0.95, body[1] + (y - body[1]) * 0.3)
        arrow(ax, (1.25, y), end)
        above = y > body[1]  # weight label above the upper arrow, below the lower one
        ax.text((1.25 + end[0]) / 2, (y + end[1]) / 2 + (0.42 if above else -0.42),
                f"$\\times\\, w_{i}$", ha="center", va="center", fontsize=12)

    ax.add_patch(Circle(body, radius, facecolor=BODY, edgecolor=INK, linewidth=1.4))
    ax.text(body[0], body[1] + 0.4, "$n = \\sum\\, w_i x_i + b$", ha="center", va="center", fontsize=11)
    ax.text(body[0], body[1] - 0.4, "$o = \\tanh(n)$", ha="center", va="center", fontsize=11)

    arrow(ax, (body[0], 4.65), (body[0], body[1] + radius))
    ax.text(body[0] + 0.2, 4.2, "bias $b$", ha="left", va="center", fontsize=11)

    arrow(ax, (body[0] + radius, body[1]), (8.8, body[1]))
    ax.text(9.05, body[1], "$o$", ha="left", va="center", fontsize=14)
    ax.text(7.85, body[1] - 0.35, "output", ha="center", va="center", fontsize=10, color="#666666")
    ax.text(0.8, 4.4, "inputs", ha="center", va="center", fontsize=10, color="#666666")
    ax.text(body[0], body[1] - radius - 0.3, "cell body", ha="center", va="center", fontsize=10,
            color="#666666")
    return fig


def mlp():
    """A multilayer perceptron: three inputs, two hidden layers of four neurons, one output."""
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    ax.set_xlim(0.4, 9.8)
    ax.set_ylim(-0.35, 5.15)
    ax.set_aspect("equal")
    ax.axis("off")

    layers = [("inputs", 3, INPUT), ("hidden layer 1", 4, BODY), ("hidden layer 2", 4, BODY),
              ("output", 1, BODY)]
    xs = [1.2, 3.8, 6.4, 9.0]
    middle, gap, radius = 2.5, 1.15, 0.34
    nodes = [[(x, middle - gap * (i - (count - 1) / 2)) for i in range(count)]  # top to bottom
             for x, (_, count, _) in zip(xs, layers)]
    chosen = (2, 0)  # layer, position: the neuron whose incoming connections are drawn dark

    for k in range(len(layers) - 1):
        for j, end in enumerate(nodes[k + 1]):
            dark = (k + 1, j) == chosen
            for start in nodes[k]:
                ax.plot([start[0], end[0]], [start[1], end[1]], zorder=2 if dark else 1,
                        color=INK if dark else "#b8b8b8", linewidth=1.5 if dark else 0.9)

    for k, ((name, _, colour), column) in enumerate(zip(layers, nodes)):
        for j, centre in enumerate(column):
            edge = 2.2 if (k, j) == chosen else 1.2
            ax.add_patch(Circle(centre, radius, facecolor=colour, edgecolor=INK, linewidth=edge, zorder=3))
        ax.text(xs[k], 0.0, name, ha="center", va="center", fontsize=10, color="#666666")
    for i, (x, y) in enumerate(nodes[0], start=1):
        ax.text(x, y, f"$x_{i}$", ha="center", va="center", fontsize=12, zorder=4)
    ax.text(*nodes[3][0], "$o$", ha="center", va="center", fontsize=13, zorder=4)

    x, y = nodes[chosen[0]][chosen[1]]
    ax.text(x, y + radius + 0.3, "one neuron", ha="center", va="center", fontsize=10, color=INK)
    return fig


FIGURES = {
    "neuron.svg": neuron,
    "mlp.svg": mlp,
}


def render(draw):
    """The SVG bytes of one figure."""
    fig = draw()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def main(argv):
    check = "--check" in argv
    differ = []
    for name, draw in FIGURES.items():
        path = IMG / name
        svg = render(draw)
        if check:
            if not path.exists() or path.read_bytes() != svg:
                differ.append(f"img/{name}")
        else:
            IMG.mkdir(exist_ok=True)
            path.write_bytes(svg)
            print(f"wrote img/{name}")
    if check:
        if differ:
            print("these figures differ from what tools/figures.py draws; run `python tools/figures.py`:")
            print("\n".join(f"  {name}" for name in differ))
            return 1
        print("all figures are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

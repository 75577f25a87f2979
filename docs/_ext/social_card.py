"""The site's link-preview image, ``_static/social-card.png`` (1200 x 630 px).

When a page's address is shared in a course forum, a chat or an LMS, the
preview shows this image (the ``og:image`` of every page; ``docs/conf.py``
sets ``ogp_image``). It shows what the site is about: minibatch SGD with and
without momentum on the textbook's Gabor loss (the momentum chapter's runs),
beside the site's name. Like every figure of the site it is drawn by running
the code, at build time (:mod:`link_previews` calls :func:`draw`); to look at
it alone: ``python docs/_ext/social_card.py /tmp/card.png``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import descend
from descend.datasets import textbook_gabor
from descend.landscapes import DataLoss
from descend.models import Gabor
from descend.plotting import color_of, contour, path, use_style

NAVY = "#0b3d5c"  # the favicon's background


def draw(out: Path) -> None:
    """Draw the card into ``out`` (a PNG), leaving matplotlib's settings as they were."""
    with plt.rc_context():
        _draw(out)


def _draw(out: Path) -> None:
    use_style()
    problem = DataLoss(Gabor(32.0), *textbook_gabor())
    runs = {
        "SGD": descend.GradientDescent(0.6),
        "SGD with momentum": descend.Momentum(0.6, 0.6),
    }
    colors = {"SGD": color_of("SGD"), "SGD with momentum": color_of("Momentum")}
    # 1200 x 630 px: the size link previews are made for (1.91 : 1).
    fig = plt.figure(figsize=(12.0, 6.3), dpi=100, layout="none", facecolor=NAVY)
    fig.text(0.05, 0.70, "descend", color="white", fontsize=64, fontweight="bold")
    fig.text(0.05, 0.60, "how models are fitted", color="#ffd166", fontsize=30)
    lines = [
        "Gradient descent, SGD, momentum,",
        "Nesterov, normalized gradients, Adam:",
        "derived, coded in NumPy and drawn,",
        "every figure made by running the code.",
    ]
    fig.text(0.05, 0.22, "\n".join(lines), color="white", fontsize=18, linespacing=1.5)
    ax = fig.add_axes((0.52, 0.12, 0.44, 0.78))
    contour(ax, problem, ((-4.0, 3.0), (5.0, 18.0)), colorbar=False)
    for name, optimizer in runs.items():
        run = descend.fit(
            optimizer, problem, np.array([-1.5, 6.5]), steps=81, batch_size=5,
            rng=np.random.RandomState(1), sampling="per_step",
        )  # fmt: skip
        path(ax, run, color=colors[name], label=name, linewidth=1.6)
    ax.set_title("Textbook Gabor data: 81 minibatch steps", color="white")
    ax.legend(loc="upper left", frameon=True)
    ax.set_xlabel(r"$\phi_0$", color="white")
    ax.set_ylabel(r"$\phi_1$", color="white")
    ax.tick_params(colors="white")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100, facecolor=NAVY, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "social-card.png")
    draw(target)
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")

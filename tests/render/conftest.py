from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot.render.gallery import gallery_specs
from bot.spec import ChartSpec


@pytest.fixture(scope="session")
def specs() -> dict[str, ChartSpec]:
    return gallery_specs()


def decode(png: bytes) -> np.ndarray:
    """The PNG as an RGB array; fails the test if it does not decode."""
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return np.asarray(image.convert("RGB"))


def drawn_tick_labels(fig: Figure, axis: str) -> list[Text]:
    """Tick labels that are actually drawn on the first Axes (inside the view, non-empty)."""
    ax = fig.axes[0]
    target = ax.xaxis if axis == "x" else ax.yaxis
    lo, hi = sorted(target.get_view_interval())
    slack = (hi - lo) * 1e-6
    return [
        tick.label1
        for tick in target.get_major_ticks()
        if lo - slack <= tick.get_loc() <= hi + slack
        and tick.label1.get_visible()
        and tick.label1.get_text()
    ]


def drawn_texts(fig: Figure) -> list[Text]:
    """Every text a reader sees: title, note, axis labels, tick labels, values, legend."""
    texts = list(fig.texts)
    for legend in fig.legends:
        texts += legend.get_texts()
    for ax in fig.axes:
        texts += [t for t in ax.texts if t.get_text()]
        texts += [label for label in (ax.xaxis.label, ax.yaxis.label) if label.get_text()]
    texts += drawn_tick_labels(fig, "x") + drawn_tick_labels(fig, "y")
    return texts

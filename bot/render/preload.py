"""Imported by the worker forkserver (and by each worker): matplotlib loaded, one chart drawn.

Workers forked from a process that has imported this start warm: the ~0.9 s of imports and the
first-render set-up are paid once, not per worker. matplotlib reopens its fonts after a fork
(``os.register_at_fork``), and so does ``bot.render.layout``, so no file offsets are shared.
"""

from __future__ import annotations

from bot.render.draw import render_png
from bot.spec import ChartSpec, ChartType, Series

_TINY = ChartSpec(ChartType.BAR, "warm-up", ["a", "b"], [Series("v", [1.0, 2.0])])


def warm() -> None:
    render_png(_TINY)


warm()

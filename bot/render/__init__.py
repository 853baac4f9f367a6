"""The renderer: a chart spec in, PNG bytes out (PRODUCT.md §6).

``validate`` normalises a spec, ``render_png`` draws it, ``describe`` writes its title, alt text
and one-line comment. All three are pure; run ``render_png`` through ``bot.workers.WorkerPool``
to keep it off the event loop.
"""

from bot.render.describe import Description, describe
from bot.render.draw import build_figure, render_png
from bot.render.validate import validate
from bot.spec import SpecError

__all__ = ["Description", "SpecError", "build_figure", "describe", "render_png", "validate"]

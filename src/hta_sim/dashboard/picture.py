"""A figure drawn once, then only its live parts each month: matplotlib's blitting, into a PNG.

Redrawing six whole figures every month cost about 1.1 s of one core; what changes from month to
month is a few lines, bars and labels. So a ``Picture`` draws everything else once (bands, phases,
axes, legends) into a background, and per frame restores it and draws only the artists marked
animated (matplotlib's documented blitting technique, on the Agg canvas, without pyplot).
"""

from __future__ import annotations

import io
from typing import Any, TypeVar

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

A = TypeVar("A", bound=Artist)
DPI = 80  # 6.4 in x 0.8 at 80 dpi: 410 px, the width a view has at 1280x800 (no resampling)
#: Figures are laid out in inches at 6.4 wide and drawn at this fraction of that size, so that their
#: text reaches the eye at its point size when shown in a column of a 1280x800 page.
SCALE = 0.8
PNG_LEVEL = 1  # zlib level: 6x faster than the default, a few percent larger


def figure(width: float = 6.4, height: float = 3.6, **margins: float) -> Figure:
    """A figure with fixed margins: a layout engine would cost more than the drawing itself."""
    fig = Figure(figsize=(width * SCALE, height * SCALE), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(**({"left": 0.1, "right": 0.97, "bottom": 0.1, "top": 0.9} | margins))
    return fig


class Picture:
    """Static background plus live artists; ``live(artist)`` registers one, ``png()`` renders."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self._live: list[Artist] = []
        self._background: object | None = None

    def live(self, artist: A) -> A:
        """Mark an artist as redrawn every frame (and so left out of the background)."""
        artist.set_animated(True)
        self._live.append(artist)
        return artist

    def drop(self, artists: list[Artist]) -> None:
        """Remove live artists that a frame replaces (a stack plot's polygons)."""
        for artist in artists:
            self._live.remove(artist)
            artist.remove()

    def png(self) -> bytes:
        """The figure now, as PNG bytes."""
        canvas: Any = self.fig.canvas  # FigureCanvasAgg (set in figure()); its methods are untyped
        if self._background is None:
            canvas.draw()  # animated artists are skipped: this is the background
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._live:
            self.fig.draw_artist(artist)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        out = io.BytesIO()
        image.save(out, format="png", compress_level=PNG_LEVEL)  # no copy of the pixels first
        return out.getvalue()

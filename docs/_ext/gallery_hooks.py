"""Build hooks of the descend site (a local Sphinx extension, see ``docs/conf.py``).

- :func:`reset_example` runs around every gallery example: it applies the
  gallery's matplotlib style and turns every warning inside the example into
  an error, so an example that warns fails the build.
- :func:`_drop_cdn_links` keeps matplotlib's animation player from loading
  Font Awesome from a CDN: the site must work offline.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

_FILTERS_OUTSIDE_EXAMPLES: list[object] = []


def reset_example(gallery_conf: object, fname: str, when: str) -> None:
    """Around every example: the gallery's matplotlib style, and warnings as errors.

    Before an example runs, matplotlib is reset to the gallery's look and
    every warning becomes an exception, so an example that warns (an
    overflow, a deprecated call, a matplotlib layout problem) fails the
    build; afterwards the build's own warning filters are restored.
    """
    if when == "before":
        import matplotlib

        matplotlib.use("agg")
        matplotlib.rcdefaults()
        from descend.plotting import use_style

        use_style()
        _FILTERS_OUTSIDE_EXAMPLES[:] = warnings.filters[:]
        warnings.simplefilter("error")
    else:
        warnings.filters[:] = _FILTERS_OUTSIDE_EXAMPLES  # type: ignore[index]
        warnings._filters_mutated()  # type: ignore[attr-defined]


# matplotlib's jshtml player links Font Awesome 4 from a CDN for its button icons. The site
# must not load anything from another host, so the link is dropped; the theme's own Font
# Awesome webfont (its stylesheet has the `fa fa-play`... classes) draws the buttons' icons.
_FONT_AWESOME_CDN = re.compile(
    r"<link\s+rel=\"stylesheet\"\s+href=\"https://[^\"]*font-awesome[^\"]*\">"
)


def _drop_cdn_links(app: object, docname: str, source: list[str]) -> None:
    if docname.startswith("auto_examples/"):
        source[0] = _FONT_AWESOME_CDN.sub("", source[0])


def setup(app: Any) -> dict[str, Any]:
    """Register the build hooks of this site."""
    app.connect("source-read", _drop_cdn_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

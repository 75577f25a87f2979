"""Link previews of the API pages: their og:description from the object's docstring.

sphinxext-opengraph describes a page by its first text, but it skips Sphinx's
object descriptions (autodoc's ``desc`` nodes are admonitions to docutils). A
page of the API reference that documents one class or function
(``docs/generated/descend.Adam.rst``) would then be described by its list of
"Examples using Adam", or not at all. For such a page this sets the page's
``og:description`` field, which sphinxext-opengraph puts in the page's meta
tags in place of its own, to the first paragraph of the docstring: what the
object is. Pages whose text comes before any object description keep
sphinxext-opengraph's description. The preview image itself is drawn when the
build starts (:mod:`social_card`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes


def _text_before_first_object(doctree: nodes.document) -> bool:
    """Whether a paragraph of the page's own comes before its first object description."""
    # findall walks the tree in document order, a node before its children: a paragraph
    # met before any description is not inside one.
    first = next(doctree.findall(lambda n: isinstance(n, nodes.paragraph | addnodes.desc)), None)
    return not isinstance(first, addnodes.desc)


def describe_api_page(app: Any, doctree: nodes.document) -> None:
    """Give a page that starts with an object description that object's docstring summary."""
    if _text_before_first_object(doctree):
        return
    content = next(doctree.findall(addnodes.desc_content), None)
    # The first paragraph of the docstring, after autodoc's "Bases: ..." line of a class.
    texts = [
        " ".join(p.astext().split())
        for p in (content.findall(nodes.paragraph) if content is not None else [])
    ]
    text = next((t for t in texts if not t.startswith("Bases: ")), None)
    if text is None:
        return
    limit = app.config.ogp_description_length
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    # Escaped as sphinxext-opengraph escapes its own descriptions (it writes fields as given).
    app.env.metadata[app.env.docname]["og:description"] = html.escape(text, quote=True)


def draw_card(app: Any) -> None:
    """Draw the preview image (``ogp_image``) into the built site, by running the code."""
    if app.builder.format == "html":
        from social_card import draw

        draw(Path(app.outdir) / app.config.ogp_image)


def setup(app: Any) -> dict[str, Any]:
    """Register the hooks (after sphinxext-opengraph, whose settings they read)."""
    app.setup_extension("sphinxext.opengraph")
    app.connect("builder-inited", draw_card)
    app.connect("doctree-read", describe_api_page, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

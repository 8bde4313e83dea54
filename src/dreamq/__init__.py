"""dreamq: turn question banks kept as YAML into moderator discussion guides.

The flow has four stages, one module each::

    banks.load_bank / catalog.load_catalog   load banks, domains and studies
    fill                                     fill question texts for a domain
    planner.plan_session                     fit questions into time boxes
    render.guide_data / render.render_guide  render through Jinja templates

:func:`generate` runs them all, as ``dreamq generate`` does.  Every problem
with the input raises :class:`DreamqError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DreamqError, Problem

if TYPE_CHECKING:
    from ._generate import Guide, generate
    from .catalog import Catalog, load_catalog
    from .planner import SessionPlan, plan_session
    from .render import guide_data, render_guide
    from .validation import validate

__all__ = [
    "Catalog",
    "DreamqError",
    "Guide",
    "Problem",
    "SessionPlan",
    "__version__",
    "generate",
    "guide_data",
    "load_catalog",
    "plan_session",
    "render_guide",
    "validate",
]

_LAZY = {
    "Catalog": "catalog",
    "load_catalog": "catalog",
    "Guide": "_generate",
    "generate": "_generate",
    "SessionPlan": "planner",
    "plan_session": "planner",
    "guide_data": "render",
    "render_guide": "render",
    "validate": "validation",
}


def __getattr__(name: str) -> Any:
    """Import the stage modules only when used, so the CLI starts fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'dreamq' has no attribute {name!r}")

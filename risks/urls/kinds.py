"""One page for each kind of register: /projects/<code>/…, /programs/<code>/…, /portfolios/<code>/…"""

from django.urls import path

KINDS = {"project": "projects", "program": "programs", "portfolio": "portfolios"}


def register_paths(suffix: str, view, name: str, kinds=tuple(KINDS)) -> list:
    """``register_paths("risks/heatmap/", view, "heatmap")`` gives ``risks:project_heatmap``,
    ``risks:program_heatmap`` and ``risks:portfolio_heatmap``; the view gets ``kind``."""
    return [
        path(f"{KINDS[kind]}/<str:code>/{suffix}", view, {"kind": kind}, name=f"{kind}_{name}")
        for kind in kinds
    ]

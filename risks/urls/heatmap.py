"""Routes: heatmap (see risks/urls/__init__.py)."""

from risks.urls.kinds import register_paths
from risks.views.heatmap import HeatmapCellView, HeatmapView

urlpatterns = [
    *register_paths("risks/heatmap/", HeatmapView.as_view(), "heatmap"),
    *register_paths("risks/heatmap/cell/", HeatmapCellView.as_view(), "heatmap_cell"),
]

"""Route-table rows for the heat-map pages (merged by tests/test_route_permissions.py).

Everyone who sees a register reads its heat map; the outsider sees nothing of DIGITAL (404).
The cell URL without its query (``?basis=&p=&i=``) is a bad request: 400 for every reader,
still 404 for the outsider, whose register check comes first.
"""

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
READERS = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
CELL_WITHOUT_QUERY = {**dict.fromkeys(PERSONAS, 400), "outsider": 404}
CODES = {"project": "PRJ-0042", "program": "CX", "portfolio": "DIGITAL"}

ROUTES = {}
for kind, code in CODES.items():
    ROUTES[f"risks:{kind}_heatmap"] = ({"code": code}, READERS)
    ROUTES[f"risks:{kind}_heatmap_cell"] = ({"code": code}, CELL_WITHOUT_QUERY)

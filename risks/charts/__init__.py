"""Plotly figure builders for risk registers: plain data in, JSON-safe figure dicts out."""

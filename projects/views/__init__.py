"""Thin views, one module per planning area; each area's routes are in projects/urls/."""

"""Thin views over the risk services and selectors, one module per area."""

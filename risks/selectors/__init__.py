"""Reads that pages and other apps need, with bounded queries, one module per area."""

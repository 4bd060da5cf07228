"""Forms of the risks app, one module per area."""

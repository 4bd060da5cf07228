"""Forms, one module per planning area."""

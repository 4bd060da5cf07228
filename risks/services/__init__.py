"""Every write to registers goes through these modules, one per area (DESIGN.md section 3)."""

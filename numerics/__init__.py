"""numerics package (being built)."""

"""bounds package (being built)."""

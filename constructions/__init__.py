"""constructions package (being built)."""

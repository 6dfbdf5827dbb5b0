"""signing (being written)."""

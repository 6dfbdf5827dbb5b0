"""index (being written)."""

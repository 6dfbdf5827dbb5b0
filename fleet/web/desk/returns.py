"""returns (being written)."""

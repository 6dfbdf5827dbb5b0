"""The roster API (being written)."""

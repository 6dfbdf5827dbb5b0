"""handout (being written)."""

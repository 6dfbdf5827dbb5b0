"""Pupils' pages (being written)."""

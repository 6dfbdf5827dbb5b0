"""Tests of fleet.access."""

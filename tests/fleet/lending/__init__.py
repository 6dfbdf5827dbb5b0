"""Tests of fleet.lending."""

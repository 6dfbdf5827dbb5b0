"""The connectivity survey's rounds and each school's answers (``fleet.connectivity.survey``): read, saved as a
draft or submitted, the history, and a founder's CSV or XLSX import."""

from __future__ import annotations

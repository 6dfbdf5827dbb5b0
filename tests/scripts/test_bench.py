"""scripts/bench: every workload imports and says how to run it (``python -m scripts.bench…``), and
the harness's threads and percentiles. The benchmarks themselves are run by hand, not here."""

from __future__ import annotations

import importlib
import math
import sys
import threading
import time

import pytest

from scripts.bench import harness

# The module, and the function that parses its command line (argparse ends it on --help).
ENTRY_POINTS = [
    ("scripts.bench.__main__", "parse_args"),
    ("scripts.bench.auth", "parse_args"),
    ("scripts.bench.connectivity", "main"),
    ("scripts.bench.hostile", "main"),
    ("scripts.bench.label_sheets", "main"),
    ("scripts.bench.loans", "main"),
    ("scripts.bench.national", "main"),
    ("scripts.bench.reports", "main"),
]


@pytest.mark.parametrize(("module", "entry"), ENTRY_POINTS)
def test_every_workload_says_how_to_run_it(module, entry, monkeypatch, capsys):
    command = "scripts.bench" if module.endswith(".__main__") else module
    monkeypatch.setattr(sys, "argv", [command, "--help"])
    with pytest.raises(SystemExit) as ended:
        getattr(importlib.import_module(module), entry)()
    assert ended.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m {command} ")


def test_the_modules_the_full_run_uses_import():
    for name in ("harness", "scan", "baseline_app", "manifest"):
        importlib.import_module(f"scripts.bench.{name}")
    scan = importlib.import_module("scripts.bench.scan")
    assert scan.APPS["baseline"] == "scripts.bench.baseline_app:create_app()"  # as gunicorn loads it
    assert callable(importlib.import_module("scripts.bench.baseline_app").create_app)


def test_run_threads_runs_them_at_once_and_keeps_the_order():
    barrier = threading.Barrier(4, timeout=10)  # only passes if all four run at the same time

    def work(i):
        barrier.wait()
        time.sleep(0.01 * (4 - i))  # the last to start finishes first
        return i * i

    assert harness.run_threads(4, work) == [0, 1, 4, 9]


def test_percentile_is_the_nearest_rank_in_milliseconds():
    ordered = [0.001 * i for i in range(1, 101)]  # 1 … 100 ms
    assert harness.percentile(ordered, 50) == pytest.approx(50.0)
    assert harness.percentile(ordered, 99) == pytest.approx(99.0)
    assert harness.percentile([0.004], 99) == pytest.approx(4.0)
    assert math.isnan(harness.percentile([], 50))

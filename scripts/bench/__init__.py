"""Fleet's benchmarks, run from the repository's root with ``.venv/bin/python -m scripts.bench``
(the full run: scans beside a bare baseline, manifests, labels, agreements, hostile load) or one
workload alone, ``-m scripts.bench.<workload>``. ``harness`` holds what they share; each other
module is one workload. The method and the dated results: docs/benchmarks.md.
"""

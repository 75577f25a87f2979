"""Benchmarks: ``python -m benchmarks.optimizers`` and ``bench_playground.py``."""

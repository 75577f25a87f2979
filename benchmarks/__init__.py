"""Benchmarks: ``python -m benchmarks.optimizers`` and ``python -m benchmarks.bench_playground``."""

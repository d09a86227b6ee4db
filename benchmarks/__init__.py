"""Benchmarks: `python -m benchmarks` prints figures and ratios to same-run baselines."""

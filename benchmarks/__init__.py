"""Benchmarks of issue #6, outside the test suite: `make bench SCALE=…` (see README.md here)."""

"""Benchmarks, outside the test suite: `make bench SCALE=…` (see README.md here)."""

"""Benchmarks: scripts a person runs to measure the app (see docs/performance.md)."""

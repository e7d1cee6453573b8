"""Benchmarks for Sohoa: each module runs alone (`python -m bench.<name>`), `python -m bench`
runs them all in sequence. Figures go to bench/README.md; timings are never asserted in tests."""

"""On-demand performance scripts (a package, so mypy names each module once: benchmarks.X)."""

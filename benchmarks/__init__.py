"""pysens2 benchmarks: ``python -m benchmarks [--quick] [--json FILE]``."""

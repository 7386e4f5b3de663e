"""The synthetic national corpus generator and the benchmark (``python -m policykg.bench.run``)."""

"""Public intent benchmarks for the matcher; `python -m bench` prints the table (see __main__)."""

"""Index-build map steps beyond one machine (`--engine ray`); single-machine is the default."""

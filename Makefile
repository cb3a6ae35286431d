# The two commands of the README: `make dev` and `make test`.
.PHONY: dev test stop worker ui-check bench

# Build and start everything locally, load the demo and show letters going out.
dev:
	@bash scripts/dev.sh

# Run every test (unit and integration); CI runs this.
test:
	@bash scripts/test.sh

# Stop what `make dev` started.
stop:
	@bash scripts/dev.sh stop

# Measure relance against a no-op floor (README "Bench"): `make bench N=1000`.
bench:
	@N=$(N) bash scripts/bench.sh

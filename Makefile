# The two commands of the README: `make dev` and `make test`.
.PHONY: dev test stop worker ui-check bench cluster cluster-stop test-cluster

# Build and start everything locally, load the demo and show letters going out.
dev:
	@bash scripts/dev.sh

# Run every test (unit and integration); CI runs this.
test:
	@bash scripts/test.sh

# Stop what `make dev` started.
stop:
	@bash scripts/dev.sh stop
	@bash scripts/cluster.sh stop

# A real Temporal server (go.temporal.io/server) on the local PostgreSQL,
# without Docker (docs/production-engine.md): `make cluster`, then `make dev`
# uses it; `make cluster stop` or `make cluster-stop` stops it.
cluster:
	@bash scripts/cluster.sh $(if $(filter stop,$(MAKECMDGOALS)),stop,start)

cluster-stop:
	@bash scripts/cluster.sh stop

# The demo ladder through that real server, restarted mid-ladder (CI runs it).
test-cluster:
	@bash scripts/test-cluster.sh

# Measure relance against a no-op floor (README "Bench"): `make bench N=1000`,
# on the dev server or on make cluster's (`make bench N=2000 SERVER=postgres`).
bench:
	@N=$(N) SERVER=$(SERVER) bash scripts/bench.sh

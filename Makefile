# The two commands of the README: `make dev` and `make test`.
.PHONY: dev test stop worker ui-check

# Build and start everything locally, load the demo and show letters going out.
dev:
	@bash scripts/dev.sh

# Run every test (unit and integration); CI runs this.
test:
	@bash scripts/test.sh

# Stop what `make dev` started.
stop:
	@bash scripts/dev.sh stop

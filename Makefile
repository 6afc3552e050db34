# credit-graph: the README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CG := $(BIN)/credit-graph

.PHONY: demo test install web federation-deps supergraph federation neo4j-start neo4j-stop neo4j-status test-neo4j-stop lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The /explore page and GraphiQL: npm packages pinned in package-lock.json, bundled by
# esbuild (web/build.mjs) into gateway/static/.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

web: node_modules/.package-lock.json
	npm run --silent build

# Federation tools (composer, Hive Gateway): pinned in deploy/federation/package-lock.json.
FED := deploy/federation
$(FED)/node_modules/.package-lock.json: $(FED)/package.json $(FED)/package-lock.json
	cd $(FED) && npm ci --no-audit --no-fund

federation-deps: $(FED)/node_modules/.package-lock.json

# Subgraph SDL and the composed supergraph (committed; a test fails when they are stale).
supergraph: install federation-deps
	$(CG) federation compose

# The demo graph served as two subgraphs and the sample approval subgraph behind Hive Gateway
# on http://127.0.0.1:4000/graphql.
federation: install web federation-deps
	$(CG) neo4j fetch
	$(CG) demo --no-serve
	$(CG) federation up --sample-approval

demo: install web
	$(CG) neo4j fetch
	$(CG) demo

test: install web federation-deps
	$(CG) neo4j fetch
	$(BIN)/pytest

# ruff's rules, mypy as pyproject.toml sets it (strict on graph_schema/rules and loaders),
# then the formatting ruff format would give.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/ruff format --check .

# The read-path benchmark against raw Cypher (bench/read_path.py; SUBJECTS=1000000 for the
# figures in the README, about ten minutes once the dataset is loaded). Targets are printed
# PASS/FAIL, never asserted in tests; results go to bench/results/.
SUBJECTS ?= 100000
bench: install web
	$(CG) neo4j fetch
	$(BIN)/python -m bench.read_path --subjects $(SUBJECTS)

neo4j-start: install
	$(CG) neo4j start

neo4j-stop: install
	$(CG) neo4j stop

neo4j-status: install
	$(CG) neo4j status

test-neo4j-stop: install
	CREDIT_GRAPH_INSTANCE=test $(CG) neo4j stop

clean:
	rm -rf $(VENV) var/synthetic* var/demo-*.loaded

# credit-graph: the README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CG := $(BIN)/credit-graph

.PHONY: demo test install web neo4j-start neo4j-stop neo4j-status test-neo4j-stop lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The /explore page: npm packages pinned in package-lock.json, bundled by esbuild.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

web: node_modules/.package-lock.json
	npm run --silent build

demo: install web
	$(CG) neo4j fetch
	$(CG) demo

test: install web
	$(CG) neo4j fetch
	$(BIN)/pytest

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

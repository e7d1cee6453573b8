# Sohoa — `make run` and `make test` are the two commands; the rest are their steps.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export SOHOA_INSTANCE_PATH ?= $(CURDIR)/instance
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: cluster cluster-stop run test install install-test vendor translations lint bench db-test clean messages

run: install vendor translations
	$(BIN)/sohoa init-db
	$(BIN)/sohoa ca init
	$(BIN)/sohoa seed-demo
	$(BIN)/sohoa serve --host $(HOST) --port $(PORT)

# the reference cluster on loopback (deploy/): nginx, two app processes, the conference
# server, on the local PostgreSQL and Redis
cluster: install vendor translations
	$(BIN)/python -m deploy.cluster start

cluster-stop:
	$(BIN)/python -m deploy.cluster stop

test: install-test vendor translations
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ] || [ -n "$$TEST_REDIS_URL" ]; then \
	  echo "== database and socket tests again on $${TEST_DATABASE_URL:-SQLite} / $${TEST_REDIS_URL:-in-process queue} =="; \
	  SOHOA_TEST_BACKENDS=1 $(BIN)/python -m pytest -m "db or sockets" $(PYTEST_ARGS); \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/vendor/.stamp: node_modules/.package-lock.json
	rm -rf static/vendor && mkdir -p static/vendor/pdfjs static/vendor/socket.io
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/socket.io/socket.io.min.js
	cp node_modules/pdfjs-dist/build/pdf.min.mjs static/vendor/pdfjs/pdf.min.js
	cp node_modules/pdfjs-dist/build/pdf.worker.min.mjs static/vendor/pdfjs/pdf.worker.min.js
	cp -r node_modules/pdfjs-dist/cmaps node_modules/pdfjs-dist/standard_fonts static/vendor/pdfjs/
	touch $@

vendor: static/vendor/.stamp

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d core/translations -D messages

# Refresh the English catalogue after changing Vietnamese source strings.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -o core/translations/messages.pot .
	$(BIN)/pybabel -q update -i core/translations/messages.pot -d core/translations -D messages

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install-test vendor translations
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache

# Coopilote: `make run` starts the embedded platform, `make test` runs every test.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
# The pyenv interpreter named by .python-version, else any python3.13 or python3.12 on PATH.
PYTHON ?= $(shell for p in "$$(pyenv root 2>/dev/null)/versions/$$(cat .python-version)/bin/python" python3.13 python3.12; do \
	if command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo "$$p"; break; fi; done)

.PHONY: run setup demo test test-fast test-postgres lint format bench messages check-deploy clean

$(VENV)/.created:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (pyenv install 3.13.0)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

$(VENV)/.base-installed: $(VENV)/.created requirements/base.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements/base.lock
	touch $@

$(VENV)/.dev-installed: $(VENV)/.created requirements/dev.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements/dev.lock
	touch $@ $(VENV)/.base-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.base-installed
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo

run: setup
	$(PY) manage.py run_platform --port $(PORT)

test: $(VENV)/.dev-installed node_modules/.installed
	$(PY) -m pytest -q

test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -q -m "not e2e"

test-postgres: $(VENV)/.dev-installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coopilote} $(PY) -m pytest -q -m "not e2e"

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

check-deploy: $(VENV)/.base-installed
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') ALLOWED_HOSTS=coopilote.example \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py $(BENCH_ARGS)

messages: $(VENV)/.dev-installed
	cd src/coopilote && ../../$(PY) ../../manage.py makemessages -l fr -l en --no-obsolete --ignore "static/*"
	cd src/coopilote && ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules var reports

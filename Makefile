# Social-insurance consultation assistant: Rasa bot, action server and desk.
# `make run` and `make test` do every set-up step they need.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
RASA_VENV := .venv-rasa
DESK := $(VENV)/bin/desk
RASA := $(RASA_VENV)/bin/rasa
MODEL := models/current.tar.gz
TRAINING_FILES := config.yml $(shell find domain data -type f 2>/dev/null)

# .env holds the desk's service token and Rasa's API token (make setup).
ifneq ($(wildcard .env),)
include .env
endif
export

.PHONY: help setup migrate seeds train validate run test test-desk test-bot \
	test-e2e test-e2e-postgres test-browser bench bench-retrieval real-questions \
	clean

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' Makefile | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml requirements/desk.lock
	python3 -c 'import sys; assert sys.version_info >= (3, 11), "the desk needs Python 3.11+"'
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c requirements/desk.lock -e '.[dev]'
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.in requirements/rasa.lock
	python310=$$(scripts/find-python310.sh) && "$$python310" -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --upgrade pip 'setuptools<70' wheel
	$(RASA_VENV)/bin/pip install --quiet -c requirements/rasa.lock -r requirements/rasa.in
	touch $@

setup: $(VENV)/.installed $(RASA_VENV)/.installed ## create both virtual environments and .env
	@scripts/make-env-file.sh

migrate: setup ## apply the desk's database migrations
	mkdir -p var
	$(DESK) migrate

seeds: migrate ## load knowledge base, notices and guides into the desk database
	$(DESK) load-seeds

$(MODEL): $(TRAINING_FILES) | $(RASA_VENV)/.installed
	$(RASA) train --config config.yml --domain domain --data data \
		--out models --fixed-model-name current

train: $(MODEL) ## train the Rasa model when data or config changed

validate: setup ## check Rasa data, knowledge-base seeds (desk lint-kb) and code style
	$(RASA) data validate --config config.yml --domain domain --data data
	$(DESK) lint-kb
	$(RASA_VENV)/bin/python -m actions.flows.cli validate flows/
	$(VENV)/bin/ruff check desk actions policies tests bench scripts
	$(VENV)/bin/ruff format --check desk actions policies tests bench scripts
	$(VENV)/bin/mypy desk

run: seeds train ## start Rasa (5005), actions (5055) and the desk (8000); Ctrl-C stops them
	@if [ -n "$${TRACKER_STORE_URL:-}" ]; then \
		$(VENV)/bin/python scripts/render_endpoints.py "$$TRACKER_STORE_URL"; \
	fi
	$(DESK) demo-passwords
	@echo "Chat page: http://127.0.0.1:$${DESK_PORT:-8000}/"
	RASA_ENDPOINTS=$${TRACKER_STORE_URL:+var/endpoints.yml} \
		$(VENV)/bin/honcho start --procfile Procfile

test-desk: setup ## desk unit and API tests
	$(VENV)/bin/python -m pytest tests/desk -q

test-bot: setup train ## action, flow-engine and NLU tests, with the held-out NLU accuracy gate
	$(RASA_VENV)/bin/python -m pytest tests/actions tests/flows tests/nlu -q

test-e2e: setup train ## start all three services and talk to them over HTTP
	$(VENV)/bin/python -m pytest tests/e2e -q

test-e2e-postgres: setup train ## the e2e suite on PostgreSQL (installs and starts Debian's PostgreSQL; needs root)
	set -a && eval "$$(scripts/start-postgres.sh)" && set +a && \
		$(VENV)/bin/python -m pytest tests/e2e -q

test-browser: setup train ## drive the portal, widget and console in Debian's Chromium (installed when missing)
	scripts/install-chromium.sh
	$(VENV)/bin/python -m pytest tests/browser -q

test: test-desk test-bot test-e2e test-browser ## run every test

bench: setup train ## measure latency, throughput, memory, training time, NLU accuracy and retrieval
	$(VENV)/bin/python -m bench.run --output docs/benchmarks.md

bench-retrieval: $(VENV)/.installed ## measure knowledge-base retrieval only (no Rasa); updates its section of docs/benchmarks.md
	$(VENV)/bin/python -m bench.retrieval --output docs/benchmarks.md

real-questions: setup train ## run a file of questions through the desk: make real-questions FILE=…
	@test -n "$(FILE)" || { echo "error: FILE is not set; run make real-questions FILE=path/to/questions.txt" >&2; exit 2; }
	$(VENV)/bin/python scripts/real_questions.py "$(FILE)"

clean: ## remove models, databases and caches (keeps the environments)
	rm -rf models var .rasa .pytest_cache

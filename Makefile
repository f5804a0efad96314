# The two commands a newcomer needs are `make up` (the platform with demo data) and `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif

.DEFAULT_GOAL := help
.PHONY: help ensure-uv install up down status test lint format stack-up stack-down stack-status snapshots bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

ensure-uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv 2>/dev/null \
		|| python3 -m pip install --quiet --user --break-system-packages uv

install: ensure-uv ## install every workspace member and the dev tools from the lock file
	$(UV) sync --frozen

up: install ## start Kafka, PostgreSQL and the three services with demo data, then print where to look
	$(UV) run python scripts/local_platform.py up

down: ensure-uv ## stop the services and the local Kafka and PostgreSQL started by `make up`
	$(UV) run python scripts/local_platform.py down

status: ensure-uv ## show what `make up` started and whether it still runs
	$(UV) run python scripts/local_platform.py status

test: install lint ## lint, type-check, then every test on a real Kafka broker and PostgreSQL server
	$(UV) run pytest

lint: install ## ruff, mypy (strict) and the import-layer contracts
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run lint-imports

format: install ## format and fix what ruff can
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

stack-up: install ## only the local Kafka broker and PostgreSQL server (no Docker needed)
	$(UV) run devstack up

stack-down: ensure-uv ## stop the local Kafka broker and PostgreSQL server
	$(UV) run devstack stop

stack-status: ensure-uv ## state of the local Kafka broker and PostgreSQL server
	$(UV) run devstack status

snapshots: install ## rewrite the JSON-schema snapshots after an announced contract change
	$(UV) run python -m event_contracts.snapshots --update

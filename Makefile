# Native commands (README): run, demo, test, bench. Docker users: `docker compose up`,
# `make compose-demo` (the demo in containers) and `make compose-check` (proves both).
VENV := .venv
PY := $(VENV)/bin/python
SYSPY := $(shell command -v python3.11 || command -v python3)

.PHONY: run demo test bench soak venv compose-demo compose-check

$(VENV)/.installed: requirements.txt requirements-web.txt requirements-dev.txt
	test -x $(PY) || $(SYSPY) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements.txt -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) -m launcher run

demo: venv
	$(PY) -m launcher demo

test:
	bash scripts/test.sh

bench: venv
	$(PY) -m bench

# Not part of test or bench: many users through daily cycles (SOAK_ARGS="--users 100").
soak: venv
	$(PY) -m bench.soak $(SOAK_ARGS)

# Compose v2 where installed, else docker-compose 1.29: both read these files.
COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)

compose-demo:
	$(COMPOSE) -p bilirec-demo -f docker-compose.yml -f docker-compose.demo.yml up --build

compose-check:
	bash scripts/compose_check.sh

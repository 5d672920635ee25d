# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck shellcheck unit bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,sandbox]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/apigw-doctor demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# tests/test_fix_script.py runs shellcheck on the scripts `fix --script` writes: Debian's package, installed here
# when missing (with sudo when not root and sudo exists); the target fails loudly when it still is not there.
shellcheck:
	@command -v shellcheck >/dev/null || { \
	  SUDO=; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo -n"; fi; \
	  echo "== installing shellcheck (apt-get) =="; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck \
	    || ($$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck) \
	    || true; \
	}
	@command -v shellcheck >/dev/null || { \
	  echo "error: shellcheck is required by the tests and could not be installed: apt-get install shellcheck" >&2; \
	  exit 1; \
	}

unit: $(STAMP) shellcheck
	$(BIN)/python -m pytest -p no:cacheprovider

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_match.py
	$(BIN)/python bench/bench_cold_start.py
	$(BIN)/python bench/bench_live.py
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_fix_cycle.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info

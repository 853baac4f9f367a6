# Two commands do all set-up: `make run` and `make test` create .venv from the requirements files
# when it is missing or older than them, then run.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint gallery bench clean

$(BIN)/.runtime: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(BIN)/.runtime
	$(BIN)/python -m bot

test: $(BIN)/.dev
	$(BIN)/python -m pytest -q

lint: $(BIN)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

gallery: $(BIN)/.runtime
	$(BIN)/python -m bot.render.gallery gallery

bench: $(BIN)/.dev
	$(BIN)/python bench/render.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/e2e.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache gallery

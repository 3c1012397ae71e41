# The two commands people need: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test bench lint catalogs extract-messages update-catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) catalogs

## Compile the gettext catalogs (.po -> .mo); .mo files are build output, never committed.
catalogs: $(STAMP)
	$(BIN)/pybabel -q compile --domain messages --directory locales

## Re-extract interface strings from the code and merge them into every language's catalog.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords _ --keywords N_ --keywords ngettext:1,2 \
	    --project welcomebot --no-location --sort-output --output-file locales/messages.pot bot
	$(BIN)/pybabel update --domain messages --input-file locales/messages.pot --output-dir locales \
	    --no-fuzzy-matching --ignore-obsolete

run: install
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(BIN)/welcomebot run; else exec $(BIN)/welcomebot chat; fi

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check bot tests bench

clean:
	rm -rf $(VENV) .pytest_cache
	find locales -name '*.mo' -delete

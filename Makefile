# Legami: `make run` starts a local portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := app/static/vendor
BI := $(VENDOR)/bootstrap-italia
DIST := app/static/dist
PORT ?= 5000
export FLASK_APP := wsgi:app

.PHONY: run test install assets lint format migrations-check messages clean

run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "E-mail: the worker below writes each message to instance/mail/; see also Posta inviata."
	$(BIN)/huey_consumer app.worker.huey --workers 1 --logfile instance/worker.log & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install assets
	$(BIN)/ruff check app tests migrations
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

assets: $(DIST)/.built

# Bootstrap Italia, Chart.js, esbuild, playwright-core and axe-core come from the npm
# registry; the front-end files are copied under app/static/vendor/ (git-ignored).
$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(BI)/fonts $(VENDOR)/chart.js
	cp -r node_modules/bootstrap-italia/dist/css node_modules/bootstrap-italia/dist/svg $(BI)/
	cp -r node_modules/bootstrap-italia/dist/fonts/Titillium_Web node_modules/bootstrap-italia/dist/fonts/Lora \
	      node_modules/bootstrap-italia/dist/fonts/Roboto_Mono $(BI)/fonts/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.js/
	touch $@

# What the pages load, built into app/static/dist/ (git-ignored) under content-hashed names,
# with .gz and .br beside each file; app/platform/static_files.py serves them (WhiteNoise).
# Only the parts of Bootstrap Italia's JavaScript the pages use: app/static/js/bootstrap-italia-parts.js.
ENTRIES := $(BI)/css/bootstrap-italia.min.css app/static/css/legami.css \
	app/static/js/bootstrap-italia-parts.js app/static/js/legami.js app/static/js/attendance-chart.js \
	$(VENDOR)/chart.js/chart.umd.min.js $(BI)/svg/sprites.svg app/static/favicon.svg
$(DIST)/.built: $(VENDOR)/.copied $(VENV)/.installed $(wildcard app/static/css/*.css app/static/js/*.js app/static/*.svg)
	rm -rf $(DIST)
	node_modules/.bin/esbuild $(ENTRIES) --bundle --minify --preserve-symlinks --target=es2020 \
	  --outbase=app/static --outdir=$(DIST) --entry-names='[dir]/[name].[hash]' \
	  --asset-names='[dir]/[name].[hash]' --loader:.woff2=file --loader:.svg=copy \
	  --metafile=$(DIST)/meta.json --log-level=warning
	$(BIN)/python -m whitenoise.compress --quiet $(DIST)
	touch $@

lint: install
	$(BIN)/ruff check app tests migrations
	$(BIN)/lint-imports
	$(BIN)/ruff format --check app tests migrations

format: install
	$(BIN)/ruff format app tests migrations
	$(BIN)/ruff check --fix app tests migrations

migrations-check: install
	$(BIN)/pytest tests/test_migrations.py

messages: install
	$(BIN)/pybabel extract -F babel.cfg -o app/translations/messages.pot app

clean:
	rm -rf $(VENV) node_modules $(VENDOR) $(DIST)

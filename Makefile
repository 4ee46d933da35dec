# Shortcuts for developers; `./run` does the same without make.
.PHONY: help install demo test lint fmt typecheck i18n-extract i18n-update i18n-compile i18n-check bench check

SG := .venv/bin/smsgateway

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: ## .venv with the package (editable) and the dev tools; compiles catalogs
	./run install

demo: ## migrate, seed demo data and serve with the phone simulator
	./run demo

test: ## the whole test suite
	./run test

lint: ## ruff lint
	.venv/bin/ruff check .

fmt: ## ruff format
	.venv/bin/ruff format .

typecheck: ## mypy on the package
	.venv/bin/mypy

i18n-extract: ## templates -> locales/messages.pot
	$(SG) i18n extract

i18n-update: ## .pot -> every .po
	$(SG) i18n update

i18n-compile: ## .po -> .mo
	$(SG) i18n compile

i18n-check: ## stale .pot, broken placeholders, missing catalogs or keywords
	$(SG) i18n check

bench: ## dispatch and scale-out benchmarks (several minutes; scale-out needs PostgreSQL)
	.venv/bin/python bench/dispatch.py
	.venv/bin/python bench/scaleout.py

check: ## every gate CI cares about besides the tests
	./run check

# corpro: `make demo` runs the app with demo content; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer; the machine's default python3 may be older.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# ffmpeg for recordings and clips; Pango and fonts for WeasyPrint's PDF reports: DejaVu for
# Latin, Greek, Cyrillic and Arabic, Noto for the other scripts of storytellers' names (CJK,
# Devanagari, ...) and for emoji, so a PDF prints every name as it was written.
APT_PACKAGES := ffmpeg libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
# LibreOffice (headless) renders the Word reports in the tests, as a person opening them would.
TEST_APT_PACKAGES := $(APT_PACKAGES) chromium libreoffice-writer-nogui

DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/corpro
DEMO_ENV := DEBUG=1 DEMO_MODE=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 MEDIA_ROOT=$(CURDIR)/media
TEST_ENV := DATABASE_URL=$(DATABASE_URL) SECRET_KEY=test-only-secret-key-for-the-suite-0123456789abcdef \
	DEBUG=0 ALLOWED_HOSTS=testserver,127.0.0.1,localhost SECURE_SSL_REDIRECT=0 \
	SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 \
	TASK_BACKEND=django_tasks_db.DatabaseBackend

# Seconds to wait for another program (an unattended upgrade, say) to let go of apt's lock.
APT_LOCK_WAIT ?= 900
APT_GET := $(SUDO) apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT)

# Install with apt-get whichever of the given Debian packages are missing. `apt-get install`
# waits for the lock by itself; `apt-get update` does not, so it is retried while the lock is held.
define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing$$missing with apt-get (waiting up to $(APT_LOCK_WAIT) s for apt's lock)"; \
		waited=0; until out=$$($(APT_GET) update -q 2>&1); do \
			if ! grep -q "Could not get lock" <<<"$$out" || [ $$waited -ge $(APT_LOCK_WAIT) ]; then echo "$$out"; exit 1; fi; \
			[ $$waited = 0 ] && echo "Another program is using apt; waiting for it to finish."; \
			sleep 5; waited=$$((waited + 5)); done; \
		DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q $$missing; fi
endef

.PHONY: help demo test lint format migrations-check worker serve system-packages system-packages-test check-postgres

help:
	@echo "make demo   set up and run the app with demo content at http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite against PostgreSQL"
	@echo "make lint   ruff check and format check"

$(BIN)/.installed-%: requirements.txt requirements-test.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6 refuses older ones). Install python3.12 and run again."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements$(if $(filter test,$*),-test,).txt
	@touch $@

system-packages:
	@$(call apt_install,$(APT_PACKAGES))

system-packages-test:
	@$(call apt_install,$(TEST_APT_PACKAGES))

check-postgres: $(BIN)/.installed-test
	@$(TEST_ENV) $(BIN)/python -c "import os, psycopg2, dj_database_url as d; c = d.parse(os.environ['DATABASE_URL']); \
	psycopg2.connect(dbname='postgres', user=c['USER'], password=c['PASSWORD'], host=c['HOST'], port=c['PORT'] or 5432, connect_timeout=3).close()" 2>/dev/null || { \
		echo "PostgreSQL does not answer at $(DATABASE_URL)."; \
		echo "Start it (for example: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start)"; \
		echo "or set DATABASE_URL to a PostgreSQL server you can use."; exit 1; }

# System packages come first, so a problem with apt shows before the long pip install.
demo: system-packages $(BIN)/.installed-runtime
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo_workshop
	@echo "Serving corpro at http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: system-packages-test $(BIN)/.installed-test check-postgres
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: $(BIN)/.installed-runtime
	$(BIN)/python manage.py worker

# partner_segment developer commands: see README.md.  Each command does the
# set-up it needs (scripts/setup.sh, idempotent); `make setup` alone is optional.
SHELL := /bin/bash
.PHONY: setup test lint run pot install-check clean

setup:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

run:
	bash scripts/run.sh

pot:
	bash scripts/i18n.sh

install-check:
	bash scripts/install_check.sh

clean:
	rm -rf .build .venv odoo.conf

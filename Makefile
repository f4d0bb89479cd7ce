# partner_segment developer commands: see README.md
SHELL := /bin/bash
.PHONY: setup test lint run pot bench clean

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

clean:
	rm -rf .build .venv odoo.conf

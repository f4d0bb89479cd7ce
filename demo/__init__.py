"""Demo data of ``make run`` (see loader.py); never imported by the addon."""

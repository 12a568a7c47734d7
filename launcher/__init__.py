"""Native start-up: ``python -m launcher run`` / ``demo`` start the Procfile's processes."""

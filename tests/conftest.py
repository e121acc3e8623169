"""Every test gets its real PostgreSQL from vete's own pytest plugin."""

pytest_plugins = ["vete.testing.plugin"]

"""Test support shipped with vete: the pytest plugin that hands tests a real PostgreSQL."""

"""Server-rendered web pages (Jinja2, a little CSS, no build step), in Spanish and English."""

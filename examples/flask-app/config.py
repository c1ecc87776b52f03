"""Gunicorn settings, read from the environment so docker-compose can change them."""

import os

bind = f"0.0.0.0:{os.getenv('PORT', '8000')}"
workers = int(os.getenv("WEB_CONCURRENCY", "2"))
accesslog = "-"

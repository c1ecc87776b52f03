"""A tiny Flask app: a page counter backed by Redis when REDIS_URL is set."""

import os

from flask import Flask, jsonify
from redis import Redis
from redis.exceptions import RedisError


def create_app(settings_override: dict | None = None) -> Flask:
    """Create the Flask app; tests pass settings_override to change the config."""
    app = Flask(__name__)
    app.config["REDIS_URL"] = os.getenv("REDIS_URL", "")
    app.config.update(settings_override or {})

    @app.get("/")
    def index():
        return jsonify(message="Hello from a Dockerized Flask app managed with uv", hits=_hit(app))

    @app.get("/up")
    def up():
        return "", 204

    return app


def _hit(app: Flask) -> int | None:
    """Count the visit in Redis; the app keeps working without Redis."""
    if not app.config["REDIS_URL"]:
        return None
    try:
        return Redis.from_url(app.config["REDIS_URL"], socket_timeout=1).incr("hits")
    except RedisError:
        return None

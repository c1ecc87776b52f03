# uvtui in a container. Build:   docker build --network host -t uvtui .
# Run it on the project in the current directory (the socket lets uvtui see the app's containers):
#   docker run -it --rm -v "$PWD:/project" -v /var/run/docker.sock:/var/run/docker.sock uvtui
# To write files as yourself and reach the socket as the non-root user, add
#   --user "$(id -u):$(id -g)" --group-add "$(stat -c %g /var/run/docker.sock)"
FROM python:3.11-slim-bookworm
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /usr/local/bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never

WORKDIR /opt/uvtui

# Dependencies first: this layer is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-install-project --no-dev --no-cache

COPY README.md ./
COPY examples/flask-app ./examples/flask-app
COPY uvtui ./uvtui
RUN uv sync --frozen --no-dev --no-cache

# Any uid can run the image (see --user above): give it a HOME and a writable uv cache.
RUN useradd --create-home --home-dir /home/uvtui --uid 1000 uvtui \
    && chmod 1777 /home/uvtui
ENV HOME=/home/uvtui \
    UV_CACHE_DIR=/tmp/uv-cache \
    PATH="/opt/uvtui/.venv/bin:${PATH}"
USER 1000

WORKDIR /project
ENTRYPOINT ["uvtui"]

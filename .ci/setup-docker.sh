#!/usr/bin/env bash
# Idempotent Docker rig for CI and for development machines without a container registry.
#
#   1. installs the Debian Docker engine, debootstrap and docker-compose if missing
#   2. starts dockerd in the background unless one is already answering (never a second daemon)
#   3. builds local stand-ins for the base images the tests and Dockerfiles use, once per machine:
#        python:3.11-slim-bookworm (+ python:3.11-slim, python:3.11, python:3.11-bookworm)
#        ghcr.io/astral-sh/uv:<uv on PATH> and every uv version pinned in a Dockerfile* of the repo
#
# Run from anywhere: .ci/setup-docker.sh   (needs root; logs dockerd to $DOCKERD_LOG)
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/uvtui-dockerd.log}"
# The engine package's own CLI: the newer docker CLI earlier on PATH has no buildx.
DOCKER=/usr/bin/docker
PYTHON_TAG=python:3.11-slim-bookworm
PYTHON_ALIASES=(python:3.11-slim python:3.11 python:3.11-bookworm)
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[setup-docker %s] %s\n' "$(date +%T)" "$*" >&2; }

install_packages() {
    local missing=()
    [[ -x /usr/sbin/dockerd && -x $DOCKER ]] || missing+=(docker.io)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

engine_answers() { "$DOCKER" version >/dev/null 2>&1; }

start_engine() {
    if engine_answers; then
        log "dockerd already running"
        return
    fi
    # A dockerd that is still starting up has not opened its socket yet: wait for it, don't start another.
    if ! pgrep -x dockerd >/dev/null; then
        log "starting dockerd (log: $DOCKERD_LOG)"
        setsid nohup /usr/sbin/dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    fi
    for _ in $(seq 1 60); do
        engine_answers && break
        sleep 1
    done
    engine_answers || { log "dockerd did not come up; see $DOCKERD_LOG"; tail -20 "$DOCKERD_LOG" >&2; exit 1; }
}

check_sdk_ping() {
    # The tests talk to the engine through the Python SDK: make sure that path works too.
    uv run --quiet --no-project --with 'docker>=7.1' python -c 'import docker; assert docker.from_env().ping()'
    log "docker SDK ping ok"
}

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

debian_mirror() {
    local uri
    uri=$(grep -hoE '^URIs:[[:space:]]*\S+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}' || true)
    if [[ -z $uri ]]; then
        uri=$(grep -hoE '^deb[[:space:]]+\S+/debian/?[[:space:]]' /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}' || true)
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

build_python_image() {
    if ! image_exists "$PYTHON_TAG"; then
        local work rootfs
        work=$(mktemp -d)
        rootfs="$work/rootfs"
        log "debootstrap bookworm into $rootfs (mirror $(debian_mirror))"
        debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,ca-certificates,passwd \
            bookworm "$rootfs" "$(debian_mirror)" >"$work/debootstrap.log" 2>&1 ||
            { tail -20 "$work/debootstrap.log" >&2; exit 1; }
        cp "$CA_BUNDLE" "$rootfs$CA_BUNDLE"
        ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
        ln -sf /usr/bin/pip3 "$rootfs/usr/local/bin/pip"
        rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        log "importing $PYTHON_TAG"
        tar -C "$rootfs" -c . | "$DOCKER" import \
            -c "ENV SSL_CERT_FILE=$CA_BUNDLE" \
            -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            -c 'CMD ["python3"]' \
            - "$PYTHON_TAG" >/dev/null
        rm -rf "$work"
    fi
    for alias in "${PYTHON_ALIASES[@]}"; do
        image_exists "$alias" || "$DOCKER" tag "$PYTHON_TAG" "$alias"
    done
}

build_uv_image() {
    local version=$1 tag="ghcr.io/astral-sh/uv:$1" work
    image_exists "$tag" && return
    work=$(mktemp -d)
    log "building $tag from the musllinux uv wheel"
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --platform musllinux_1_1_x86_64 --dest "$work" "uv==$version" || { rm -rf "$work"; return 1; }
    mkdir "$work/root"
    python3 - "$work" <<'EOF'
import pathlib, sys, zipfile

work = pathlib.Path(sys.argv[1])
(wheel,) = work.glob("uv-*.whl")
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.endswith(("/scripts/uv", "/scripts/uvx")):
            target = work / "root" / name.rsplit("/", 1)[1]
            target.write_bytes(archive.read(name))
            target.chmod(0o755)
EOF
    [[ -x $work/root/uv && -x $work/root/uvx ]] || { log "uv/uvx not found in the wheel"; return 1; }
    tar -C "$work/root" -c uv uvx | "$DOCKER" import -c 'ENTRYPOINT ["/uv"]' - "$tag" >/dev/null
    rm -rf "$work"
}

pinned_uv_versions() {
    # uv images pinned by the project's Dockerfiles and test fixtures (COPY --from=ghcr.io/astral-sh/uv:X).
    find "$REPO_ROOT" \( -name .git -o -name .venv \) -prune -o -type f -name 'Dockerfile*' -print0 |
        xargs -0 grep -ohE 'ghcr\.io/astral-sh/uv:[0-9]+\.[0-9]+\.[0-9]+' |
        sed 's/.*://' | sort -u || true
}

build_uv_images() {
    local in_use version
    in_use=$(uv --version | awk '{print $2}')
    build_uv_image "$in_use"
    for version in $(pinned_uv_versions); do
        [[ $version == "$in_use" ]] && continue
        build_uv_image "$version" || log "warning: could not build ghcr.io/astral-sh/uv:$version"
    done
}

main() {
    local started=$SECONDS
    install_packages
    start_engine
    check_sdk_ping
    build_python_image
    build_uv_images
    log "docker rig ready in $((SECONDS - started)) s"
}

main "$@"

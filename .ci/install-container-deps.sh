#!/usr/bin/env bash
# Installs what the container path of the test server needs: podman, runc (crun fails on this
# cgroup setup) and debootstrap (to build the PostgreSQL image without a registry).
# Idempotent: does nothing and exits 0 when all are present. Never upgrades the host's packages,
# in particular its PostgreSQL server and client, which the local path uses.
set -euo pipefail

needed=(podman runc debootstrap)
missing=()
for pkg in "${needed[@]}"; do
    # dpkg-query is exact; a command on PATH could come from elsewhere and still be fine.
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-container-deps: all present (${needed[*]})"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-container-deps: missing ${missing[*]} and not root; run as root or install them yourself" >&2
    exit 1
fi

echo "install-container-deps: installing ${missing[*]}"
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# --no-upgrade: a package already installed (e.g. postgresql-*) is left at its version.
apt-get install -y -q --no-install-recommends --no-upgrade "${missing[@]}"
echo "install-container-deps: done in $(( $(date +%s) - start ))s"

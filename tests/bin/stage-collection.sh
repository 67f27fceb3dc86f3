#!/usr/bin/env bash
# Copy the tracked and new (not ignored) files of this checkout into a real
# build/collections/ansible_collections/macfleet/conda folder: ansible-test refuses
# symlinks and needs that path, and the copy keeps .venv and build output out.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dest="$top/build/collections/ansible_collections/macfleet/conda"
rm -rf "$dest"
mkdir -p "$dest"
cd "$top"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -a -t "$dest"
# ansible-test treats an untracked copy as "not a git checkout" and then scans all files:
# give it a repository of its own so its file list matches ours.
git -C "$dest" init -q
git -C "$dest" add -A
echo "$dest"

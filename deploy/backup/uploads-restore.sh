#!/usr/bin/env bash
# Bring back the file of every Document row of a restored database, and nothing else: the rows
# decide (a file uploaded after the restore point has no row there, so it stays out). Each file
# is taken from the newest snapshot that holds it (files never change under one name, and one
# removed later is still in an older snapshot) and then checked against the row's SHA-256.
# Usage: uploads-restore.sh SNAPSHOTS MEDIA_ROOT DATABASE_URL
# Exits non-zero, listing them, when a row's file is in no snapshot or differs from its hash.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 SNAPSHOTS MEDIA_ROOT DATABASE_URL (snapshots folder, empty uploads folder, restored database)" >&2
  exit 2
fi
snapshots=${1%/}
target=${2%/}
database=$3
mkdir -p "$target"
if [ -n "$(ls -A "$target")" ]; then
  echo "MEDIA_ROOT $target is not empty: restore into an empty folder, then switch the portal to it" >&2
  exit 2
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# Rows whose file the checks deleted as unsafe have no file to bring back.
psql "$database" -X -q -A -t -v ON_ERROR_STOP=1 -F '  ' \
  -c "SELECT sha256, storage_name FROM documents_document WHERE file_removed_at IS NULL ORDER BY id" >"$list"
mapfile -t newest_first < <(find "$snapshots" -mindepth 1 -maxdepth 1 -type d -name '*Z' -printf '%f\n' | sort -r)
restored=0
missing=0
while read -r _sum name; do
  for snapshot in "${newest_first[@]}"; do
    if [ -f "$snapshots/$snapshot/$name" ]; then
      mkdir -p "$target/$(dirname "$name")"
      cp -p "$snapshots/$snapshot/$name" "$target/$name"
      restored=$((restored + 1))
      continue 2
    fi
  done
  echo "missing: $name is in no snapshot" >&2
  missing=$((missing + 1))
done <"$list"
differs=0
if [ -s "$list" ] && ! (cd "$target" && sha256sum --quiet --strict --ignore-missing -c "$list" >&2); then
  echo "the files listed FAILED differ from their rows' SHA-256: take them from an older snapshot" >&2
  differs=1
fi
echo "restored $restored files from ${#newest_first[@]} snapshots, $missing missing"
[ "$missing" -eq 0 ] && [ "$differs" -eq 0 ]

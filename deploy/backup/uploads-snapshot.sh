#!/usr/bin/env bash
# A snapshot of the uploads folder (MEDIA_ROOT) as a new folder SNAPSHOTS/<UTC time>, sharing
# the unchanged files with the previous snapshot by hard links (rsync --link-dest). Uploaded
# documents are immutable under generated names, so each snapshot costs only the new files.
# Run it every few minutes (cron, a systemd timer); see docs/backup.md.
# Usage: uploads-snapshot.sh MEDIA_ROOT SNAPSHOTS
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 MEDIA_ROOT SNAPSHOTS (folder to copy, folder that holds the snapshots)" >&2
  exit 2
fi
source_dir=${1%/}
# rsync reads a relative --link-dest from the new snapshot's folder: make it absolute.
snapshots=$(realpath -m "$2")
if [ ! -d "$source_dir" ]; then
  echo "MEDIA_ROOT $source_dir is not a folder: give the uploads folder of the portal" >&2
  exit 2
fi
mkdir -p "$snapshots"
# Nanoseconds: two snapshots in one second (the drill) still sort in the order taken.
stamp=$(date -u +%Y%m%dT%H%M%S.%NZ)
previous=$(find "$snapshots" -mindepth 1 -maxdepth 1 -type d -name '*Z' -printf '%f\n' | sort | tail -n 1)
# A snapshot is renamed into place only when complete: a cut-off run leaves a .partial folder.
link=()
if [ -n "$previous" ]; then link=(--link-dest="$snapshots/$previous"); fi
rsync -a "${link[@]}" "$source_dir/" "$snapshots/$stamp.partial/"
mv "$snapshots/$stamp.partial" "$snapshots/$stamp"
echo "$snapshots/$stamp"

#!/usr/bin/env bash
# A PostgreSQL hot standby of this machine's main cluster, as a second Debian cluster:
#   tools/replica.sh start    create it (pg_createcluster + pg_basebackup) or start it; wait for streaming
#   tools/replica.sh stop     stop it (the tests stop it under load and start it again)
#   tools/replica.sh status   what the primary sees of it
# Run as root (Debian's cluster tools), as .ci/run and `make replica` do. It lets the postgres
# role replicate over 127.0.0.1 without a password, like the machine's own trust lines.
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -n 1)}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
CLUSTER=replica
DATA="/var/lib/postgresql/$VERSION/$CLUSTER"
CONF="/etc/postgresql/$VERSION/$CLUSTER"

primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -XAtqc "$1"; }

streaming() {
  [ "$(primary "SELECT count(*) FROM pg_stat_replication
                WHERE application_name = '$CLUSTER' AND state = 'streaming'")" -ge 1 ]
}

allow_replication() {
  local hba
  hba="$(primary 'SHOW hba_file')"
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    echo "host replication postgres 127.0.0.1/32 trust  # tools/replica.sh" >> "$hba"
    primary 'SELECT pg_reload_conf()' >/dev/null
  fi
}

create() {
  if [ -d "$CONF" ]; then
    pg_dropcluster --stop "$VERSION" "$CLUSTER"
  fi
  pg_createcluster "$VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
  cat > "$CONF/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  cat > "$CONF/conf.d/standby.conf" <<EOF
listen_addresses = '127.0.0.1'
hot_standby = on
# Report the standby's oldest snapshot, so the primary's vacuum does not cancel its reads.
hot_standby_feedback = on
EOF
  find "$DATA" -mindepth 1 -delete
  runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    --write-recovery-conf --wal-method=stream --checkpoint=fast \
    -d "application_name=$CLUSTER"
}

wait_streaming() {
  for _ in $(seq 1 "${1:-30}"); do
    streaming && return 0
    sleep 0.5
  done
  return 1
}

start() {
  allow_replication
  if [ ! -f "$DATA/standby.signal" ]; then
    create
  fi
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start >/dev/null 2>&1 || true
  if ! wait_streaming 30; then
    # Too far behind (the primary recycled the WAL it needs) or cloned from another primary.
    echo "replica: not streaming, cloning the primary again" >&2
    create
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
    wait_streaming 60 || { echo "replica: still not streaming" >&2; exit 1; }
  fi
  echo "replica: streaming on 127.0.0.1:$REPLICA_PORT from :$PRIMARY_PORT"
}

stop() {
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m fast 2>/dev/null || true
}

status() {
  primary "SELECT application_name, state, replay_lag FROM pg_stat_replication"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

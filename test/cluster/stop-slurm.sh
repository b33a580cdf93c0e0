#!/usr/bin/env bash
# Stops the Slurm and munged that start-slurm.sh started, by the process ids in their pid files.
set -uo pipefail
run=/run/heatlab-slurm
stop() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}
stop "$run/slurmd.pid"
stop "$run/slurmctld.pid"
stop /run/munge/munged.pid
echo "Slurm and munge stopped."

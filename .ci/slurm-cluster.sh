#!/usr/bin/env bash
# A single-node SLURM cluster on this machine (slurmctld + slurmd + munged), for trying and
# testing `hopsim -m hydra/launcher=slurm ...` without a real cluster.
#
#   sudo bash .ci/slurm-cluster.sh start [--no-install]   # install (Debian/Ubuntu apt) and start
#   bash .ci/slurm-cluster.sh status                      # exit 0 when the node takes jobs
#   sudo bash .ci/slurm-cluster.sh stop                   # stop the three daemons started here
#
# `start` is idempotent: packages, munge key, config and daemons are only created or started
# when missing, and a running cluster is left alone. It writes /etc/slurm/slurm.conf (one node
# named after `hostname -s` with CPUs=nproc and RealMemory from `free`, one partition `debug`)
# and refuses to overwrite a slurm.conf it did not write. No cgroups are needed:
# proctrack/linuxproc, task/none, no accounting database (submitit sees finished jobs through
# their result files).
#
# Exit status: 0 = cluster up; 3 = SLURM cannot be started here (not root, no apt, a foreign
# slurm.conf; the reason is on stderr); 1 = it was tried and failed (log tails on stderr).
set -euo pipefail

PARTITION=debug
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
MARKER="# written by hopsim .ci/slurm-cluster.sh"
STATE=/var/lib/slurm
LOGS=/var/log/slurm
RUN=/run/slurm
MUNGE_PID=/run/munge/munged.pid

say() { echo "slurm-cluster: $*" >&2; }
cannot() {
    say "cannot start SLURM here: $*"
    exit 3
}

node_state() { sinfo -h -N -p "$PARTITION" -o "%t" 2>/dev/null | head -n1; }

# the node takes jobs (idle, or busy with some)
serving() { case "$1" in idle | mix | alloc | comp) return 0 ;; *) return 1 ;; esac }

is_up() {
    command -v sinfo >/dev/null 2>&1 && [ -f "$CONF" ] && grep -qxF "$MARKER" "$CONF" &&
        serving "$(node_state)"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v munged >/dev/null && command -v sinfo >/dev/null; then
        return
    fi
    [ "$1" = yes ] || cannot "slurm-wlm and munge are not installed (run: sudo bash $0 start)"
    command -v apt-get >/dev/null || cannot "no apt-get: install slurm-wlm and munge yourself"
    say "installing slurm-wlm and munge with apt-get (about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -q && apt-get install -y -q --no-install-recommends slurm-wlm munge; } \
        >/tmp/slurm-cluster-apt.log 2>&1; then
        tail -n 20 /tmp/slurm-cluster-apt.log >&2
        cannot "apt-get install slurm-wlm munge failed (log: /tmp/slurm-cluster-apt.log)"
    fi
}

start_munge() {
    if alive "$MUNGE_PID" && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        return
    fi
    id munge >/dev/null 2>&1 || cannot "no munge user (the munge package creates it)"
    mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
    if [ ! -s /etc/munge/munge.key ]; then
        if command -v mungekey >/dev/null; then
            mungekey --create --keyfile=/etc/munge/munge.key
        else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
        fi
    fi
    chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
    chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key && chmod 0755 /run/munge
    runuser -u munge -- munged --force
    mkdir -p "$RUN" && touch "$RUN/munged-started-here"
    for _ in $(seq 50); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return
        sleep 0.1
    done
    tail -n 20 /var/log/munge/munged.log >&2 || true
    say "munged did not come up"
    exit 1
}

write_conf() {
    local host cpus mem user
    host=$(hostname -s)
    cpus=$(nproc)
    # the total `free -m` shows, less 5%: slurmd refuses a node with less than configured
    mem=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.95)}' /proc/meminfo)
    user=root
    id slurm >/dev/null 2>&1 && user=slurm
    mkdir -p "$CONF_DIR" "$STATE/slurmctld" "$STATE/slurmd" "$LOGS" "$RUN"
    chown "$user" "$STATE/slurmctld" "$LOGS"
    cat >"$CONF.new" <<EOF
$MARKER
# A single-node test cluster; \`bash .ci/slurm-cluster.sh stop\` stops it.
ClusterName=hopsim
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
SwitchType=switch/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    CONF_CHANGED=no
    if [ -f "$CONF" ] && cmp -s "$CONF" "$CONF.new"; then
        rm "$CONF.new"
    else
        mv "$CONF.new" "$CONF"
        CONF_CHANGED=yes
    fi
}

stop_daemons() {
    local pidfile pidfiles=("$@")
    [ $# -gt 0 ] || pidfiles=("$RUN/slurmd.pid" "$RUN/slurmctld.pid")
    for pidfile in "${pidfiles[@]}"; do
        if alive "$pidfile"; then
            kill "$(cat "$pidfile")"
            for _ in $(seq 100); do alive "$pidfile" || break; sleep 0.1; done
        fi
        rm -f "$pidfile"
    done
}

start() {
    local install=yes
    [ "${1:-}" = --no-install ] && install=no
    if is_up; then
        say "already running: partition $PARTITION, node $(hostname -s) $(node_state)"
        return 0
    fi
    [ "$(id -u)" = 0 ] || cannot "must run as root to install and start daemons (run: sudo bash $0 start)"
    if [ -f "$CONF" ] && ! grep -qxF "$MARKER" "$CONF"; then
        cannot "$CONF exists and was not written by this script; not overwriting it"
    fi
    install_packages "$install"
    start_munge
    write_conf
    [ "$CONF_CHANGED" = no ] || stop_daemons # a changed config needs fresh daemons
    alive "$RUN/slurmctld.pid" || slurmctld
    alive "$RUN/slurmd.pid" || slurmd
    local state=""
    for i in $(seq 300); do
        state=$(node_state)
        serving "$state" && break
        case "$state" in
            down* | drain* | drng* | fail*)
                [ $((i % 20)) = 0 ] && scontrol update nodename="$(hostname -s)" state=resume || true
                ;;
        esac
        sleep 0.2
    done
    if ! serving "$state"; then
        say "node state is '${state:-none}' after 60 s; log tails:"
        tail -n 15 "$LOGS/slurmctld.log" "$LOGS/slurmd.log" >&2 || true
        exit 1
    fi
    say "up: partition $PARTITION, node $(hostname -s) ($(nproc) CPUs) idle"
}

case "${1:-}" in
    start) start "${2:-}" ;;
    status)
        if is_up; then
            sinfo
        else
            say "not running"
            exit 1
        fi
        ;;
    stop)
        [ "$(id -u)" = 0 ] || cannot "must run as root to stop the daemons"
        stop_daemons
        if [ -f "$RUN/munged-started-here" ]; then # leave a munged we did not start alone
            stop_daemons "$MUNGE_PID"
            rm -f "$RUN/munged-started-here"
        fi
        say "stopped"
        ;;
    *)
        echo "usage: $0 start [--no-install] | status | stop" >&2
        exit 2
        ;;
esac

// The fixed shell scripts run inside the container. Nothing here is ever built from a value: names,
// line numbers and the state directory reach the scripts only as positional arguments
// (`sh -c SCRIPT sh "$1" "$2"`). POSIX sh; busybox ash is enough (no nohup, tail -f or GNU flags).

/**
 * Where a container's tunnel keeps its files: pid, start (its start time), sup (its supervisor),
 * log, name, uid, exit.
 */
export const STATE_DIR = '/tmp/.cws-tunnel';

/**
 * `statfield PID K`: field K of /proc/PID/stat counted after the command name (1 = state,
 * 3 = process group, 20 = start time in clock ticks since boot). `started PID`: its start time.
 */
const STAT_FN = `statfield() {
  [ -r "/proc/$1/stat" ] || return 1
  read -r s < "/proc/$1/stat" || return 1
  k=$2
  set -- \${s##*) }
  shift $((k - 1))
  echo "$1"
}
started() { statfield "$1" 20; }
`;

/**
 * `alive PID`: the process exists, is not a zombie (an orphan whose PID 1 never reaps it), is a
 * `code tunnel`, and started when the supervisor recorded (in $d/start). Pids restart at 1 when the
 * container restarts, so a pid can be reused, even by this very script (whose arguments mention
 * `code tunnel`): the start time tells them apart. Falls back to `kill -0` where /proc is not readable.
 * `pgid PID`: its process group.
 */
const PRELUDE = `d=${STATE_DIR}
nap() { sleep 0.1 2>/dev/null || sleep 1; }
${STAT_FN}alive() {
  case "$1" in ''|*[!0-9]*) return 1;; esac
  [ "$1" = "$$" ] && return 1
  [ -e "/proc/$1" ] || kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    read -r s < "/proc/$1/stat" || return 1
    case "\${s##*) }" in Z*|X*) return 1;; esac
    want=$(cat "$d/start" 2>/dev/null)
    if [ -n "$want" ] && [ "$(started "$1")" != "$want" ]; then return 1; fi
  fi
  if [ -r "/proc/$1/cmdline" ] && command -v tr >/dev/null 2>&1; then
    case " $(tr '\\0' ' ' < "/proc/$1/cmdline" 2>/dev/null) " in *' tunnel '*) ;; *) return 1;; esac
  fi
  return 0
}
pgid() { statfield "$1" 3; }
`;

/** Exit 0 when `code` is on PATH. */
export const HAS_CODE = 'command -v code >/dev/null 2>&1';

/**
 * Runs as the tunnel's parent (its own session where setsid exists): starts `code tunnel`, writes
 * its pid, reaps it and records its exit code. $1 = tunnel name, $2 = state directory.
 * HUP is ignored (as nohup would); TERM is passed on to the tunnel.
 */
export const SUPERVISOR = `${STAT_FN}trap '' HUP
echo "$$" > "$2/sup"
code tunnel --accept-server-license-terms --name "$1" </dev/null >"$2/log" 2>&1 &
c=$!
( started "$c" ) > "$2/start" 2>/dev/null
echo "$c" > "$2/pid"
trap 'kill -TERM "$c" 2>/dev/null' TERM INT
r=0
while :; do
  wait "$c"; r=$?
  kill -0 "$c" 2>/dev/null || break
done
# A TERM that came while waiting makes wait return 128+15 even when the shell reaped the tunnel
# meanwhile (it then exited by itself, e.g. 0 on TERM): asked again, wait gives its real status.
if [ "$r" -gt 128 ]; then wait "$c" 2>/dev/null; r2=$?; [ "$r2" -eq 127 ] || r=$r2; fi
echo "$r" > "$2/exit"
`;

/** Exit codes of START besides 0 ("started PID"). */
export const START_EXIT = { noCode: 127, running: 75, noWrite: 77, noPid: 70 } as const;

/**
 * $1 = tunnel name (already sanitised), $2 = the SUPERVISOR script. Prints "started PID", or
 * "nocode ARCH" (127), "running PID" (75), "nowrite" (77), "nopid" (70).
 */
export const START = `${PRELUDE}
command -v code >/dev/null 2>&1 || { echo "nocode $(uname -m 2>/dev/null)"; exit 127; }
pid=$(cat "$d/pid" 2>/dev/null)
if alive "$pid"; then echo "running $pid"; exit 75; fi
mkdir -p "$d" 2>/dev/null
{ [ -d "$d" ] && [ -w "$d" ]; } || { echo nowrite; exit 77; }
rm -f "$d/pid" "$d/start" "$d/sup" "$d/exit" "$d/log"
printf '%s\\n' "$1" > "$d/name"
id -u > "$d/uid" 2>/dev/null
if command -v setsid >/dev/null 2>&1; then
  setsid sh -c "$2" cws-tunnel "$1" "$d" </dev/null >/dev/null 2>&1 &
else
  sh -c "$2" cws-tunnel "$1" "$d" </dev/null >/dev/null 2>&1 &
fi
i=0
while [ "$i" -lt 50 ]; do
  pid=$(cat "$d/pid" 2>/dev/null)
  if [ -n "$pid" ]; then echo "started $pid"; exit 0; fi
  nap; i=$((i+1))
done
echo nopid; exit 70
`;

/**
 * Prints key=value lines (pid, alive, name, uid, exit), then "--", then the log lines that hold a
 * URL (the login prompt and the address are among them; the log can be long). "none" when no
 * tunnel was ever started here.
 */
export const STATUS = `${PRELUDE}
[ -d "$d" ] || { echo none; exit 0; }
pid=$(cat "$d/pid" 2>/dev/null)
a=0; alive "$pid" && a=1
echo "pid=$pid"
echo "alive=$a"
echo "name=$(cat "$d/name" 2>/dev/null)"
echo "uid=$(cat "$d/uid" 2>/dev/null)"
echo "exit=$(cat "$d/exit" 2>/dev/null)"
echo "--"
[ -f "$d/log" ] || exit 0
if command -v grep >/dev/null 2>&1; then grep -e 'https://' "$d/log"; else cat "$d/log"; fi
exit 0
`;

/**
 * $1 = the first log line to print (1-based). Prints "state PID ALIVE EXIT" ("-" for unknown),
 * then the log from that line. Liveness is checked before the log is read, so once the tunnel is
 * gone the log printed is complete. "none" when there is no log.
 */
export const FOLLOW = `${PRELUDE}
[ -f "$d/log" ] || { echo none; exit 0; }
pid=$(cat "$d/pid" 2>/dev/null)
a=0; alive "$pid" && a=1
ex=$(cat "$d/exit" 2>/dev/null)
i=0
while [ "$a" = 0 ] && [ -z "$ex" ] && [ -f "$d/sup" ] && [ "$i" -lt 10 ]; do
  nap; i=$((i+1)); ex=$(cat "$d/exit" 2>/dev/null)
done
echo "state \${pid:--} $a \${ex:--}"
tail -n "+$1" "$d/log"
`;

/**
 * TERM to the tunnel (its whole process group when it has its own session, so the VS Code server
 * it started goes too), KILL after ~3 s, then the pid file is removed. Exit 1 ("alive") when the
 * process could not be stopped (another user's).
 */
export const STOP = `${PRELUDE}
pid=$(cat "$d/pid" 2>/dev/null)
sup=$(cat "$d/sup" 2>/dev/null)
sig() {
  g=$(pgid "$pid")
  if [ -n "$sup" ] && [ "$g" = "$sup" ]; then kill "-$1" "-$g" 2>/dev/null; fi
  kill "-$1" "$pid" 2>/dev/null
}
if alive "$pid"; then
  sig TERM
  i=0; while alive "$pid" && [ "$i" -lt 30 ]; do nap; i=$((i+1)); done
  if alive "$pid"; then sig KILL; fi
  i=0; while alive "$pid" && [ "$i" -lt 20 ]; do nap; i=$((i+1)); done
fi
if alive "$pid"; then echo alive; exit 1; fi
rm -f "$d/pid"
exit 0
`;

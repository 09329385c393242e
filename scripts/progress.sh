# Sourced by the scripts: long steps run in the background, each with a log, and the foreground says
# what is still going every 20 s (the crates compiled so far), so a first run on a fresh machine never
# sits silent for minutes.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# background NAME LOG COMMAND…: runs COMMAND with its output in LOG; `wait_for NAME` waits for it.
declare -A BACKGROUND_PIDS BACKGROUND_LOGS BACKGROUND_STARTS
background() {
  local name=$1 log=$2
  shift 2
  mkdir -p "$(dirname "$log")"
  "$@" >"$log" 2>&1 &
  BACKGROUND_PIDS[$name]=$!
  BACKGROUND_LOGS[$name]=$log
  BACKGROUND_STARTS[$name]=$SECONDS
}

# wait_for NAME…: waits for those background steps, printing their progress; the first to fail
# shows the end of its log and ends the script.
wait_for() {
  local every=${PROGRESS_EVERY:-20} name pid waiting
  local next=$((SECONDS + every))
  while true; do
    waiting=()
    for name in "$@"; do
      pid=${BACKGROUND_PIDS[$name]:-}
      [ -z "$pid" ] && continue
      if kill -0 "$pid" 2>/dev/null; then
        waiting+=("$name")
      elif wait "$pid"; then
        printf '    %s: done in %d s\n' "$name" $((SECONDS - ${BACKGROUND_STARTS[$name]}))
        unset "BACKGROUND_PIDS[$name]"
      else
        echo "error: $name failed; the end of ${BACKGROUND_LOGS[$name]}:" >&2
        tail -n 30 "${BACKGROUND_LOGS[$name]}" >&2
        exit 1
      fi
    done
    [ ${#waiting[@]} -eq 0 ] && return 0
    sleep 1
    if (( SECONDS >= next )); then
      next=$((SECONDS + every))
      local line=""
      for name in "${waiting[@]}"; do
        local log=${BACKGROUND_LOGS[$name]} crates last
        crates=$(grep -c '^ *Compiling ' "$log" 2>/dev/null || true)
        # `|| true`: before its first crate a log has no such line, and pipefail would end the script.
        last=$(grep -o '^ *Compiling [^ ]*' "$log" 2>/dev/null | tail -1 | awk '{print $2}' || true)
        line+="$name: ${crates:-0} crates compiled${last:+ (now $last)}, $((SECONDS - ${BACKGROUND_STARTS[$name]})) s; "
      done
      printf '    … %s\n' "${line%; }"
    fi
  done
}

# Sourced by drills/run.sh: the drills' Python tools (drills/requirements.txt) in a virtualenv of
# their own under $SERVICES_STATE_DIR/python, created and installed on the first run and reused
# afterwards (reinstalled only when requirements.txt changes). Needs python3 with venv; on Debian
# that is the python3-venv package, installed here when `python3 -m venv` cannot work without it.
# Exports DRILLS_SCHEMATHESIS, the `st` of that virtualenv.

ensure_drill_python_tools() {
  local venv="$SERVICES_STATE_DIR/python" requirements=drills/requirements.txt
  local stamp="$venv/requirements.installed"
  export DRILLS_SCHEMATHESIS="$venv/bin/st"
  if "$venv/bin/python" -c '' 2>/dev/null && [ -x "$DRILLS_SCHEMATHESIS" ] && cmp -s "$requirements" "$stamp"; then return 0; fi
  command -v python3 >/dev/null 2>&1 || die "the drills need python3 (for schemathesis)"
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    log "drills: creating the Python virtualenv $venv"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 has no ensurepip without python3-venv; a failed attempt leaves a venv without pip.
      rm -rf "$venv"
      ensure_apt_packages python3-venv
      python3 -m venv "$venv" || die "python3 -m venv $venv failed"
    fi
  fi
  log "drills: installing $(grep -v '^#' "$requirements" | xargs) into $venv"
  "$venv/bin/python" -m pip install -q -r "$requirements" || die "pip install -r $requirements failed"
  "$DRILLS_SCHEMATHESIS" --version >/dev/null || die "$DRILLS_SCHEMATHESIS does not run"
  cp "$requirements" "$stamp"
}

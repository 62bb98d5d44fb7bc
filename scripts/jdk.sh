# Sourced by ./lintas and .ci/run. Makes sure JAVA_HOME points at a JDK 21 or newer: JAVA_HOME itself if it is
# new enough, else the java on PATH, else the newest JDK installed beside the default one (in the same parent
# folder). Prints nothing on success; on failure says what it needs and returns 1.

lintas_java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | awk -F. '{ if ($1 == "1") print $2; else print $1 }'
}

lintas_find_jdk() {
  local java major home best="" best_major=0 candidate parent
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(lintas_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then
      return 0
    fi
  fi
  java=$(command -v java || true)
  if [ -n "$java" ]; then
    java=$(readlink -f "$java")
    home=$(dirname "$(dirname "$java")")
    major=$(lintas_java_major "$java")
    if [ "${major:-0}" -ge 21 ]; then
      export JAVA_HOME="$home"
      return 0
    fi
    parent=$(dirname "$home")
    for candidate in "$parent"/*/bin/java; do
      [ -x "$candidate" ] || continue
      major=$(lintas_java_major "$candidate")
      if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
        best_major=$major
        best=$(dirname "$(dirname "$candidate")")
      fi
    done
  fi
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  echo "lintas: needs a JDK 21 or newer; set JAVA_HOME to one" >&2
  return 1
}

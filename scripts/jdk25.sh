# Sourced by Morgana's scripts: points JAVA_HOME (and PATH) at a JDK 25 or newer.
# Keeps JAVA_HOME when it already is one; otherwise looks under /usr/lib/jvm.
morgana_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}
morgana_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(morgana_java_major "$JAVA_HOME")
    if [ "${v:-0}" -ge 25 ] 2>/dev/null; then return 0; fi
  fi
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(morgana_java_major "$d")
    if [ "${v:-0}" -ge 25 ] 2>/dev/null; then JAVA_HOME="$d"; export JAVA_HOME; return 0; fi
  done
  echo "Morgana needs JDK 25 or newer; none found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm searched)." >&2
  return 1
}
morgana_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guava calls sun.misc.Unsafe, which JDK 25 warns about on every build; allow it
# quietly (only here: an older JDK given this option would not start, hiding the enforcer's message).
case " ${MAVEN_OPTS:-} " in
  *sun-misc-unsafe-memory-access*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
esac

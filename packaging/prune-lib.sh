#!/bin/sh
# Removes from TARGET/lib every jar that is not a runtime dependency of this build (TARGET/lib.list, written by the
# dependency plugin's build-classpath: lib/NAME.jar:lib/NAME.jar:…). copy-dependencies adds and updates jars but never
# removes one an older build copied (e.g. after a dependency was dropped): left there, the launcher would put it on
# the class path (a second SLF4J provider takes over logging) and the .deb and tarball would ship it.
# Usage: packaging/prune-lib.sh TARGET_DIR   (run by `mvn package`, execution prune-lib)
set -eu
target=$1
list=$target/lib.list
if [ ! -f "$list" ]; then
    echo "prune-lib.sh: $list is missing (the dependency plugin's build-classpath execution writes it)" >&2
    exit 1
fi
wanted=:$(cat "$list"):
for jar in "$target"/lib/*.jar; do
    [ -f "$jar" ] || continue
    case "$wanted" in
        *":lib/${jar##*/}:"*) ;;
        *) echo "prune-lib.sh: removing $jar (not a runtime dependency of this build)"; rm -f "$jar" ;;
    esac
done

#!/bin/sh
# Replaces TARGET/lib/picocli-VERSION.jar (the Java 5 class files Maven Central ships) by the same release compiled
# from its published sources jar for Java 17, with string concatenation compiled to StringBuilder calls as for the
# agent's own classes. Why (docs/packaging.md, "picocli built for Java 17"; figures in docs/benchmarks.md):
#   - class files older than Java 6 carry no stack maps, so the JVM verifies them with the old type-inferring verifier
#     at every start, and a class-data archive cannot store them verified: picocli is the one library of the agent
#     in that case;
#   - JDK 25's AOT cache links no such class ("Unlinked class not supported by AOTClassLinking"), so picocli's
#     classes stayed out of it.
# The same source, the same classes and names: only the class-file version and the concatenation bytecode differ.
# The jar keeps its name (the agent's manifest Class-Path names it) and says what it is in its manifest
# (Noxus-Rebuilt-From); the Java 9 module descriptor is left out (the agent runs from
# the class path). It is built once per sources jar and copied with its time kept, so the launcher's `lib`
# archive, keyed on the jars' times, survives `mvn package` (goal 5 of #14).
# Usage: packaging/picocli-release17.sh TARGET_DIR SOURCES_JAR JAVAC   (run by `mvn package`, execution picocli-release17)
set -eu
target=$1 sources=$2 javac=$3
name=$(basename "$sources" -sources.jar)
lib_jar=$target/lib/$name.jar
work=$target/picocli-release17
built=$work/$name.jar
jar=$(dirname "$javac")/jar
[ -f "$sources" ] || { echo "picocli-release17.sh: $sources is missing (execution picocli-sources)" >&2; exit 1; }
[ -f "$lib_jar" ] || { echo "picocli-release17.sh: $lib_jar is missing (execution copy-runtime-jars)" >&2; exit 1; }
sum=$(cksum < "$sources")
if [ ! -f "$built" ] || [ "$(cat "$work/sources.cksum" 2>/dev/null)" != "$sum" ]; then
    rm -rf "$work"
    mkdir -p "$work/src" "$work/classes"
    (cd "$work/src" && "$jar" xf "$sources" picocli)
    "$javac" --release 17 -XDstringConcat=inline -g -nowarn -encoding UTF-8 -d "$work/classes" "$work"/src/picocli/*.java
    # The version comes from the file name (picocli-4.7.7); the source of these class files is said in the manifest.
    version=${name#picocli-}
    printf '%s\n' "Implementation-Title: picocli" "Implementation-Version: $version" \
        "Implementation-Vendor: Remko Popma" \
        "Noxus-Rebuilt-From: $(basename "$sources") (cksum ${sum%% *}), javac --release 17 -XDstringConcat=inline" \
        > "$work/MANIFEST.MF"
    "$jar" --create --file "$built" --manifest "$work/MANIFEST.MF" -C "$work/classes" .
    printf '%s' "$sum" > "$work/sources.cksum"
fi
if ! cmp -s "$built" "$lib_jar"; then
    cp -p "$built" "$lib_jar"
fi

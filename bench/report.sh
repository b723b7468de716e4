#!/usr/bin/env bash
# Renders BENCHMARKS.md (on stdout) from the results bench/run gathered:
#   RESULTS  TSV lines: key, unit, runs, min, median, max
#   NOTES    one note a line
# Run by bench/run; can be re-run alone to re-render the last results:
#   bash bench/report.sh > BENCHMARKS.md
# (reads bench/target/{results.tsv,notes.txt,meta.env}; RESULTS, NOTES, META override the paths)
set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
RESULTS=${RESULTS:-$ROOT/bench/target/results.tsv}
NOTES=${NOTES:-$ROOT/bench/target/notes.txt}
META=${META:-$ROOT/bench/target/meta.env}
# shellcheck disable=SC1090
[[ -f $META ]] && source "$META"
RUNS=${RUNS:-?}
COMPILE_RUNS=${COMPILE_RUNS:-$RUNS}
QUICK=${QUICK:-0}
STARTED=${STARTED:-$(date -u '+%Y-%m-%d %H:%M UTC')}

# field KEY N: the N-th field (3 runs, 4 min, 5 median, 6 max) of KEY's result, or empty.
field() { awk -F'\t' -v k="$1" -v n="$2" '$1 == k { v = $n } END { if (v != "") print v }' "$RESULTS"; }
has() { [[ -n $(field "$1" 5) ]]; }

# fmt VALUE UNIT: a number as it reads best for its unit.
fmt() {
    awk -v v="$1" -v u="$2" 'BEGIN {
        if (v == "") { print "—"; exit }
        if (u == "s") printf "%.2f s", v
        else if (u == "ms") printf (v < 10 ? "%.2f ms" : "%.1f ms"), v
        else if (u == "MiB") printf "%d MiB", v + 0.5
        else if (u == "MB/s") printf "%d MB/s", v + 0.5
        else if (u == "events/s") {
            s = sprintf("%d", v + 0.5); out = ""
            while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
            printf "%s%s ev/s", s, out
        }
        else printf "%s %s", v, u }'
}
spread() { # min / median / max of KEY
    local u
    has "$1" || { echo "—"; return; }
    u=$(field "$1" 2)
    echo "$(fmt "$(field "$1" 4)" "$u") / $(fmt "$(field "$1" 5)" "$u") / $(fmt "$(field "$1" 6)" "$u")"
}
ratio() { # median(OURS) / median(PEER)
    local a b
    a=$(field "$1" 5) b=$(field "$2" 5)
    [[ -n $a && -n $b ]] || { echo "—"; return; }
    awk -v a="$a" -v b="$b" 'BEGIN { if (b == 0) print "—"; else printf "%.2fx", a / b }'
}
# check EXPR: "yes"/"no" from an awk condition over r (ratio) and v (our median), or "—".
check() {
    local r=$1 v=$2 cond=$3
    [[ -n $cond ]] || { echo "—"; return; }
    [[ $r != "—" || $cond != *r* ]] || { echo "—"; return; }
    [[ -n $v ]] || { echo "—"; return; }
    awk -v r="${r%x}" -v v="$v" "BEGIN { print (($cond) ? \"yes\" : \"**no**\") }"
}

# row METRIC OURS_KEY PEER_KEY TARGET CONDITION [RUNS_KEY]
row() {
    local metric=$1 ours=$2 peer=$3 target=$4 cond=$5 r u runs
    u=$(field "$ours" 2)
    [[ -n $u ]] || u=$(field "$peer" 2)
    r=$(ratio "$ours" "$peer")
    runs=$(field "$ours" 3)
    [[ -n $runs ]] || runs=$(field "$peer" 3)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$metric" \
        "$(fmt "$(field "$ours" 5)" "$u")" "$(fmt "$(field "$peer" 5)" "$u")" "$r" "$target" \
        "$(check "$r" "$(field "$ours" 5)" "$cond")" "${runs:-—}" "$(spread "$ours")" "$(spread "$peer")"
}
pending() { # METRIC PEER_KEY TARGET WHY
    local u
    u=$(field "$2" 2)
    printf '| %s | %s | %s | — | %s | — | %s | — | %s |\n' "$1" "$4" "$(fmt "$(field "$2" 5)" "$u")" "$3" \
        "$(field "$2" 3 || true)" "$(spread "$2")"
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[[ -n $cpu ]] || cpu=$(uname -m)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo "?")
# The commit and local changes when the run started (from meta.env), else as they are now.
commit=${COMMIT:-$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo "?")}
dirty=${DIRTY-$(cd "$ROOT" && git status --porcelain -- generator templates generated 2>/dev/null | head -n1)}

cat <<EOF
# Benchmarks

k8s-packgen and the crate it emits, \`k8s-pack\`, side by side with the peers (k8s-openapi,
kube). Written by \`bench/run\` (see [bench/README.md](bench/README.md)); do not edit by hand,
re-run it. Ratios are ours / peer on medians: below 1 is better for times and memory, above 1
for throughputs.

- Machine: $(nproc) cores, ${cpu}, ${mem} RAM, $(uname -sr); $(rustc --version).
- Run started ${STARTED}, commit ${commit}${dirty:+ with uncommitted changes in generator/, templates/ or generated/}.
- Load average (1, 5, 15 min): ${LOAD:-?}; other work on the machine during the run
  shows in the spread of the figures.
- Runs: ${RUNS} per measurement$([[ $COMPILE_RUNS != "$RUNS" ]] && echo "; compile rows: ${COMPILE_RUNS} clean build(s) per row, profile and side$( ((COMPILE_RUNS < 3)) && echo ", so their min, median and max are the same few builds: read their ratios as indicative")")$([[ $QUICK == 1 ]] && echo " (**--quick**: development figures, not for quoting)").

| Metric | Ours | Peer | Ratio | Target | Met | Runs | Ours min / median / max | Peer min / median / max |
|---|---|---|---|---|---|---|---|---|
EOF

if has gen.wall; then
    row "Generation, full crate from v1.36.0 (wall)" gen.wall - "< 1 s (stretch 0.5 s)" "v < 1"
    row "Generation, peak memory" gen.rss - "" ""
fi
for profile in debug release; do
    if has "compile.models.ours.$profile" || has "compile.models.peer.$profile"; then
        row "Compile, models only ($profile): k8s-pack vs k8s-openapi" "compile.models.ours.$profile" "compile.models.peer.$profile" "≤ 1.0x" "r <= 1.0"
        row "Compile, everything ($profile): k8s-pack all features vs kube + k8s-openapi" "compile.all.ours.$profile" "compile.all.peer.$profile" "≤ 1.0x" "r <= 1.0"
        if has "compile.mission.ours.$profile"; then
            row "Compile, mission subset ($profile) vs kube + k8s-openapi" "compile.mission.ours.$profile" "compile.all.peer.$profile" "≤ 0.5x" "r <= 0.5"
        else
            pending "Compile, mission subset ($profile) vs kube + k8s-openapi" "compile.all.peer.$profile" "≤ 0.5x" "not available"
        fi
    fi
done
for profile in debug release; do
    if has "compile.models.ours.$profile.rss"; then
        row "Compile, models only ($profile): peak rustc memory" "compile.models.ours.$profile.rss" "compile.models.peer.$profile.rss" "" ""
        row "Compile, everything ($profile): peak rustc memory" "compile.all.ours.$profile.rss" "compile.all.peer.$profile.rss" "" ""
        has "compile.mission.ours.$profile.rss" &&
            row "Compile, mission subset ($profile): peak rustc memory" "compile.mission.ours.$profile.rss" "compile.all.peer.$profile.rss" "" ""
    fi
done
if has serde.de.ours; then
    row "Deserialize PodList (5,000 pods): k8s-pack vs k8s-openapi" serde.de.ours serde.de.peer "≥ 1.0x" "r >= 1.0"
    row "Deserialize PodList: serde_json::Value vs k8s-openapi" serde.de.value serde.de.peer "" ""
    row "Serialize PodList: k8s-pack vs k8s-openapi" serde.ser.ours serde.ser.peer "" ""
    row "Serialize PodList: serde_json::Value vs k8s-openapi" serde.ser.value serde.ser.peer "" ""
fi
if has watch.kube.eps; then
    if has watch.ours.eps; then
        row "Sensor, Pod watch events: k8s-pack sensor vs kube-runtime watcher" watch.ours.eps watch.kube.eps "≥ 200,000 ev/s and ≥ 1.0x" "v >= 200000 && r >= 1.0"
        row "Sensor, peak memory (process max RSS): k8s-pack sensor vs kube-runtime watcher" watch.ours.rss watch.kube.rss "" ""
        if has watch.kube-reflector.eps; then
            row "Sensor, Pod watch events: k8s-pack sensor vs kube watcher + reflector store" watch.ours.eps watch.kube-reflector.eps "" ""
            row "Sensor, peak memory: k8s-pack sensor vs kube watcher + reflector store" watch.ours.rss watch.kube-reflector.rss "" ""
        fi
    else
        pending "Sensor, Pod watch events: k8s-pack sensor vs kube-runtime watcher" watch.kube.eps "≥ 200,000 ev/s and ≥ 1.0x" "pending"
        pending "Sensor, peak memory (process max RSS)" watch.kube.rss "" "pending"
        has watch.kube-reflector.eps && pending "Sensor, Pod watch events vs kube watcher + reflector store" watch.kube-reflector.eps "" "pending"
    fi
fi
if has store.kube.per10k; then
    if has store.ours.per10k; then
        row "Store, memory held per 10,000 Pods: k8s-pack sensor store vs kube reflector store" store.ours.per10k store.kube.per10k "" ""
    else
        pending "Store, memory held per 10,000 Pods: k8s-pack sensor store vs kube reflector store" store.kube.per10k "" "pending"
    fi
fi
if has startup.actions; then
    row "Start-up, \`k8s-pack actions\` (release)" startup.actions - "" ""
    row "Start-up, \`k8s-pack describe readCoreV1NamespacedSecret\` (release)" startup.describe - "" ""
fi

if has gen.phase.total; then
    cat <<EOF

## Generation by phase

From \`k8s-packgen generate --timings\` (release build), after one warm-up run.

| Phase | Median | Min | Max |
|---|---|---|---|
EOF
    for p in read load ir emit format write total; do
        has "gen.phase.$p" &&
            printf '| %s | %s | %s | %s |\n' "$p" "$(fmt "$(field "gen.phase.$p" 5)" ms)" "$(fmt "$(field "gen.phase.$p" 4)" ms)" "$(fmt "$(field "gen.phase.$p" 6)" ms)"
    done
fi

cat <<'EOF'

## How each figure is made

- **Generation**: `target/release/k8s-packgen generate --spec ../shared/specs/kubernetes/v1.36.0.json
  --out <tmpdir> --timings` into an empty directory, after one warm-up run; wall time and peak
  memory (max RSS) of the process from GNU time, phases from `--timings`.
- **Compile**: clean `cargo build --offline` (debug, then release) of an empty crate under
  `bench/compile/` that depends on what is measured, each build in a new `CARGO_TARGET_DIR`,
  dependencies fetched beforehand and not timed, ours and the peer alternating (the order flips
  every run). Peak memory is that of the largest single process (rustc). Ours builds from a
  snapshot of `generated/k8s-pack`. "Models only" is k8s-pack without client, actions, sensors
  or CLI but with every group-version feature (all the models, as k8s-openapi has them);
  "everything" is k8s-pack with every feature its Cargo.toml declares; the mission subset is
  client, actions, sensors and CLI with only the group-versions of the worked example (core,
  apps, rbac, autoscaling/v2, networking, and what they depend on), compared with the same
  kube + k8s-openapi build.
- **(De)serialization**: one release process (`bench/harness`, bin `serde`) builds a PodList of
  5,000 realistic pods (labels, annotations, owner reference, two containers with env, ports,
  resources, probes and volume mounts, projected volumes, tolerations, status with conditions
  and container statuses) from a fixed-seed xorshift generator, checks that k8s-pack and
  k8s-openapi write back the same document, warms up, then times iterations of each side in
  turn. MB/s is the input document's size over the time; values are dropped outside the timing.
- **Sensor**: `bench/harness`'s `watch-server` on 127.0.0.1 (plain HTTP) answers the initial
  list with an empty PodList at resourceVersion 1 and the watch with newline-delimited
  `ADDED`/`MODIFIED` events of realistic pods (a pool of 1,000 distinct pods, resourceVersions
  increasing), then ends the stream. Each consumer is its own process, counting object events
  until it has seen them all, timed from before the client is made; peak memory is its max RSS.
  Peer: `kube::runtime::watcher(Api::<Pod>::all(client), watcher::Config::default())`
  (`bench/harness`, bin `watch-kube`), and the same feeding a reflector store
  (`reflector(writer, watcher(..))`, `--reflector`), since a sensor keeps a store of what it
  has seen and a bare watcher does not. Ours: the `core/v1/pods` sensor with
  `SensorOptions::default()` (`bench/sensor-ours`, bin `watch-ours`). Every event carries a
  ~6.4 KB pod, so 200,000 events/s means parsing ~1.3 GB/s of JSON.
- **Store**: a second watch-server with 10,000 distinct pods (all `ADDED`); each side (bins
  `store-ours`, `store-kube`, one process each, a counting global allocator) takes all of them,
  drops the sensor / watch stream (and the client), then drops the last handle to the store:
  the bytes freed then are what the store held, scaled to 10,000 objects.
- **Start-up**: `target/release/k8s-pack actions` and `... describe readCoreV1NamespacedSecret`,
  output to a file, after one warm-up run.
EOF

if [[ -s $NOTES ]]; then
    printf '\n## Notes from this run\n\n'
    sed 's/^/- /' "$NOTES"
fi

//! The generator's invariant on inputs nobody wrote by hand: a few hundred seeded, structured
//! mutations of the project's specs and CRDs (k8s-packgen-mutate, the fuzz target's own input
//! type read from seeded bytes instead of libFuzzer's). Each case either generates or is refused
//! with the file and a JSON pointer; none panics. A sample of the generated crates compiles under
//! clippy with warnings denied, and a sample of both outcomes goes through the real binary for
//! its exit code. A failure prints the seed: `MUTATION_SEED=n cargo test --test mutations`
//! replays that case alone; `MUTATION_CASES=5000` (or `=5000..9000`) runs more.

use arbitrary::{Arbitrary, Unstructured};
use k8s_packgen_mutate::{run, Case, Input, Mutation, Outcome};
use std::path::{Path, PathBuf};
use std::process::Command;

const CASES: u64 = 360;

fn input(seed: u64) -> Input {
    let mut rng = fastrand::Rng::with_seed(seed);
    let bytes: Vec<u8> = std::iter::repeat_with(|| rng.u8(..)).take(1024).collect();
    let mut u = Unstructured::new(&bytes);
    // One to four mutations (arbitrary's own list length would leave half the cases unmutated),
    // on every seed in turn so each is mutated as often as the others.
    let count = 1 + rng.usize(..4);
    Input {
        seed: (seed % k8s_packgen_mutate::SEEDS.len() as u64) as u8,
        document: u.arbitrary().unwrap_or(0),
        mutations: (0..count).filter_map(|_| Mutation::arbitrary(&mut u).ok()).collect(),
    }
}

enum Result {
    Generated,
    Refused,
    Violated(String),
}

fn one(seed: u64) -> (Case, Result) {
    let case = input(seed).case();
    let result = match std::panic::catch_unwind(|| run(&case, "mutated")) {
        Ok(Ok(Outcome::Generated(_))) => Result::Generated,
        Ok(Ok(Outcome::Refused(_))) => Result::Refused,
        Ok(Err(violation)) => Result::Violated(violation),
        Err(panic) => Result::Violated(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    };
    (case, result)
}

fn seeds() -> Vec<u64> {
    match std::env::var("MUTATION_SEED") {
        Ok(seed) => vec![seed.parse().expect("MUTATION_SEED is a number")],
        // More cases locally: MUTATION_CASES=5000, or other ones: MUTATION_CASES=5000..9000.
        Err(_) => match std::env::var("MUTATION_CASES") {
            Ok(range) => match range.split_once("..") {
                Some((from, to)) => (from.parse().expect("a number")..to.parse().expect("a number")).collect(),
                None => (0..range.parse().expect("MUTATION_CASES is a number or a range")).collect(),
            },
            Err(_) => (0..CASES).collect(),
        },
    }
}

/// Writes a case's documents as files, for the binary.
fn write_case(dir: &Path, case: &Case) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let mut args = Vec::new();
    for (flag, docs) in [("--spec", &case.spec), ("--crd", &case.crds)] {
        for doc in docs.iter() {
            let path = dir.join(Path::new(&doc.name).file_name().unwrap());
            std::fs::write(&path, &doc.text).unwrap();
            args.extend([flag.to_string(), path.display().to_string()]);
        }
    }
    args
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn mutated_specs_generate_or_are_refused_at_a_pointer() {
    let seeds = seeds();
    if let [seed] = seeds[..] {
        // One case replayed: its input and documents, for a spec of specs/adversarial.
        let dir = repo().join(format!("target/mutation-{seed}"));
        let args = write_case(&dir, &input(seed).case());
        eprintln!("{:?}\nwritten: {}", input(seed), args.join(" "));
    }
    let half = seeds.len().div_ceil(2);
    let results: Vec<(u64, Case, Result)> = std::thread::scope(|scope| {
        let workers: Vec<_> = seeds
            .chunks(half.max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&s| {
                            let (c, r) = one(s);
                            (s, c, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let violations: Vec<String> = results
        .iter()
        .filter_map(|(seed, case, r)| match r {
            Result::Violated(v) => Some(format!("MUTATION_SEED={seed} ({}): {v}", case.seed)),
            _ => None,
        })
        .collect();
    let generated = results.iter().filter(|(_, _, r)| matches!(r, Result::Generated)).count();
    let refused = results.len() - generated - violations.len();
    let unmutated = seeds.iter().filter(|&&s| input(s).mutations.is_empty()).count();
    eprintln!(
        "{} cases ({unmutated} unmutated): {generated} generated, {refused} refused, {} violations",
        results.len(),
        violations.len()
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    if results.len() < CASES as usize {
        return;
    }
    // Both outcomes are common: a mutator that only breaks (or never breaks) tests little.
    assert!(generated > results.len() / 10 && refused > results.len() / 10, "{generated} generated, {refused} refused");

    let tmp = tempfile::tempdir().unwrap();
    // The binary: exit 0 or 2 as the library said, one `error:` line on refusal, never a panic.
    let mut checked = 0;
    for (seed, case, result) in results.iter().step_by(12) {
        let dir = tmp.path().join(format!("bin-{seed}"));
        let mut args = vec!["generate".to_string()];
        args.extend(write_case(&dir.join("in"), case));
        args.extend(["--out".to_string(), dir.join("out").display().to_string()]);
        let out = Command::new(env!("CARGO_BIN_EXE_k8s-packgen")).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = if matches!(result, Result::Generated) { 0 } else { 2 };
        assert_eq!(out.status.code(), Some(expected), "MUTATION_SEED={seed}: {stderr}");
        if expected == 2 {
            assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "MUTATION_SEED={seed}: {stderr}");
            assert!(!dir.join("out").exists(), "MUTATION_SEED={seed}: a refused input wrote output");
        }
        checked += 1;
    }
    assert!(checked >= CASES as usize / 12);

    // A sample of the generated crates (mutations applied, one per seed document at most, six
    // in all) compiles with warnings denied, in one workspace so dependencies build once.
    let ws = tmp.path().join("ws");
    let mut members = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (seed, case, result) in &results {
        if !matches!(result, Result::Generated) {
            continue;
        }
        if members.len() == 6 || input(*seed).mutations.is_empty() || !seen.insert(case.seed) {
            continue;
        }
        let name = format!("mutated-{seed}");
        let Ok(Outcome::Generated(output)) = run(case, &name) else {
            panic!("MUTATION_SEED={seed}: not generated again")
        };
        k8s_packgen::write::write(&ws.join(&name), &output.files).unwrap();
        members.push(name);
    }
    assert!(members.len() >= 3, "too few generated samples: {members:?}");
    let quoted: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        ws.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", quoted.join(", ")),
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--workspace", "--", "-D", "warnings"])
        .current_dir(&ws)
        // The target dir of tests/other_specs.rs: the same dependencies, built once.
        .env("CARGO_TARGET_DIR", repo().join("target/other-specs"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(out.status.success(), "samples {members:?} do not compile:\n{}", String::from_utf8_lossy(&out.stderr));
}

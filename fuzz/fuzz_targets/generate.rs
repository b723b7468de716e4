//! The whole generate step on structured mutations of the project's specs and CRDs: libFuzzer's
//! bytes become a seed choice and a list of mutations (`k8s_packgen_mutate::Input`); the
//! generator must generate or refuse at a pointer, never panic.
#![no_main]

use k8s_packgen_mutate::{run, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Input| {
    if let Err(violation) = run(&input.case(), "mutated") {
        panic!("{violation}");
    }
});

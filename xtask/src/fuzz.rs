//! `cargo xtask fuzz [seconds]`: runs each cargo-fuzz target (fuzz/fuzz_targets) for a set time.
//!
//! cargo-fuzz drives libFuzzer with compiler flags that only nightly Rust accepts; this machine has
//! one stable toolchain, so the run sets `RUSTC_BOOTSTRAP=1` to let stable accept them. The code
//! under test is safe Rust, so no sanitizer is needed to find its failures (panics, failed
//! assertions, endless loops). Seeds in fuzz/seeds/<target> start each run; what libFuzzer finds
//! goes to fuzz/corpus (not committed) and crashes to fuzz/artifacts/<target>.

use std::path::Path;
use std::process::Command;

use crate::tools::{cargo_home_bin, sh, step};

pub const TARGETS: [&str; 4] = ["id_number", "credit_code", "geojson_import", "policy_engine"];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let seconds: u32 = match args.first() {
        Some(s) => s.parse().map_err(|_| format!("seconds must be a number, not {s}"))?,
        None => 60,
    };
    if !cargo_home_bin().join("cargo-fuzz").exists() {
        step("fuzz 0", "cargo install cargo-fuzz (from crates.io)");
        sh(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    for (i, target) in TARGETS.iter().enumerate() {
        step(&format!("fuzz {}/{}", i + 1, TARGETS.len()), &format!("{target} for {seconds} s"));
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
        let seeds = root.join("fuzz/seeds").join(target);
        let mut c = Command::new("cargo");
        c.current_dir(root).env("RUSTC_BOOTSTRAP", "1").args([
            "fuzz",
            "run",
            "--sanitizer",
            "none",
            "--release",
            target,
        ]);
        c.arg(&corpus);
        if seeds.is_dir() {
            c.arg(&seeds);
        }
        c.args(["--", &format!("-max_total_time={seconds}"), "-max_len=65536", "-timeout=10"]);
        sh(&mut c).map_err(|e| format!("{e}\nthe failing input is in fuzz/artifacts/{target}/"))?;
    }
    println!("\n    every target ran {seconds} s without a failure");
    Ok(())
}

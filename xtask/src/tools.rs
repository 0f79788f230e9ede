//! Installing the build tools, building the frontend, starting the app and running the tests.
//!
//! Everything comes from package registries (crates.io, npm, Debian): Trunk must never try to
//! download from GitHub, so the wasm-bindgen CLI is installed at exactly the version in Cargo.lock
//! and wasm-opt comes from npm `binaryen`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

pub type Env = BTreeMap<String, String>;

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132";
const AXE_VERSION: &str = "4.14.1";
/// nginx: the scale-out test runs two server processes behind the repository's nginx config.
/// What the tests need from Debian: the browser and its driver, a CJK font, PDF tools, the
/// PostgreSQL client (backups), nginx (two instances behind it) and Kannel with its fake carrier
/// (text messages end to end).
const APT_TEST_PACKAGES: [&str; 8] = [
    "chromium",
    "chromium-driver",
    "fonts-wqy-microhei",
    "poppler-utils",
    "postgresql-client",
    "nginx",
    "kannel",
    "kannel-extras",
];

pub fn step(n: &str, what: &str) {
    println!("\n==> [{n}] {what}");
}

pub fn sh(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn cargo_home_bin() -> PathBuf {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join(".cargo"));
    home.join("bin")
}

/// The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
fn locked_wasm_bindgen(root: &Path) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    Err("wasm-bindgen not found in Cargo.lock".into())
}

/// Installs what is missing for building the frontend; returns the environment to build with.
pub fn setup(root: &Path, announce: bool) -> Result<Env, String> {
    let bin = cargo_home_bin();
    let tools_bin = root.join("tools/node_modules/.bin");
    let path = format!("{}:{}:{}", tools_bin.display(), bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut env = Env::new();
    env.insert("PATH".into(), path.clone());
    env.insert("TRUNK_SKIP_VERSION_CHECK".into(), "true".into());
    let with_path = |c: &mut Command| {
        c.env("PATH", &path);
    };

    if announce {
        step("setup 1/4", "Rust target wasm32-unknown-unknown");
    }
    let targets = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if targets.lines().any(|t| t == "wasm32-unknown-unknown") {
        println!("    present");
    } else {
        sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    if announce {
        step("setup 2/4", &format!("Trunk {TRUNK_VERSION}"));
    }
    let mut c = Command::new("trunk");
    with_path(&mut c);
    let have = output(c.arg("--version")).unwrap_or_default();
    if have.contains(TRUNK_VERSION) {
        println!("    present ({have})");
    } else {
        println!("    installing (takes ~6 min on 2 cores, once)");
        sh(Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }

    let wbg = locked_wasm_bindgen(root)?;
    if announce {
        step("setup 3/4", &format!("wasm-bindgen-cli {wbg} (must equal Cargo.lock)"));
    }
    let mut c = Command::new("wasm-bindgen");
    with_path(&mut c);
    let have = output(c.arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wbg.as_str()) {
        println!("    present ({have})");
    } else {
        // Not --locked: its lockfile names a webpki-roots release the registry no longer has.
        println!("    installing (takes ~3 min, once)");
        sh(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wbg]))?;
    }

    if announce {
        step("setup 4/4", &format!("wasm-opt from npm binaryen@{BINARYEN_VERSION}"));
    }
    if tools_bin.join("wasm-opt").exists() {
        println!("    present");
    } else {
        npm_install(root, &format!("binaryen@{BINARYEN_VERSION}"))?;
    }
    Ok(env)
}

/// Installs an npm package into `tools/` (git-ignored), from the npm registry only.
pub fn npm_install(root: &Path, package: &str) -> Result<(), String> {
    std::fs::create_dir_all(root.join("tools")).map_err(|e| e.to_string())?;
    sh(Command::new("npm").args([
        "install",
        "--prefix",
        &root.join("tools").display().to_string(),
        "--no-audit",
        "--no-fund",
        package,
    ]))
}

/// axe-core, the accessibility checker the browser tests inject into each page (from npm, so
/// nothing is fetched from a CDN at test time).
fn install_axe(root: &Path) -> Result<(), String> {
    if root.join("tools/node_modules/axe-core/axe.min.js").exists() {
        println!("    axe-core {AXE_VERSION}: present");
        return Ok(());
    }
    npm_install(root, &format!("axe-core@{AXE_VERSION}"))
}

/// Newest modification time of the frontend's inputs.
fn newest_input(root: &Path) -> SystemTime {
    fn walk(p: &Path, newest: &mut SystemTime) {
        let Ok(meta) = std::fs::metadata(p) else { return };
        if meta.is_dir() {
            if let Ok(rd) = std::fs::read_dir(p) {
                for e in rd.flatten() {
                    walk(&e.path(), newest);
                }
            }
        } else if let Ok(m) = meta.modified() {
            *newest = (*newest).max(m);
        }
    }
    let mut newest = SystemTime::UNIX_EPOCH;
    for p in [
        "frontend",
        "common",
        "assets/css",
        "assets/pwa",
        "Trunk.toml",
        "Cargo.lock",
        "Cargo.toml",
        "xtask/src/loader.rs",
        "xtask/src/precompress.rs",
    ] {
        walk(&root.join(p), &mut newest);
    }
    newest
}

/// Builds the SPA into `dist/` in release mode, unless `dist/` is newer than every input.
pub fn build_frontend(root: &Path, env: &Env, force: bool) -> Result<(), String> {
    let stamp = root.join("dist/.build-stamp");
    let fresh = std::fs::metadata(&stamp).and_then(|m| m.modified()).map(|t| t >= newest_input(root)).unwrap_or(false);
    if fresh && !force {
        println!("    dist/ is up to date");
        return Ok(());
    }
    let started = Instant::now();
    // The first visit's bundle into dist/, then the public and staff bundles into their folders
    // (Trunk empties the folder it builds into, so the first one goes first).
    let mut c = Command::new("trunk");
    c.current_dir(root).envs(env).args(["build", "--release"]);
    sh(&mut c)?;
    crate::loader::defer_app_start(&root.join("dist/index.html"))?;
    for dir in common::routes::Bundle::ALL.into_iter().filter_map(common::routes::Bundle::dir) {
        let mut c = Command::new("trunk");
        c.current_dir(root).envs(env).args(["build", &format!("frontend/{dir}/index.html"), "--release"]).args([
            "--dist".to_string(),
            format!("dist/{dir}"),
            "--public-url".to_string(),
            format!("/{dir}/"),
        ]);
        sh(&mut c)?;
        crate::loader::defer_app_start(&root.join("dist").join(dir).join("index.html"))?;
    }
    let (files, saved) = crate::precompress::dist(&root.join("dist"))?;
    println!("    precompressed {files} files (brotli q11 and gzip -9; {saved} KB less to send)");
    std::fs::write(&stamp, b"").map_err(|e| e.to_string())?;
    println!("    frontend built in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

pub fn run_app(root: &Path, args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let env = setup(root, true)?;
    step("run 1/3", "frontend (release) → dist/");
    build_frontend(root, &env, false)?;
    step("run 2/3", "backend (release)");
    sh(Command::new("cargo").current_dir(root).args(["build", "--release", "-p", "backend", "--bin", "tangui"]))?;
    step("run 3/3", "start the server (SQLite, demo data on first start)");
    println!("    set-up took {:.0} s", started.elapsed().as_secs_f64());
    let mut c = Command::new(root.join("target/release/tangui"));
    c.current_dir(root).arg("serve").arg("--demo").args(args);
    if std::env::var_os("TANGUI_DIST").is_none() {
        c.env("TANGUI_DIST", root.join("dist"));
    }
    sh(&mut c)
}

fn apt_install_test_packages() -> Result<(), String> {
    apt_install(&APT_TEST_PACKAGES)
}

/// Installs the Debian packages that are missing.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !output(Command::new("dpkg-query").args(["-W", "-f=${Status}", p]))
                .is_some_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        println!("    present: {}", packages.join(", "));
        return Ok(());
    }
    println!("    installing {}", missing.join(", "));
    let install = |c: &mut Command| {
        c.env("DEBIAN_FRONTEND", "noninteractive").args(["install", "-y", "-q"]).args(&missing).status()
    };
    if install(&mut Command::new("apt-get")).is_ok_and(|s| s.success()) {
        return Ok(());
    }
    sh(Command::new("apt-get").args(["update", "-q"]))?;
    sh(Command::new("apt-get").env("DEBIAN_FRONTEND", "noninteractive").args(["install", "-y", "-q"]).args(&missing))
}

pub fn test_all(root: &Path, args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let quick = args.iter().any(|a| a == "--no-lint");
    step("test 1/6", "test packages from Debian (browser, driver, CJK font, PDF tools, nginx, Kannel)");
    apt_install_test_packages()?;
    install_axe(root)?;
    let env = setup(root, true)?;
    step("test 2/6", "frontend (release) → dist/ for the browser tests");
    build_frontend(root, &env, false)?;

    let pg = std::env::var("TANGUI_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty());
    let require_pg = std::env::var("TANGUI_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true");
    match (&pg, require_pg) {
        (Some(url), _) => println!("    PostgreSQL suite: on ({})", redact(url)),
        (None, true) => return Err("TANGUI_TEST_REQUIRE_POSTGRES is set but TANGUI_TEST_POSTGRES_URL is not".into()),
        (None, false) => println!("    PostgreSQL suite: skipped (set TANGUI_TEST_POSTGRES_URL to run it)"),
    }

    if quick {
        step("test 3/6", "lint: skipped (--no-lint)");
    } else {
        step("test 3/6", "lint: cargo fmt --check, cargo clippy -D warnings");
        sh(Command::new("cargo").current_dir(root).args(["fmt", "--all", "--check"]))?;
        sh(Command::new("cargo").current_dir(root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
    }

    step("test 4/6", "unit, API (SQLite, PostgreSQL) and browser tests: cargo test --workspace");
    let mut c = Command::new("cargo");
    c.current_dir(root)
        .envs(&env)
        .env("TANGUI_DIST", root.join("dist"))
        .env("TANGUI_E2E_REQUIRED", "1")
        .env("TANGUI_KANNEL_REQUIRED", "1")
        .args([
            "test",
            "--workspace",
            // The SPA has no native tests; building it for the host would only cost time.
            "--exclude",
            "frontend",
            "--no-fail-fast",
        ]);
    sh(&mut c)?;

    step("test 5/6", "shared rules compiled to wasm32, run by wasm-bindgen-test-runner");
    let mut c = Command::new("cargo");
    c.current_dir(root)
        .envs(&env)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .args(["test", "-p", "common", "--target", "wasm32-unknown-unknown"]);
    sh(&mut c)?;

    step("test 6/6", "done");
    println!("    all tests passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

/// `cargo xtask bench-map`: GeoJSON endpoint vs nginx, and the map's first render.
pub fn bench_map(root: &Path) -> Result<(), String> {
    step("bench 1/3", "Debian packages: nginx, wrk, chromium, chromium-driver");
    apt_install(&["nginx", "wrk", "chromium", "chromium-driver", "fonts-wqy-microhei"])?;
    let env = setup(root, true)?;
    step("bench 2/3", "frontend (release) → dist/");
    build_frontend(root, &env, false)?;
    step("bench 3/3", "cargo run --release -p backend --example bench_map");
    let mut c = Command::new("cargo");
    c.current_dir(root).envs(&env).env("TANGUI_DIST", root.join("dist")).env("RUST_LOG", "warn").args([
        "run",
        "--release",
        "-p",
        "backend",
        "--example",
        "bench_map",
    ]);
    sh(&mut c)
}

/// `cargo xtask bench-verify-draw`: a citizen's re-run of a 21,300-applicant draw in headless
/// Chromium on a phone-sized screen (the browser journey that checks it, run for its timing),
/// written to `xtask/bench/results/draw-verify.md`.
pub fn bench_verify_draw(root: &Path) -> Result<(), String> {
    step("bench 1/3", "Debian packages: chromium, chromium-driver");
    apt_install(&["chromium", "chromium-driver", "fonts-wqy-microhei"])?;
    let env = setup(root, true)?;
    step("bench 2/3", "frontend (release) → dist/");
    build_frontend(root, &env, false)?;
    let mut runs = Vec::new();
    for run in 1..=3 {
        step(
            "bench 3/3",
            &format!("run {run}/3: browser journey allocation::a_citizen_re_runs_a_city_scale_draw_on_a_phone"),
        );
        let mut c = Command::new("cargo");
        c.current_dir(root)
            .envs(&env)
            .env("TANGUI_DIST", root.join("dist"))
            .env("TANGUI_E2E_REQUIRED", "1")
            .env("RUST_LOG", "warn")
            .args([
                "test",
                "-p",
                "backend",
                "--test",
                "browser",
                "--",
                "--exact",
                "allocation::a_citizen_re_runs_a_city_scale_draw_on_a_phone",
            ]);
        sh(&mut c)?;
        let figures =
            std::fs::read_to_string(root.join("target/bench/browser_verify.json")).map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_str(&figures).map_err(|e| e.to_string())?;
        runs.push((v["figures"]["ms"].as_f64().unwrap_or(f64::NAN), v["machine"].as_str().unwrap_or("").to_string()));
    }
    let machine = runs.first().map(|r| r.1.clone()).unwrap_or_default();
    let mut ms: Vec<f64> = runs.iter().map(|r| r.0).collect();
    ms.sort_by(f64::total_cmp);
    let all = ms.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ");
    let report = format!(
        "# Re-running a draw in the browser\n\n\
         Command: `cargo xtask bench-verify-draw` (runs the browser journey \
         `allocation::a_citizen_re_runs_a_city_scale_draw_on_a_phone` three times).\n\n\
         Machine: {machine}. Browser: Debian's headless Chromium, window 390 × 844, release WebAssembly from `dist/`; \
         the server is the in-process test server (debug build) on SQLite.\n\n\
         Data: a round over the 150 demo zones with **21,300 eligible applicants** and **6,145 stalls**, drawn with \
         `tangui-rsd-v2`.\n\n\
         What is timed: from the press of \"复核本次摇号\" to the verdict — downloading `record.json`, parsing it, and the \
         four checks (commitment, fingerprint, outside value, and re-running `common::allocation` in WebAssembly and \
         comparing order, assignments and waiting list with the record and with the results shown on the page), with the page repainting its progress between steps.\n\n\
         | | time |\n|---|---|\n| **median of 3 runs** | **{median:.0} ms** |\n| all runs | {all} ms |\n\n\
         Result: \"match\" each time; the same journey then checks that a record with one changed line says \"mismatch\" \
         at the re-run step.\n",
        median = ms.get(ms.len() / 2).copied().unwrap_or(f64::NAN),
    );
    let out = root.join("xtask/bench/results/draw-verify.md");
    std::fs::write(&out, report).map_err(|e| e.to_string())?;
    println!("    wrote {}", out.display());
    Ok(())
}

/// `cargo xtask bench-draw`: a 21,300-applicant round on SQLite.
/// The application rush needs the release server binary it starts as a separate process, and
/// PostgreSQL (this machine's, unless `TANGUI_BENCH_POSTGRES_URL` names another; empty = skip).
pub fn bench_rush(root: &Path) -> Result<(), String> {
    step("bench 0/1", "cargo build --release -p backend --bin tangui");
    sh(Command::new("cargo").current_dir(root).args(["build", "--release", "-p", "backend", "--bin", "tangui"]))?;
    let pg =
        std::env::var("TANGUI_BENCH_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    bench_example(root, "bench_rush", &[("TANGUI_BENCH_POSTGRES_URL", pg)])
}

/// Runs one of the backend's benchmark examples in release mode; each writes its own report.
pub fn bench_example(root: &Path, example: &str, env: &[(&str, String)]) -> Result<(), String> {
    step("bench 1/1", &format!("cargo run --release -p backend --example {example}"));
    sh(Command::new("cargo").current_dir(root).env("RUST_LOG", "warn").envs(env.iter().cloned()).args([
        "run",
        "--release",
        "-p",
        "backend",
        "--example",
        example,
    ]))
}

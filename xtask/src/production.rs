//! `cargo xtask bench-production`: every load figure of the production proof in one run and one
//! report — the application rush on SQLite and PostgreSQL, the public GeoJSON against nginx and
//! during a login storm, peak memory under each load, and the release WASM size.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::tools::{apt_install, bench_map, bench_rush};

fn compressed_size(program: &str, args: &[&str], file: &Path) -> Result<u64, String> {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .output()
        .map_err(|e| format!("{program}: {e} (apt-get install {program})"))?;
    if !out.status.success() {
        return Err(format!("{program} failed on {}", file.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// (file name, raw, gzip -9, brotli -q 11) of the release WASM in dist/.
fn wasm_sizes(root: &Path) -> Result<(String, u64, u64, u64), String> {
    let wasm = std::fs::read_dir(root.join("dist"))
        .map_err(|e| format!("dist/: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .ok_or("no .wasm in dist/")?;
    let raw = std::fs::metadata(&wasm).map_err(|e| e.to_string())?.len();
    let gzip = compressed_size("gzip", &["-9", "-c"], &wasm)?;
    let brotli = compressed_size("brotli", &["-q", "11", "-c"], &wasm)?;
    let name = wasm.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    Ok((name, raw, gzip, brotli))
}

fn summary(root: &Path, name: &str) -> Result<Value, String> {
    let path = root.join("target/bench").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**not met**" }
}

pub fn bench_production(root: &Path) -> Result<(), String> {
    let started = std::time::Instant::now();
    apt_install(&["brotli", "gzip"])?;
    let _ = std::fs::remove_dir_all(root.join("target/bench"));
    bench_map(root)?;
    bench_rush(root)?;
    let (wasm, raw, gzip, brotli) = wasm_sizes(root)?;
    let map = summary(root, "map")?;
    let rush = summary(root, "rush")?;
    let m = &map["figures"];

    let mut rush_rows = String::new();
    let mut rush_lines = String::new();
    for r in rush["figures"].as_array().cloned().unwrap_or_default() {
        let db = r["database"].as_str().unwrap_or("?");
        rush_rows.push_str(&format!(
            "| application rush, {db}: 20,000 signed-in vendors × (create, upload ID, submit), 256 in flight | \
             **{:.0} applications/s** ({:.0} requests/s), p50 / p99 {:.0} / **{:.0} ms** | {:.0} MiB |\n",
            f(&r, "applications_per_s"),
            f(&r, "requests_per_s"),
            f(&r, "p50_ms"),
            f(&r, "p99_ms"),
            f(&r, "peak_rss_mib"),
        ));
        rush_lines.push_str(&format!(
            "- {db}: {} 2xx submits → {} submitted applications stored; {} 2xx creates → {} applications stored in \
             all; {} refused or failed — {}.\n",
            r["submit_2xx"],
            r["stored_submitted"],
            r["create_2xx"],
            r["stored_total"],
            r["refused"],
            if r["counts_equal"].as_bool() == Some(true) { "no lost and no phantom rows" } else { "**COUNTS DIFFER**" },
        ));
    }
    let sqlite = rush["figures"].as_array().and_then(|a| a.first()).cloned().unwrap_or_default();
    let storm_p99 = f(m, "storm_p99_ms");
    let report = format!(
        "# Production proof — load report\n\n\
         Command: `cargo xtask bench-production` (one run: installs nginx, wrk, brotli and Chromium from Debian if \
         missing, builds the release frontend and server, runs the map benchmark with its login storm, then the \
         application rush on SQLite and PostgreSQL — `TANGUI_BENCH_POSTGRES_URL`, default this machine's \
         `postgres://postgres@127.0.0.1:5432/test` — and measures the WASM). Took {mins:.0} min.\n\n\
         Machine: {machine}. The load generators run on the same two cores as the server.\n\n\
         | load | figure | server peak RSS |\n|---|---|---|\n\
         {rush_rows}\
         | public GeoJSON (gzip) vs nginx serving the same bytes, wrk 64 connections | {ratio:.2}× nginx \
         ({ours:.0} vs {theirs:.0} requests/s), p99 {gp99:.1} ms | {mrss:.0} MiB |\n\
         | public GeoJSON without compression vs nginx | {iratio:.2}× nginx, p99 {ip99:.1} ms | same run |\n\
         | public GeoJSON alone, wrk 16 connections | p99 {qp99:.1} ms | |\n\
         | public GeoJSON while waves of 200 logins hash passwords and registrations flood in | **p99 {storm_p99:.1} ms** ({srps:.0} requests/s; \
         {logins} logins answered, {lfail} failed, login p99 {lp99:.0} ms) | {srss:.0} MiB |\n\
         | map first render, headless Chromium | median {render:.0} ms | |\n\
         | release WASM `{wasm}` | raw {raw} B, gzip -9 {gzip} B, brotli -q 11 {brotli} B | |\n\n\
         Count check of the rush (every 2xx answer is a stored application, nothing else was stored):\n\n{rush_lines}\n\
         ## Targets\n\n\
         - Map p99 during the login storm and registration flood under 50 ms: {storm_ok} ({storm_p99:.1} ms).\n\
         - Application rush with zero lost or phantom rows on both databases: {counts_ok}.\n\
         - Aim: SQLite at least 2,000 submissions/s with p99 under 100 ms on 2 cores: {aim_ok} \
         ({sq_rps:.0} applications/s, each three requests, p99 {sq_p99:.0} ms).\n\n\
         Details of each load, with its method: [map.md](map.md) (GeoJSON vs nginx, login storm, first render) and \
         [rush.md](rush.md) (the application rush), both rewritten by this same run. The tests that prove the rest of \
         the production case (scale-out, crash safety, backup, security, accessibility) run in `cargo xtask test`; \
         [production.md](production.md) lists them.\n",
        mins = started.elapsed().as_secs_f64() / 60.0,
        machine = map["machine"].as_str().unwrap_or("?"),
        ratio = f(m, "geojson_gzip_rps") / f(m, "nginx_gzip_rps").max(1.0),
        ours = f(m, "geojson_gzip_rps"),
        theirs = f(m, "nginx_gzip_rps"),
        gp99 = f(m, "geojson_gzip_p99_ms"),
        mrss = f(m, "map_peak_rss_mib"),
        iratio = f(m, "geojson_identity_ratio"),
        ip99 = f(m, "geojson_identity_p99_ms"),
        qp99 = f(m, "storm_quiet_p99_ms"),
        srps = f(m, "storm_rps"),
        logins = m["storm_logins"],
        lfail = m["storm_login_failures"],
        lp99 = f(m, "storm_login_p99_ms"),
        srss = f(m, "storm_peak_rss_mib"),
        render = f(m, "first_render_median_ms"),
        storm_ok = verdict(storm_p99 < 50.0),
        counts_ok = verdict(
            rush["figures"].as_array().is_some_and(|a| a.len() == 2 && a.iter().all(|r| r["counts_equal"] == true))
        ),
        aim_ok = verdict(f(&sqlite, "applications_per_s") >= 2000.0 && f(&sqlite, "p99_ms") < 100.0),
        sq_rps = f(&sqlite, "applications_per_s"),
        sq_p99 = f(&sqlite, "p99_ms"),
    );
    let out = root.join("xtask/bench/results/load.md");
    std::fs::write(&out, &report).map_err(|e| e.to_string())?;
    println!("\n{report}\nwritten to {}", out.display());
    Ok(())
}

//! `cargo xtask bench-production`: every load figure of the production proof in one run and one
//! report — the application rush on SQLite and PostgreSQL, the public GeoJSON against nginx and
//! during a login storm, peak memory under each load, the rush against a bare baseline, Lighthouse
//! and the throttled first render, and both bundles' sizes.

use std::path::Path;

use serde_json::Value;

use crate::tools::{bench_example, bench_map, bench_rush};

/// Raw, gzip -9 and brotli -q 11 bytes of one bundle's code (the WebAssembly and its JS loader)
/// in `dir`, with the WebAssembly's file name.
fn bundle_sizes(dir: &Path) -> Result<(String, u64, u64, u64), String> {
    let mut name = String::new();
    let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
    for e in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten() {
        let path = e.path();
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js") || path.file_name().is_some_and(|n| n == "sw.js") {
            continue;
        }
        if ext == "wasm" {
            name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        }
        let data = std::fs::read(&path).map_err(|e| e.to_string())?;
        raw += data.len() as u64;
        gzip += crate::precompress::gzip(&data).len() as u64;
        brotli += crate::precompress::brotli(&data).len() as u64;
    }
    if name.is_empty() {
        return Err(format!("no .wasm in {}", dir.display()));
    }
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

const LIGHTHOUSE: &str = "lighthouse@12.2.3";

pub fn bench_production(root: &Path) -> Result<(), String> {
    let started = std::time::Instant::now();
    let _ = std::fs::remove_dir_all(root.join("target/bench"));
    bench_map(root)?;
    bench_rush(root)?;
    crate::tools::step("bench", &format!("{LIGHTHOUSE} from npm into tools/"));
    if root.join("tools/node_modules/lighthouse/package.json").exists()
        && std::fs::read_to_string(root.join("tools/node_modules/lighthouse/package.json"))
            .is_ok_and(|p| p.contains("\"version\": \"12.2.3\""))
    {
        println!("    present");
    } else {
        crate::tools::npm_install(root, LIGHTHOUSE)?;
    }
    bench_example(root, "bench_web", &[("TANGUI_DIST", root.join("dist").display().to_string())])?;
    let (wasm, raw, gzip, brotli) = bundle_sizes(&root.join("dist"))?;
    let (pwasm, praw, pgzip, pbrotli) = bundle_sizes(&root.join("dist").join(common::routes::PUBLIC_BUNDLE_DIR))?;
    let (swasm, sraw, sgzip, sbrotli) = bundle_sizes(&root.join("dist").join(common::routes::STAFF_BUNDLE_DIR))?;
    let map = summary(root, "map")?;
    let rush = summary(root, "rush")?;
    let web = summary(root, "web")?;
    let m = &map["figures"];
    let w = &web["figures"];

    let baseline = &summary(root, "rush-baseline")?["figures"];
    let base_rps = f(baseline, "applications_per_s");
    let mut rush_rows = String::new();
    let mut rush_lines = String::new();
    for r in rush["figures"].as_array().cloned().unwrap_or_default() {
        let db = r["database"].as_str().unwrap_or("?");
        rush_rows.push_str(&format!(
            "| application rush, {db}: 20,000 signed-in vendors × (create, upload ID, submit), 256 in flight | \
             **{:.0} applications/s** ({:.0} requests/s), p50 / p99 {:.0} / **{:.0} ms**; **{:.2}× the bare baseline** | {:.0} MiB |\n",
            f(&r, "applications_per_s"),
            f(&r, "requests_per_s"),
            f(&r, "p50_ms"),
            f(&r, "p99_ms"),
            f(&r, "applications_per_s") / base_rps.max(1.0),
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
    let ratio = f(&sqlite, "applications_per_s") / base_rps.max(1.0);
    let storm_p99 = f(m, "storm_p99_ms");
    let geo_ratio = f(m, "geojson_gzip_rps") / f(m, "nginx_gzip_rps").max(1.0);
    let mut lh_rows = String::new();
    let mut lh_ok = true;
    for p in w["lighthouse"].as_array().cloned().unwrap_or_default() {
        let (perf, a11y, lcp) = (f(&p, "performance"), f(&p, "accessibility"), f(&p, "lcp_ms"));
        lh_ok &= perf >= 90.0 && a11y >= 100.0 && lcp <= 2500.0;
        lh_rows.push_str(&format!(
            "| Lighthouse 12.2.3 mobile, {} page (median of runs scoring {}) | performance **{perf:.0}**, accessibility \
             **{a11y:.0}**, LCP **{:.2} s** (FCP {:.2} s, TBT {:.0} ms, CLS {:.3}) | |\n",
            p["page"].as_str().unwrap_or("?"),
            p["runs"].as_array().map(|r| r.iter().map(|x| format!("{:.0}", x.as_f64().unwrap_or(0.0))).collect::<Vec<_>>().join(", ")).unwrap_or_default(),
            lcp / 1000.0,
            f(&p, "fcp_ms") / 1000.0,
            f(&p, "tbt_ms"),
            f(&p, "cls"),
        ));
    }
    let render = f(w, "throttled_render_median_ms");
    let report = format!(
        "# Production proof — load report\n\n\
         Command: `cargo xtask bench-production` (one run: installs nginx, wrk and Chromium from Debian and \
         Lighthouse 12.2.3 from npm if missing, builds both release bundles and the server, runs the map benchmark with its \
         login storm, the application rush on SQLite and PostgreSQL — `TANGUI_BENCH_POSTGRES_URL`, default this \
         machine's `postgres://postgres@127.0.0.1:5432/test` — beside a bare axum + SQLite baseline, then Lighthouse and \
         the throttled first render, and measures the three bundles). Took {mins:.0} min.\n\n\
         Machine: {machine}. The load generators run on the same two cores as the server.\n\n\
         | load | figure | server peak RSS |\n|---|---|---|\n\
         | bare baseline: axum + SQLite doing the same three writes (session look-up, insert; a file to disk and its row; \
         an update with one appended audit row), same load generator, same run | **{base_rps:.0} applications/s**, \
         p50 / p99 {bp50:.0} / {bp99:.0} ms | (inside the load generator) |\n\
         {rush_rows}\
         | public GeoJSON (gzip) vs nginx serving the same bytes, wrk 64 connections | **{geo_ratio:.2}× nginx** \
         ({ours:.0} vs {theirs:.0} requests/s), p99 {gp99:.1} ms | {mrss:.0} MiB |\n\
         | public GeoJSON without compression vs nginx | {iratio:.2}× nginx, p99 {ip99:.1} ms | same run |\n\
         | public GeoJSON alone, wrk 16 connections | p99 {qp99:.1} ms | |\n\
         | public GeoJSON while waves of 200 logins hash passwords and registrations flood in | **p99 {storm_p99:.1} ms** ({srps:.0} requests/s; \
         {logins} logins answered, {lfail} failed, login p99 {lp99:.0} ms) | {srss:.0} MiB |\n\
         | map first render, headless Chromium, loopback, warm cache | median {quick:.0} ms | |\n\
         | map first render, cold first visit with Lighthouse's mobile throttling applied by CDP | **median {render:.0} ms** \
         (first paint {paint:.0} ms) | |\n\
         {lh_rows}\
         | first visit's bundle (`{wasm}` + its JS): the map, zone pages, permit check — what every visitor downloads | raw {raw} B, gzip -9 {gzip} B, **brotli -q 11 {brotli} B ({bkb:.0} KB)** | |\n\
         | public app's bundle (`app/{pwasm}` + its JS), loaded on the forms, account, permit and round pages | raw {praw} B, gzip -9 {pgzip} B, brotli -q 11 {pbrotli} B | |\n\
         | staff bundle (`staff/{swasm}` + its JS), loaded only on staff pages | raw {sraw} B, gzip -9 {sgzip} B, brotli -q 11 {sbrotli} B | |\n\n\
         Count check of the rush (every 2xx answer is a stored application, nothing else was stored):\n\n{rush_lines}\n\
         ## Targets\n\n\
         - The public bundle a visitor first downloads ≤ 300 KB brotli: {bundle_ok} ({bkb:.0} KB; the public app's forms \
         come in a second bundle, {pkb:.0} KB, when a form is first opened).\n\
         - Lighthouse mobile: performance ≥ 90, accessibility 100, LCP ≤ 2.5 s on the home, zone and application pages: \
         {lh_ok_s} (details and where the main thread's time goes: [web.md](web.md)).\n\
         - Map first render on the Lighthouse mobile profile ≤ 2.5 s: {render_ok} ({render:.0} ms).\n\
         - Rush on SQLite ≥ 0.5× the bare baseline: {ratio_ok} ({ratio:.2}×).\n\
         - Public GeoJSON ≥ 0.8× nginx (gzip, 64 connections): {geo_ok} ({geo_ratio:.2}×).\n\
         - Map p99 during the login storm under 50 ms: {storm_ok} ({storm_p99:.1} ms).\n\
         - Application rush with zero lost or phantom rows on both databases: {counts_ok}.\n\n\
         Details of each load, with its method: [map.md](map.md) (GeoJSON vs nginx, login storm, first render), \
         [rush.md](rush.md) (the application rush and its baseline) and [web.md](web.md) (Lighthouse, throttled \
         first render), all rewritten by this same run; [bundle.md](bundle.md) says what each size step saved and [rush-profile.md](rush-profile.md) \
         where the rush's server time goes, [geojson-profile.md](geojson-profile.md) where the GeoJSON's goes. The tests that prove the rest of the production case (scale-out, crash safety, backup, security, accessibility) \
         run in `cargo xtask test`; [production.md](production.md) lists them.\n",
        mins = started.elapsed().as_secs_f64() / 60.0,
        pkb = pbrotli as f64 / 1000.0,
        machine = map["machine"].as_str().unwrap_or("?"),
        bp50 = f(baseline, "p50_ms"),
        bp99 = f(baseline, "p99_ms"),
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
        quick = f(m, "first_render_median_ms"),
        paint = f(w, "throttled_paint_median_ms"),
        bkb = brotli as f64 / 1000.0,
        bundle_ok = verdict(brotli <= 300_000),
        lh_ok_s = verdict(lh_ok),
        render_ok = verdict(render <= 2500.0),
        ratio_ok = verdict(ratio >= 0.5),
        geo_ok = verdict(geo_ratio >= 0.8),
        storm_ok = verdict(storm_p99 < 50.0),
        counts_ok = verdict(
            rush["figures"].as_array().is_some_and(|a| a.len() == 2 && a.iter().all(|r| r["counts_equal"] == true))
        ),
    );
    let out = root.join("xtask/bench/results/load.md");
    std::fs::write(&out, &report).map_err(|e| e.to_string())?;
    println!("\n{report}\nwritten to {}", out.display());
    Ok(())
}

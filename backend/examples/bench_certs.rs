//! Certificate benchmark (`cargo xtask bench-certs`): a stall permit for every one of the demo
//! seed's 6,145 stalls, then every certificate rendered as the certificate endpoint renders it
//! (holder masked, zone sketch, QR code, embedded font subset). Times each certificate on one
//! thread, then the whole batch on every core, in one run. Writes `xtask/bench/results/certificates.md`.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use backend::config::Config;
use backend::controllers::permits::certificate_for;
use backend::models::permit::Permit;
use diesel::prelude::*;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("tangui-bench-certs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = format!("sqlite://{}", dir.join("bench.db").display());
    let public_url = config.public_url.clone();
    let state = backend::build_state(config).await.unwrap();
    backend::seed::seed_demo(&state).await.unwrap();

    // One permit per stall, held in turn by the demo vendors (the seed's own permits stay too).
    let issue = Instant::now();
    let issued = state
        .db
        .write(|c| {
            use backend::db::schema::{stalls, users};
            let vendors: Vec<i64> =
                users::table.filter(users::role.eq("vendor")).order(users::id.asc()).select(users::id).load(c)?;
            let all: Vec<i64> = stalls::table.order(stalls::id.asc()).select(stalls::id).load(c)?;
            for (k, stall) in all.iter().enumerate() {
                backend::services::offers::stall_permit(c, vendors[k % vendors.len()], None, *stall)?;
            }
            Ok(all.len())
        })
        .await
        .unwrap();
    let issue_s = issue.elapsed().as_secs_f64();
    let permits: Vec<(Permit, String)> = state
        .db
        .run(move |c| {
            use backend::db::schema::{permits, users};
            Ok(permits::table
                .inner_join(users::table.on(users::id.eq(permits::holder_id)))
                .filter(permits::kind.eq("stall"))
                .order(permits::id.desc())
                .limit(issued as i64)
                .select((permits::all_columns, users::display_name))
                .load::<(Permit, String)>(c)?)
        })
        .await
        .unwrap();
    assert_eq!(permits.len(), issued);
    println!("set-up: {issued} stall permits issued in {issue_s:.1} s; rendering …");

    // Warm the parsed font once, as a running server has it.
    let _ = backend::pdf::render(&certificate_for(&permits[0].0, &common::mask::name(&permits[0].1), &public_url));

    // One thread: the cost of one certificate as a request pays it.
    let mut each = Vec::with_capacity(permits.len());
    let mut sizes = Vec::with_capacity(permits.len());
    let single = Instant::now();
    for (k, (p, holder)) in permits.iter().enumerate() {
        let t = Instant::now();
        let pdf = backend::pdf::render(&certificate_for(p, &common::mask::name(holder), &public_url));
        each.push(t.elapsed().as_secs_f64() * 1000.0);
        sizes.push(pdf.len());
        assert!(pdf.starts_with(b"%PDF"));
        if k % 1000 == 999 {
            println!("  {} / {issued}", k + 1);
        }
    }
    let single_s = single.elapsed().as_secs_f64();

    // Every core: the batch a district prints at once.
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let parallel = Instant::now();
    let chunk = permits.len().div_ceil(threads);
    let bytes: usize = std::thread::scope(|s| {
        let handles: Vec<_> = permits
            .chunks(chunk)
            .map(|part| {
                let url = public_url.clone();
                s.spawn(move || {
                    part.iter()
                        .map(|(p, h)| backend::pdf::render(&certificate_for(p, &common::mask::name(h), &url)).len())
                        .sum::<usize>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let parallel_s = parallel.elapsed().as_secs_f64();

    each.sort_by(f64::total_cmp);
    sizes.sort_unstable();
    let mean = each.iter().sum::<f64>() / each.len() as f64;
    let machine = support::machine();

    let report = format!(
        "# Certificate benchmark\n\n\
         Command: `cargo xtask bench-certs` (runs `cargo run --release -p backend --example bench_certs`).\n\n\
         Machine: {machine}. Release build, SQLite.\n\n\
         Data: the demo seed's **{issued} stalls**, each given a stall permit; every certificate rendered exactly as \
         `GET /api/v1/permits/{{id}}/certificate.pdf` renders it (masked holder, zone sketch, QR code of the verify URL, \
         WenQuanYi Micro Hei subset embedded).\n\n\
         | measure | value |\n|---|---|\n\
         | **all {issued} certificates, one thread** | **{single_s:.1} s** |\n\
         | time per certificate: mean / p50 / p99 / max | {mean:.1} / {p50:.1} / {p99:.1} / {max:.1} ms |\n\
         | **all {issued} certificates, {threads} threads** | **{parallel_s:.1} s** ({rate:.0} per second) |\n\
         | PDF size: min / median / max | {smin:.1} / {smed:.1} / {smax:.1} KB (limit 100 KB) |\n\
         | total bytes written (parallel run) | {total:.1} MB |\n\
         | issuing the {issued} permits (database) | {issue_s:.1} s |\n\
         | peak memory (VmHWM, whole process) | {peak:.0} MiB |\n",
        p50 = percentile(&each, 0.5),
        p99 = percentile(&each, 0.99),
        max = each[each.len() - 1],
        rate = issued as f64 / parallel_s,
        smin = sizes[0] as f64 / 1024.0,
        smed = sizes[sizes.len() / 2] as f64 / 1024.0,
        smax = sizes[sizes.len() - 1] as f64 / 1024.0,
        total = bytes as f64 / 1_048_576.0,
        peak = support::peak_rss_mib(),
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/bench/results/certificates.md");
    std::fs::write(&out, &report).unwrap();
    println!("\n{report}\nwritten to {}", out.display());
    let _ = std::fs::remove_dir_all(&dir);
}

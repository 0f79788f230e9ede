//! Application rush (`cargo xtask bench-rush`): the day a round opens, 20,000 distinct signed-in
//! vendors each start an application, upload their ID card and submit, all at once, against the
//! release `tangui serve` over real HTTP. Run on SQLite and, when `TANGUI_BENCH_POSTGRES_URL` is
//! set, on PostgreSQL in the same run. Reports throughput, p50/p99 latency, the server's peak
//! memory, and the count check: every 2xx submit is a stored submitted application and nothing
//! else was submitted. Writes `xtask/bench/results/rush.md`.

#[path = "support/baseline.rs"]
mod baseline;
mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::config::Config;
use bytes::Bytes;
use diesel::prelude::*;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const VENDORS: usize = 20_000;
/// Vendors in flight at once; each does its three requests one after another.
const IN_FLIGHT: usize = 256;

/// A small real photo of an "identity card": the server re-encodes every photo (to drop its
/// metadata), so the upload must be an image it can read.
fn id_card_jpeg() -> Bytes {
    let img = image::RgbImage::from_fn(320, 200, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 180]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    Bytes::from(out.into_inner())
}

struct Outcome {
    database: String,
    seconds: f64,
    latencies_ms: Vec<f64>,
    submit_2xx: usize,
    create_2xx: usize,
    other: HashMap<u16, usize>,
    errors: usize,
    stored_submitted: i64,
    /// Applications of the rush's vendors in any status.
    stored_total: i64,
    peak_rss_mib: f64,
}

/// The key every process of the benchmark seals personal data with (PostgreSQL needs one set).
const BENCH_KEY: &str = "b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Demo data plus 20,000 vendors, each with a live session; returns (session tokens, zone ids
/// that allow daily goods, the vendors' user ids).
async fn prepare(url: &str, data_dir: &Path) -> (Vec<String>, Vec<i64>, Vec<i64>) {
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = url.to_string();
    config.data_dir = data_dir.to_path_buf();
    config.secret_key = Some(BENCH_KEY.into());
    let state = backend::build_state(config).await.unwrap();
    backend::seed::seed_demo(&state).await.unwrap();
    state
        .db
        .write(|c| {
            use backend::db::schema::{users, zones};
            let hash = backend::auth::password::hash_blocking("bench-password-1").unwrap();
            let now = backend::clock::now();
            let mut tokens = Vec::with_capacity(VENDORS);
            for chunk in (0..VENDORS).collect::<Vec<_>>().chunks(1000) {
                let mut sql = String::from("INSERT INTO users (role, login, display_name, phone, password_hash, disabled, created_at, password_changed_at) VALUES ");
                for (k, i) in chunk.iter().enumerate() {
                    if k > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("('vendor', '1760{i:07}', '摊主{i}', '1760{i:07}', '{hash}', false, '{now}', '{now}')"));
                }
                diesel::sql_query(sql).execute(c)?;
            }
            let ids: Vec<i64> =
                users::table.filter(users::login.like("1760%")).order(users::id.asc()).select(users::id).load(c)?;
            let expires = now + chrono::Duration::days(1);
            for chunk in ids.chunks(1000) {
                let mut sql = String::from("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_ip, user_agent) VALUES ");
                for (k, uid) in chunk.iter().enumerate() {
                    let token = backend::auth::rand_bytes::random_hex(32);
                    if k > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!(
                        "('{}', {uid}, '{now}', '{now}', '{expires}', '127.0.0.1', 'bench')",
                        backend::auth::token_hash(&token)
                    ));
                    tokens.push(token);
                }
                diesel::sql_query(sql).execute(c)?;
            }
            let zones: Vec<(i64, String)> = zones::table
                .filter(zones::status.eq("active"))
                .order(zones::id.asc())
                .select((zones::id, zones::categories))
                .load(c)?;
            let daily: Vec<i64> = zones.into_iter().filter(|(_, cats)| cats.contains("daily_goods")).map(|(id, _)| id).collect();
            Ok((tokens, daily, ids))
        })
        .await
        .unwrap()
}

/// (submitted, all) applications of the rush's vendors. By their ids: the server's start moves
/// logins that are phone numbers to their look-up hashes, so the logins no longer say who they are.
async fn stored(url: &str, ids: Vec<i64>) -> (i64, i64) {
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = url.to_string();
    config.secret_key = Some(BENCH_KEY.into());
    let state = backend::build_state(config).await.unwrap();
    state
        .db
        .run(move |c| {
            use backend::db::schema::stall_applications as a;
            let (mut submitted, mut total) = (0i64, 0i64);
            for chunk in ids.chunks(1000) {
                submitted += a::table
                    .filter(a::applicant_id.eq_any(chunk).and(a::status.eq("submitted")))
                    .count()
                    .get_result::<i64>(c)?;
                total += a::table.filter(a::applicant_id.eq_any(chunk)).count().get_result::<i64>(c)?;
            }
            Ok((submitted, total))
        })
        .await
        .unwrap()
}

type Http = Client<HttpConnector, Full<Bytes>>;

/// One request; returns (status, body, milliseconds).
async fn send(
    http: &Http,
    base: &str,
    path: &str,
    token: &str,
    content_type: &str,
    body: Bytes,
) -> Result<(u16, Bytes, f64), String> {
    let req = hyper::Request::post(format!("{base}{path}"))
        .header("content-type", content_type)
        .header("cookie", format!("tangui_session={token}; tangui_csrf=bench"))
        .header("x-csrf-token", "bench")
        .body(Full::new(body))
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let res = http.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((status, body, t.elapsed().as_secs_f64() * 1000.0))
}

/// One vendor's morning: start an application, upload the ID card, submit.
/// Returns the latencies and the submit's status (or the first failing status).
async fn vendor(
    http: Http,
    base: Arc<str>,
    token: String,
    prefs: Vec<i64>,
    photo: Bytes,
) -> (Vec<f64>, bool, Result<u16, String>) {
    let mut lat = Vec::with_capacity(3);
    let body = serde_json::json!({ "input": { "category": "daily_goods", "preferences": prefs } }).to_string();
    let (s, b, ms) = match send(&http, &base, "/api/v1/applications", &token, "application/json", body.into()).await {
        Ok(x) => x,
        Err(e) => return (lat, false, Err(e)),
    };
    lat.push(ms);
    if s != 201 {
        return (lat, false, Ok(s));
    }
    let id = serde_json::from_slice::<serde_json::Value>(&b).ok().and_then(|v| v["id"].as_i64()).unwrap_or(0);
    let path = format!("/api/v1/applications/{id}/documents?kind=id_card&filename=id.jpg");
    match send(&http, &base, &path, &token, "application/octet-stream", photo).await {
        Ok((s, _, ms)) => {
            lat.push(ms);
            if s != 201 {
                return (lat, true, Ok(s));
            }
        }
        Err(e) => return (lat, true, Err(e)),
    }
    let path = format!("/api/v1/applications/{id}/submit");
    match send(&http, &base, &path, &token, "application/json", Bytes::from_static(b"{}")).await {
        Ok((s, _, ms)) => {
            lat.push(ms);
            (lat, true, Ok(s))
        }
        Err(e) => (lat, true, Err(e)),
    }
}

/// What one rush measured at the client.
struct Load {
    seconds: f64,
    /// Sorted.
    latencies_ms: Vec<f64>,
    ok: usize,
    created: usize,
    other: HashMap<u16, usize>,
    errors: usize,
}

/// Every vendor's morning against `base`, {IN_FLIGHT} vendors in flight at any moment.
async fn drive(http: &Http, base: &Arc<str>, tokens: Vec<String>, zones: &[i64]) -> Load {
    let photo = id_card_jpeg();
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let t = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let first = (i * 7) % zones.len();
        let prefs: Vec<i64> = (0..3.min(zones.len())).map(|k| zones[(first + k) % zones.len()]).collect();
        let (http, base, gate, photo) = (http.clone(), base.clone(), gate.clone(), photo.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            vendor(http, base, token, prefs, photo).await
        });
    }
    let mut latencies = Vec::with_capacity(VENDORS * 3);
    let (mut ok, mut created, mut errors) = (0, 0, 0);
    let mut other: HashMap<u16, usize> = HashMap::new();
    let mut done = 0;
    while let Some(r) = tasks.join_next().await {
        let (lat, was_created, status) = r.unwrap();
        latencies.extend(lat);
        created += usize::from(was_created);
        match status {
            Ok(s) if (200..300).contains(&s) => ok += 1,
            Ok(s) => *other.entry(s).or_default() += 1,
            Err(_) => errors += 1,
        }
        done += 1;
        if done % 5000 == 0 {
            println!("  {done} / {VENDORS}");
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    Load { seconds, latencies_ms: latencies, ok, created, other, errors }
}

/// The same rush against the bare baseline (`support/baseline.rs`), same client, same machine.
async fn baseline_rush(dir: &Path) -> Load {
    let tokens: Vec<String> = (0..VENDORS).map(|_| backend::auth::rand_bytes::random_hex(32)).collect();
    let base: Arc<str> = baseline::start(dir, &tokens).into();
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let http: Http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(IN_FLIGHT).build(connector);
    println!("[baseline] rush: {VENDORS} vendors × 3 requests, {IN_FLIGHT} in flight, bare axum + SQLite …");
    let load = drive(&http, &base, tokens, &[1, 2, 3, 4, 5, 6, 7]).await;
    println!("[baseline] {:.0} applications/s", VENDORS as f64 / load.seconds);
    load
}

async fn rush(database: &str, url: String, dir: &Path) -> Outcome {
    let data_dir = dir.join(format!("data-{database}"));
    println!("[{database}] preparing: demo data, {VENDORS} vendors with live sessions …");
    let (tokens, zones, ids) = prepare(&url, &data_dir).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/tangui");
    let mut server = std::process::Command::new(&bin)
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("TANGUI_BIND", format!("127.0.0.1:{port}"))
        .env("TANGUI_DATA_DIR", &data_dir)
        .env("TANGUI_SECRET_KEY", BENCH_KEY)
        .env("TANGUI_DIST", dir.join("no-dist"))
        .env("TANGUI_JOBS", "false")
        .env("TANGUI_DB_POOL", "16")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo xtask bench-rush builds it)", bin.display()));
    let base: Arc<str> = format!("http://127.0.0.1:{port}").into();
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let http: Http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(IN_FLIGHT).build(connector);
    let started = Instant::now();
    loop {
        let up =
            http.get(format!("{base}/api/v1/health").parse().unwrap()).await.is_ok_and(|r| r.status().is_success());
        if up {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    println!("[{database}] rush: {VENDORS} vendors × 3 requests, {IN_FLIGHT} in flight …");
    let load = drive(&http, &base, tokens, &zones).await;
    let peak = support::peak_rss_mib_of(&server.id().to_string());
    let _ = server.kill();
    let _ = server.wait();
    let (stored_submitted, stored_total) = stored(&url, ids).await;
    Outcome {
        database: database.into(),
        seconds: load.seconds,
        latencies_ms: load.latencies_ms,
        submit_2xx: load.ok,
        create_2xx: load.created,
        other: load.other,
        errors: load.errors,
        stored_submitted,
        stored_total,
        peak_rss_mib: peak,
    }
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("tangui-bench-rush-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = baseline_rush(&dir).await;
    let mut outcomes = vec![rush("SQLite", format!("sqlite://{}", dir.join("rush.db").display()), &dir).await];
    let pg = std::env::var("TANGUI_BENCH_POSTGRES_URL").ok().filter(|s| !s.is_empty());
    let mut schema = None;
    if let Some(base) = &pg {
        let name = format!("rush_{}", backend::auth::rand_bytes::random_hex(4));
        let mut c = diesel::PgConnection::establish(base).expect("TANGUI_BENCH_POSTGRES_URL is reachable");
        diesel::sql_query(format!("CREATE SCHEMA {name}")).execute(&mut c).unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        outcomes.push(rush("PostgreSQL", format!("{base}{sep}options=-csearch_path%3D{name}"), &dir).await);
        schema = Some(name);
    }

    let mut rows = String::new();
    for o in &outcomes {
        let l = &o.latencies_ms;
        let refused = if o.other.is_empty() && o.errors == 0 {
            "none".to_string()
        } else {
            let mut v: Vec<String> = o.other.iter().map(|(s, n)| format!("{n}× {s}")).collect();
            if o.errors > 0 {
                v.push(format!("{}× connection error", o.errors));
            }
            v.join(", ")
        };
        let check = if o.stored_submitted == o.submit_2xx as i64 && o.stored_total == o.create_2xx as i64 {
            "✔ both equal"
        } else {
            "✘ DIFFERENT"
        };
        rows.push_str(&format!(
            "| {} | {:.1} s | **{:.0}** applications/s ({:.0} requests/s) | {:.1} / **{:.1}** / {:.1} ms | {} submits, {} creates | {} submitted, {} in all ({check}) | {refused} | {:.0} MiB |\n",
            o.database,
            o.seconds,
            VENDORS as f64 / o.seconds,
            l.len() as f64 / o.seconds,
            percentile(l, 0.5),
            percentile(l, 0.99),
            l.last().copied().unwrap_or(0.0),
            o.submit_2xx,
            o.create_2xx,
            o.stored_submitted,
            o.stored_total,
            o.peak_rss_mib,
        ));
    }
    let ratio = VENDORS as f64 / outcomes[0].seconds / (VENDORS as f64 / base.seconds);
    let baseline_row = format!(
        "| bare baseline (axum + SQLite, same three writes) | {:.1} s | **{:.0}** applications/s ({:.0} requests/s) | {:.1} / **{:.1}** / {:.1} ms | {} submits, {} creates | — | {} | in the load generator's process |\n",
        base.seconds,
        VENDORS as f64 / base.seconds,
        base.latencies_ms.len() as f64 / base.seconds,
        percentile(&base.latencies_ms, 0.5),
        percentile(&base.latencies_ms, 0.99),
        base.latencies_ms.last().copied().unwrap_or(0.0),
        base.ok,
        base.created,
        if base.other.is_empty() && base.errors == 0 {
            "none".to_string()
        } else {
            format!("{:?}, {} errors", base.other, base.errors)
        },
    );
    let report = format!(
        "# Application rush benchmark\n\n\
         Command: `cargo xtask bench-rush` (builds the release `tangui`, then runs `cargo run --release -p backend \
         --example bench_rush`; PostgreSQL too when `TANGUI_BENCH_POSTGRES_URL` is set — `cargo xtask bench-rush` sets \
         it to `postgres://postgres@127.0.0.1:5432/test` unless given).\n\n\
         Machine: {machine}. Server and load generator share the machine's cores.\n\n\
         What happens: the demo data (150 zones, 6,145 stalls) plus **{VENDORS} vendor accounts, each with its own live \
         session**. The release server runs as its own process (`tangui serve`, pool of 16 connections, jobs off). \
         Every vendor, over HTTP/1.1 keep-alive, starts an application (daily goods, three zones), uploads an ID card \
         image and submits it: 3 requests each, {VENDORS} vendors, {IN_FLIGHT} vendors in flight at any moment. \
         Latency is per request (all three kinds). Peak memory is the server process's VmHWM.\n\n\
         | database | wall time | throughput | latency p50 / p99 / max | 2xx answers | stored afterwards | refused | server peak RSS |\n\
         |---|---|---|---|---|---|---|---|\n{baseline_row}{rows}\n\
         tangui on SQLite does **{ratio:.2}×** the bare baseline's applications per second. The baseline \
         (`backend/examples/support/baseline.rs`) does the same three writes per vendor — a session look-up and an \
         insert; the image to disk and its row; an update and one appended audit row in a transaction — with one \
         SQLite connection and nothing else: no validation, encryption of personal data, audit hash chain, \
         notices, case view or problem answers. It runs in this benchmark's process on its own two-thread runtime \
         (the same cores as the load generator, as tangui's server process does).\n\n\
         The count check: the number of 2xx answers to submit must equal the submitted applications of these \
         vendors found in the database afterwards, and the number of 2xx answers to create must equal all their \
         applications in any status — every acknowledged write is there and nothing else was stored.\n\n\
         Reading the latency: with {IN_FLIGHT} vendors always waiting, a request mostly waits in line, so p50 is close \
         to in-flight ÷ requests per second (Little's law); throughput is the figure that says how long the rush lasts. \
         Each submit appends to the hash-chained audit log, which serialises those writes on one row.\n",
        machine = support::machine(),
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/bench/results/rush.md");
    std::fs::write(&out, &report).unwrap();
    println!("\n{report}\nwritten to {}", out.display());
    let figures: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "database": o.database, "seconds": o.seconds, "applications_per_s": VENDORS as f64 / o.seconds,
                "requests_per_s": o.latencies_ms.len() as f64 / o.seconds,
                "p50_ms": percentile(&o.latencies_ms, 0.5), "p99_ms": percentile(&o.latencies_ms, 0.99),
                "submit_2xx": o.submit_2xx, "stored_submitted": o.stored_submitted,
                "create_2xx": o.create_2xx, "stored_total": o.stored_total,
                "counts_equal": o.stored_submitted == o.submit_2xx as i64 && o.stored_total == o.create_2xx as i64,
                "refused": o.other.values().sum::<usize>() + o.errors, "peak_rss_mib": o.peak_rss_mib,
            })
        })
        .collect();
    support::write_summary("rush", serde_json::json!(figures));
    support::write_summary(
        "rush-baseline",
        serde_json::json!({
            "applications_per_s": VENDORS as f64 / base.seconds, "p50_ms": percentile(&base.latencies_ms, 0.5),
            "p99_ms": percentile(&base.latencies_ms, 0.99), "submit_2xx": base.ok,
        }),
    );
    if let (Some(base), Some(name)) = (pg, schema)
        && let Ok(mut c) = diesel::PgConnection::establish(&base)
    {
        let _ = diesel::sql_query(format!("DROP SCHEMA {name} CASCADE")).execute(&mut c);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

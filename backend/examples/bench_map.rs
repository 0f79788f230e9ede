//! Map benchmark (`cargo xtask bench-map`): the public GeoJSON endpoint against nginx serving the
//! same bytes as a static file (same load tool, same connection count, one run), the GeoJSON
//! while 200 vendors sign in at once and registrations flood in (argon2 on the same two cores),
//! and the map's first render
//! in headless Chromium measured with the Performance API. Writes a report to
//! `xtask/bench/results/map.md` and its figures to `target/bench/map.json` for the production
//! report.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use backend::config::Config;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONNECTIONS: u32 = 64;
const SECONDS: u32 = 15;

#[derive(Debug, Clone)]
struct Load {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    transfer: String,
    errors: String,
}

fn to_ms(v: &str) -> f64 {
    let v = v.trim();
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => n,
    }
}

fn wrk(url: &str, encoding: &str) -> Load {
    wrk_with(url, encoding, CONNECTIONS, SECONDS)
}

fn wrk_with(url: &str, encoding: &str, connections: u32, seconds: u32) -> Load {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-H",
            &format!("Accept-Encoding: {encoding}"),
            url,
        ])
        .output()
        .expect("wrk is installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let find = |prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_string()));
    Load {
        rps: find("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(0.0),
        p50_ms: find("50%").map(|v| to_ms(&v)).unwrap_or(f64::NAN),
        p99_ms: find("99%").map(|v| to_ms(&v)).unwrap_or(f64::NAN),
        transfer: find("Transfer/sec:").unwrap_or_default(),
        errors: text
            .lines()
            .filter(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_nginx(dir: &Path, root: &Path) -> (u16, PathBuf) {
    let port = free_port();
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/bench/nginx-static.conf"))
            .unwrap();
    let prefix = dir.join("nginx");
    std::fs::create_dir_all(&prefix).unwrap();
    let conf = template
        .replace("{PREFIX}", &prefix.display().to_string())
        .replace("{PORT}", &port.to_string())
        .replace("{ROOT}", &root.display().to_string());
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let st = Command::new("nginx")
        .args(["-c", &conf_path.display().to_string(), "-p", &prefix.display().to_string()])
        .status();
    assert!(st.is_ok_and(|s| s.success()), "nginx starts (apt-get install nginx)");
    (port, prefix)
}

async fn first_render(base: &str, runs: usize) -> Vec<f64> {
    let (client, mut driver) = support::chromium(&["--window-size=1280,900"]).await;
    let mut times = Vec::new();
    // One warm-up load (compiles nothing on the server, but fills the browser's HTTP cache as a
    // returning visitor would have it), then measured navigations.
    for i in 0..=runs {
        client.goto(&format!("{base}/?run={i}")).await.unwrap();
        let mut t = None;
        for _ in 0..200 {
            let v = client
                .execute("const e = performance.getEntriesByName('tangui-map-rendered'); return e.length ? e[0].startTime : null;", vec![])
                .await
                .unwrap();
            if let Some(ms) = v.as_f64() {
                t = Some(ms);
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        if i > 0 {
            times.push(t.expect("the map rendered"));
        }
    }
    let _ = client.close().await;
    let _ = driver.kill();
    let _ = driver.wait();
    times
}

fn machine() -> String {
    let nginx = Command::new("nginx")
        .arg("-v")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_string())
        .unwrap_or_default();
    format!("{}; {nginx}; {}", support::machine(), support::first_line("chromium", "--version"))
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("tangui-bench-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dist = std::env::var_os("TANGUI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = format!("sqlite://{}", dir.join("bench.db").display());
    config.dist_dir = dist;
    config.public_url = format!("http://{addr}");
    // The registration flood comes from many addresses, named by X-Forwarded-For as a proxy would.
    config.trust_proxy = true;
    let state = backend::build_state(config).await.unwrap();
    backend::seed::seed_demo(&state).await.unwrap();
    let app = backend::router::build(state.clone());
    tokio::spawn(async move {
        backend::serve(listener, app).await.unwrap();
    });
    let base = format!("http://{addr}");
    let url = format!("{base}/api/v1/public/zones.geojson");

    // The exact bytes the endpoint serves, as nginx's static file.
    let body = reqwest_free_get(&url).await;
    let root = dir.join("www");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("zones.geojson"), &body).unwrap();
    let gz = get_with(&url, "gzip").await;
    std::fs::write(root.join("zones.geojson.gz"), &gz).unwrap();
    let (nginx_port, nginx_prefix) = start_nginx(&dir, &root);
    let nginx_url = format!("http://127.0.0.1:{nginx_port}/zones.geojson");
    assert_eq!(reqwest_free_get(&nginx_url).await, body, "nginx serves the same bytes");
    assert_eq!(get_with(&nginx_url, "gzip").await, gz, "and the same gzip bytes (gzip_static)");

    println!("warming up …");
    let _ = Command::new("wrk").args(["-t2", "-c16", "-d3s", &url]).output();
    let _ = Command::new("wrk").args(["-t2", "-c16", "-d3s", &nginx_url]).output();
    support::reset_peak_rss("self");
    let mut rows = Vec::new();
    for encoding in ["gzip", "identity"] {
        println!("tangui: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s -H 'Accept-Encoding: {encoding}' {url}");
        let ours = wrk(&url, encoding);
        println!("  {ours:?}");
        println!("nginx:  wrk -t2 -c{CONNECTIONS} -d{SECONDS}s -H 'Accept-Encoding: {encoding}' {nginx_url}");
        let theirs = wrk(&nginx_url, encoding);
        println!("  {theirs:?}");
        rows.push((encoding, ours, theirs));
    }
    let map_peak_rss = support::peak_rss_mib();
    let _ = Command::new("nginx")
        .args([
            "-s",
            "stop",
            "-p",
            &nginx_prefix.display().to_string(),
            "-c",
            &nginx_prefix.join("nginx.conf").display().to_string(),
        ])
        .status();

    let storm = login_storm(&state, &base, &url).await;
    println!("  {storm:?}");

    println!("first render in headless Chromium …");
    let mut renders = first_render(&base, 7).await;
    let render_median = support::median(&mut renders.clone());
    let render_max = renders.iter().cloned().fold(0.0, f64::max);
    renders.sort_by(f64::total_cmp);

    let table: String = rows
        .iter()
        .map(|(enc, ours, theirs)| {
            let err = |l: &Load| if l.errors.is_empty() { "none".to_string() } else { l.errors.clone() };
            format!(
                "| {enc} | tangui | {:.0} | {:.2} ms | {:.2} ms | {} | {} |\n| {enc} | nginx | {:.0} | {:.2} ms | {:.2} ms | {} | {} |\n| {enc} | **ratio tangui/nginx** | **{:.2}** | | | | |\n",
                ours.rps, ours.p50_ms, ours.p99_ms, ours.transfer, err(ours),
                theirs.rps, theirs.p50_ms, theirs.p99_ms, theirs.transfer, err(theirs),
                ours.rps / theirs.rps.max(1.0)
            )
        })
        .collect();
    let report = format!(
        "# Map benchmark\n\n\
         Command: `cargo xtask bench-map` (runs `cargo run --release -p backend --example bench_map`).\n\n\
         Machine: {machine}.\n\n\
         Data: demo seed (150 zones, 6,145 stalls); GeoJSON body {size} bytes, gzip {gz} bytes.\n\n\
         ## Public GeoJSON vs nginx (same bytes, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, one run)\n\n\
         tangui serves `/api/v1/public/zones.geojson` from memory (precompressed once per change); nginx serves \
         the same bytes as `zones.geojson` and, with `gzip_static`, the same gzip bytes as `zones.geojson.gz` \
         (config: `xtask/bench/nginx-static.conf`). Browsers always send `Accept-Encoding: gzip, deflate, br`, so the \
         gzip rows are what the map sees; the identity rows show the uncompressed case.\n\n\
         | encoding | server | requests/s | p50 | p99 | transfer/s | errors |\n|---|---|---|---|---|---|---|\n{table}\n\
         Targets: ratio ≥ 0.80 and tangui p99 < 10 ms at {CONNECTIONS} connections. Peak memory of the process \
         serving tangui (the server runs inside this benchmark process; wrk and nginx are separate) during these \
         runs: {map_peak_rss:.0} MiB.\n\n\
         ## Public GeoJSON during a login storm and a registration flood\n\n\
         {STORM_LOGINS} vendor accounts sign in at once, and again as soon as the whole wave is answered, for \
         {STORM_SECONDS} s, each from its own address; every login checks an argon2id hash (19 MiB, t=2) on the \
         same two cores. At the same \
         time registrations flood in, {FLOOD_IN_FLIGHT} at a time, each with the code texted to its phone: four \
         in five each from an address of its own (named by `X-Forwarded-For` behind a trusted proxy), every \
         fifth from one abusing address. A registration checks the address limit and the code before it \
         hashes the password. Meanwhile `wrk -t2 -c{STORM_CONNECTIONS} -d{STORM_SECONDS}s` reads the public \
         GeoJSON (gzip). The server lets one hash run per core but one, so logins and registrations queue for \
         their core and leave the other to everything else.\n\n\
         | GeoJSON | requests/s | p50 | p99 | errors |\n|---|---|---|---|---|\n\
         | alone | {qr:.0} | {qp50:.2} ms | {qp99:.2} ms | {qe} |\n\
         | during the login storm and registration flood | {sr:.0} | {sp50:.2} ms | **{sp99:.2} ms** | {se} |\n\n\
         Logins answered during the storm: {logins} ({lf} not 2xx), login latency p50 {lp50:.0} ms, p99 {lp99:.0} ms \
         (they queue for the hashing core). Registrations: {rc} accounts opened (p50 {rp50:.0} ms, p99 {rp99:.0} ms), \
         {rl} answered 429 (the abusing address after its {rab} allowed), {ro} other answers. Peak memory during the \
         storm: {storm_rss:.0} MiB. Target: GeoJSON p99 under 50 ms during the storm.\n\n\
         ## Map first render (headless Chromium, loopback)\n\n\
         Time from navigation start to the performance mark `tangui-map-rendered` (first render of the SVG map with its zone markers), {n} navigations after one warm-up: \
         median **{rm:.0} ms**, max {rx:.0} ms (target < 1,000 ms). All: {all}.\n",
        machine = machine(),
        qr = storm.quiet.rps,
        qp50 = storm.quiet.p50_ms,
        qp99 = storm.quiet.p99_ms,
        qe = if storm.quiet.errors.is_empty() { "none" } else { &storm.quiet.errors },
        sr = storm.stormy.rps,
        sp50 = storm.stormy.p50_ms,
        sp99 = storm.stormy.p99_ms,
        se = if storm.stormy.errors.is_empty() { "none" } else { &storm.stormy.errors },
        logins = storm.logins,
        lf = storm.login_failures,
        lp50 = storm.login_p50_ms,
        lp99 = storm.login_p99_ms,
        storm_rss = storm.peak_rss_mib,
        rc = storm.flood.created,
        rp50 = storm.flood.p50_ms,
        rp99 = storm.flood.p99_ms,
        rl = storm.flood.limited,
        rab = storm.flood.abuser_created,
        ro = storm.flood.other,
        size = body.len(),
        gz = gz.len(),
        n = renders.len(),
        rm = render_median,
        rx = render_max,
        all = renders.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ") + " ms",
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/bench/results/map.md");
    std::fs::write(&out, &report).unwrap();
    println!("\n{report}\nwritten to {}", out.display());
    let gzip = &rows[0];
    support::write_summary(
        "map",
        serde_json::json!({
            "geojson_gzip_rps": gzip.1.rps, "nginx_gzip_rps": gzip.2.rps, "geojson_gzip_p99_ms": gzip.1.p99_ms,
            "geojson_identity_ratio": rows[1].1.rps / rows[1].2.rps.max(1.0), "geojson_identity_p99_ms": rows[1].1.p99_ms,
            "map_peak_rss_mib": map_peak_rss,
            "storm_quiet_p99_ms": storm.quiet.p99_ms, "storm_p99_ms": storm.stormy.p99_ms, "storm_rps": storm.stormy.rps,
            "storm_logins": storm.logins, "storm_login_failures": storm.login_failures,
            "storm_login_p99_ms": storm.login_p99_ms, "storm_peak_rss_mib": storm.peak_rss_mib,
            "storm_registrations": storm.flood.created, "storm_registrations_limited": storm.flood.limited,
            "storm_registration_p99_ms": storm.flood.p99_ms,
            "first_render_median_ms": render_median,
        }),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plain HTTP/1.1 GET over a TCP socket (keeps the example free of an HTTP client crate).
async fn reqwest_free_get(url: &str) -> Vec<u8> {
    get_with(url, "identity").await
}

async fn get_with(url: &str, encoding: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
    s.write_all(
        format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: {encoding}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&buf[..split]).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let body = buf[split..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(nl) = body[i..].windows(2).position(|w| w == b"\r\n") {
            let len = usize::from_str_radix(std::str::from_utf8(&body[i..i + nl]).unwrap().trim(), 16).unwrap();
            if len == 0 {
                break;
            }
            out.extend_from_slice(&body[i + nl + 2..i + nl + 2 + len]);
            i += nl + 2 + len + 2;
        }
        return out;
    }
    body
}

const STORM_LOGINS: usize = 200;
const STORM_CONNECTIONS: u32 = 16;
const STORM_SECONDS: u32 = 20;

const FLOOD_IN_FLIGHT: usize = 40;
const FLOOD_PHONES: usize = 6000;
const FLOOD_CODE: &str = "135790";
/// One address among the flood that keeps registering: the per-address limit stops it.
const ABUSER: &str = "198.51.100.7";

#[derive(Debug, Default)]
struct Flood {
    created: usize,
    limited: usize,
    other: usize,
    p50_ms: f64,
    p99_ms: f64,
    abuser_created: usize,
}

#[derive(Debug)]
struct Storm {
    quiet: Load,
    stormy: Load,
    logins: usize,
    login_failures: usize,
    login_p50_ms: f64,
    login_p99_ms: f64,
    peak_rss_mib: f64,
    flood: Flood,
}

/// 200 vendor accounts, each with the same password (hashed once, as registration would).
async fn storm_accounts(state: &backend::app::AppState) -> Vec<String> {
    use backend::models::user::NewUser;
    let hash = backend::auth::password::hash_blocking("storm-password-1").unwrap();
    let vault = state.vault.clone();
    state
        .db
        .write(move |c| {
            let now = backend::clock::now();
            let mut logins = Vec::with_capacity(STORM_LOGINS);
            for i in 0..STORM_LOGINS {
                let login = format!("1770{i:07}");
                NewUser {
                    role: "vendor",
                    login: &login,
                    display_name: "摊主",
                    phone: Some(&login),
                    id_number: None,
                    credit_code: None,
                    contact_name: None,
                    district_code: None,
                    password_hash: &hash,
                    disabled: false,
                    created_at: now,
                    password_changed_at: now,
                }
                .insert(c, &vault)?;
                logins.push(login);
            }
            Ok(logins)
        })
        .await
        .unwrap()
}

/// A live registration code for each phone of the flood, as if each had been texted one.
async fn flood_codes(state: &backend::app::AppState) {
    use backend::auth::codes::{Purpose, code_hash};
    use backend::db::schema::phone_codes as pc;
    use diesel::prelude::*;
    state
        .db
        .write(|c| {
            let now = backend::clock::now();
            // One row at a time: diesel's MultiConnection has no batch insert.
            for i in 0..FLOOD_PHONES {
                let phone = flood_phone(i);
                diesel::insert_into(pc::table)
                    .values((
                        pc::code_hash.eq(code_hash(&phone, Purpose::Register, FLOOD_CODE)),
                        pc::phone.eq(&phone),
                        pc::purpose.eq(Purpose::Register.as_str()),
                        pc::client_ip.eq("bench"),
                        pc::created_at.eq(now),
                        pc::expires_at.eq(now + chrono::Duration::minutes(10)),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

fn flood_phone(i: usize) -> String {
    format!("1790{i:07}")
}

/// A valid, distinct resident ID number for each registration of the flood.
fn flood_id_number(i: usize) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days((i / 900) as i64);
    let first = format!("350203{}{:03}", born.format("%Y%m%d"), i % 900 + 1);
    let check = common::validate::id_check_char(first.as_bytes());
    format!("{first}{check}")
}

/// Registrations as fast as `FLOOD_IN_FLIGHT` at a time allow, each with its phone's code and
/// (every fifth) from the one abusing address, the others each from an address of their own.
async fn registration_flood(base: String, until: std::time::Instant) -> Flood {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let http: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut set = tokio::task::JoinSet::new();
    let (mut next, mut flood, mut latencies) = (0usize, Flood::default(), Vec::new());
    loop {
        while set.len() < FLOOD_IN_FLIGHT && std::time::Instant::now() < until && next < FLOOD_PHONES {
            let i = next;
            next += 1;
            let from =
                if i % 5 == 0 { ABUSER.to_string() } else { format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255) };
            let body = serde_json::json!({ "kind": "vendor", "real_name": "王小明", "id_number": flood_id_number(i),
                "phone": flood_phone(i), "password": "flood-pass-2026", "code": FLOOD_CODE });
            let req = hyper::Request::post(format!("{base}/api/v1/auth/register"))
                .header("content-type", "application/json")
                .header("cookie", "tangui_csrf=storm")
                .header("x-csrf-token", "storm")
                .header("x-forwarded-for", from.clone())
                .body(Full::new(Bytes::from(body.to_string())))
                .unwrap();
            let http = http.clone();
            set.spawn(async move {
                let t = std::time::Instant::now();
                let status = match http.request(req).await {
                    Ok(res) => {
                        let s = res.status().as_u16();
                        let _ = res.into_body().collect().await;
                        s
                    }
                    Err(_) => 0,
                };
                (status, from == ABUSER, t.elapsed().as_secs_f64() * 1000.0)
            });
        }
        let Some(done) = set.join_next().await else { break };
        let (status, abuser, ms) = done.unwrap();
        match status {
            201 => {
                flood.created += 1;
                flood.abuser_created += usize::from(abuser);
                latencies.push(ms);
            }
            429 => flood.limited += 1,
            _ => flood.other += 1,
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    flood.p50_ms = pct(0.5);
    flood.p99_ms = pct(0.99);
    flood
}

/// The public GeoJSON read by `wrk` for `STORM_SECONDS`, first alone and then while waves of 200
/// vendors sign in at once (every login hashes with argon2id, 19 MiB, on the same two cores).
async fn login_storm(state: &backend::app::AppState, base: &str, url: &str) -> Storm {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let logins = storm_accounts(state).await;
    flood_codes(state).await;
    let u = url.to_string();
    println!("GeoJSON alone: wrk -t2 -c{STORM_CONNECTIONS} -d{STORM_SECONDS}s (gzip) …");
    let quiet =
        tokio::task::spawn_blocking(move || wrk_with(&u, "gzip", STORM_CONNECTIONS, STORM_SECONDS)).await.unwrap();
    support::reset_peak_rss("self");
    let u = url.to_string();
    println!("GeoJSON during the login storm: the same wrk while waves of {STORM_LOGINS} vendors sign in …");
    let load = tokio::task::spawn_blocking(move || wrk_with(&u, "gzip", STORM_CONNECTIONS, STORM_SECONDS));
    let http: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let started = std::time::Instant::now();
    let flood =
        tokio::spawn(registration_flood(base.to_string(), started + Duration::from_secs(u64::from(STORM_SECONDS) - 1)));
    let mut latencies = Vec::new();
    let mut failures = 0;
    // Waves until wrk is nearly done, so every GeoJSON request it makes meets hashing logins.
    while started.elapsed() < Duration::from_secs(u64::from(STORM_SECONDS) - 1) {
        let mut wave = tokio::task::JoinSet::new();
        for (i, login) in logins.iter().enumerate() {
            let body = serde_json::json!({ "login": login, "password": "storm-password-1" }).to_string();
            // Each vendor signs in from their own phone (own address), as in a real morning rush.
            let req = hyper::Request::post(format!("{base}/api/v1/auth/login"))
                .header("x-forwarded-for", format!("172.16.{}.{}", i >> 8, i & 255))
                .header("content-type", "application/json")
                .header("cookie", "tangui_csrf=storm")
                .header("x-csrf-token", "storm")
                .body(Full::new(Bytes::from(body)))
                .unwrap();
            let http = http.clone();
            wave.spawn(async move {
                let t = std::time::Instant::now();
                let ok = match http.request(req).await {
                    Ok(res) => {
                        let ok = res.status().is_success();
                        let _ = res.into_body().collect().await;
                        ok
                    }
                    Err(_) => false,
                };
                (ok, t.elapsed().as_secs_f64() * 1000.0)
            });
        }
        while let Some(r) = wave.join_next().await {
            let (ok, ms) = r.unwrap();
            latencies.push(ms);
            failures += usize::from(!ok);
        }
    }
    let stormy = load.await.unwrap();
    let flood = flood.await.unwrap();
    let peak_rss_mib = support::peak_rss_mib();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    Storm {
        quiet,
        stormy,
        logins: latencies.len(),
        login_failures: failures,
        login_p50_ms: pct(0.5),
        login_p99_ms: pct(0.99),
        peak_rss_mib,
        flood,
    }
}

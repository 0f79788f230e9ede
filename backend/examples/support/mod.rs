//! What the benchmark examples share: the machine they ran on and the memory they used.
// Each example uses what it needs of this.
#![allow(dead_code)]

use std::process::Command;

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    peak_rss_mib_of("self")
}

/// Peak resident memory (VmHWM) of a process by pid (or "self"), in MiB.
pub fn peak_rss_mib_of(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0))
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// First line a command prints for `arg` (a version, say), or "" when it is missing.
pub fn first_line(cmd: &str, arg: &str) -> String {
    Command::new(cmd)
        .arg(arg)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// Cores, CPU model, memory, kernel and compiler: the line every report starts from.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0) / 1024 / 1024)
        })
        .unwrap_or(0);
    format!("{cores} cores ({cpu}), {mem} GiB RAM; {}; {}", first_line("uname", "-sr"), first_line("rustc", "-V"))
}

/// Starts a new peak for a process's VmHWM (Linux `clear_refs` value 5), so each load reports
/// its own peak memory.
pub fn reset_peak_rss(pid: &str) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// Writes a benchmark's figures to `target/bench/<name>.json`, where `cargo xtask
/// bench-production` gathers them into one report.
pub fn write_summary(name: &str, figures: serde_json::Value) {
    let figures = serde_json::json!({ "machine": machine(), "figures": figures });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ =
        std::fs::write(dir.join(format!("{name}.json")), serde_json::to_string_pretty(&figures).unwrap_or_default());
}

/// SplitMix64 for reproducible synthetic applicants.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Frees every stall and adds `n` eligible vendors (phones 1750000xxxx), each wanting five zones
/// that allow their trade, 10% in a priority group: the draw benchmarks' applicants.
pub async fn eligible_applicants(state: &backend::app::AppState, n: usize) {
    use diesel::RunQueryDsl;
    use std::collections::HashMap;
    state
        .db
        .write(move |c| {
            diesel::sql_query("UPDATE stalls SET state = 'free', holder_id = NULL").execute(c)?;
            let zones: Vec<(i64, String)> = {
                use backend::db::schema::zones;
                use diesel::prelude::*;
                zones::table.select((zones::id, zones::categories)).load(c)?
            };
            let by_cat: HashMap<String, Vec<i64>> = {
                let mut m: HashMap<String, Vec<i64>> = HashMap::new();
                for (id, cats) in &zones {
                    for cat in serde_json::from_str::<Vec<String>>(cats).unwrap_or_default() {
                        m.entry(cat).or_default().push(*id);
                    }
                }
                m
            };
            let cats: Vec<&String> = by_cat.keys().collect();
            let mut rng = Rng(2026);
            let hash = backend::auth::password::hash_blocking("bench-password-1").unwrap();
            let now = backend::clock::now();
            for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
                let mut users = String::from("INSERT INTO users (role, login, display_name, phone, password_hash, disabled, created_at, password_changed_at) VALUES ");
                for (k, i) in chunk.iter().enumerate() {
                    if k > 0 {
                        users.push(',');
                    }
                    users.push_str(&format!("('vendor', '1750000{i:04}', '测试摊主{i}', '1750000{i:04}', '{hash}', false, '{now}', '{now}')"));
                }
                diesel::sql_query(users).execute(c)?;
            }
            let ids: Vec<i64> = {
                use backend::db::schema::users;
                use diesel::prelude::*;
                users::table.filter(users::login.like("1750000%")).order(users::id.asc()).select(users::id).load(c)?
            };
            for chunk in ids.chunks(500) {
                let mut apps = String::from(
                    "INSERT INTO stall_applications (applicant_id, status, category, preferences, priority_groups, note, district_code, submitted_at, decision_reason, return_items, version, created_at, updated_at) VALUES ",
                );
                for (k, uid) in chunk.iter().enumerate() {
                    let cat = cats[(rng.next() % cats.len() as u64) as usize];
                    let pool = &by_cat[cat];
                    let mut prefs: Vec<i64> = Vec::new();
                    while prefs.len() < 5.min(pool.len()) {
                        let z = pool[(rng.next() % pool.len() as u64) as usize];
                        if !prefs.contains(&z) {
                            prefs.push(z);
                        }
                    }
                    let groups = if rng.next().is_multiple_of(10) { "[\"low_income\"]" } else { "[]" };
                    if k > 0 {
                        apps.push(',');
                    }
                    apps.push_str(&format!(
                        "({uid}, 'eligible', '{cat}', '{}', '{groups}', '', '350203', '{now}', '', '[]', 1, '{now}', '{now}')",
                        serde_json::to_string(&prefs).unwrap()
                    ));
                }
                diesel::sql_query(apps).execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// The city admin and a round over every zone (reserved share 10%, no notice period): what the
/// draw benchmarks run.
pub async fn city_round(
    state: &backend::app::AppState,
    name: &str,
) -> (backend::auth::Actor, common::dto::rounds::RoundInput) {
    use backend::db::schema::{users, zones};
    use diesel::prelude::*;
    let (admin_id, zone_ids): (i64, Vec<i64>) = state
        .db
        .run(|c| {
            Ok((
                users::table.filter(users::login.eq("admin")).select(users::id).first(c)?,
                zones::table.order(zones::id.asc()).select(zones::id).load(c)?,
            ))
        })
        .await
        .unwrap();
    let admin = backend::auth::Actor {
        user_id: admin_id,
        role: common::Role::CityAdmin,
        district: None,
        session_id: 0,
        assisted_by: None,
    };
    let input = common::dto::rounds::RoundInput {
        name: name.into(),
        zone_ids,
        opens_at: backend::clock::now(),
        closes_at: backend::clock::now() + chrono::Duration::days(14),
        reserved_percent: 10,
        notice_days: 0,
        offer_days: 5,
        outside_source: "摇号现场三名见证人各摇出的两位数号码".into(),
    };
    (admin, input)
}

/// Headless Debian Chromium through a chromedriver of its own; `args` are added to the browser's.
/// Kill the returned process when done.
pub async fn chromium(args: &[&str]) -> (fantoccini::Client, std::process::Child) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut driver = Command::new("chromedriver").arg(format!("--port={port}")).spawn().expect("chromedriver");
    let mut all = vec![
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];
    all.extend_from_slice(args);
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": all }
    }))
    .unwrap();
    for _ in 0..50 {
        if let Ok(c) = fantoccini::ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return (c, driver);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = driver.kill();
    let _ = driver.wait();
    panic!("chromedriver did not answer")
}

/// The middle value (sorts `v`).
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

//! Draw benchmark (`cargo xtask bench-draw`): a round with 21,300 eligible applicants, 6,145 stalls
//! and five preferences each, on SQLite. Times the draw itself (the pure algorithm on the frozen
//! inputs) and the whole round with its database writes, in one run, and reports peak memory.
//! Writes `xtask/bench/results/draw.md`.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use backend::auth::Actor;
use backend::config::Config;
use backend::services::rounds;
use common::Role;
use common::dto::rounds::RoundInput;
use diesel::RunQueryDsl;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APPLICANTS: usize = 21_300;

/// SplitMix64 for reproducible synthetic applicants.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("tangui-bench-draw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = format!("sqlite://{}", dir.join("bench.db").display());
    let state = backend::build_state(config).await.unwrap();
    backend::seed::seed_demo(&state).await.unwrap();

    // Every stall free, and 21,300 eligible vendors each wanting five zones that allow their trade.
    let setup = Instant::now();
    state
        .db
        .write(|c| {
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
            for chunk in (0..APPLICANTS).collect::<Vec<_>>().chunks(500) {
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
    let setup_s = setup.elapsed().as_secs_f64();
    let zone_ids: Vec<i64> = state
        .db
        .run(|c| {
            use backend::db::schema::zones;
            use diesel::prelude::*;
            Ok(zones::table.order(zones::id.asc()).select(zones::id).load(c)?)
        })
        .await
        .unwrap();
    let admin_id: i64 = state
        .db
        .run(|c| {
            use backend::db::schema::users;
            use diesel::prelude::*;
            Ok(users::table.filter(users::login.eq("admin")).select(users::id).first(c)?)
        })
        .await
        .unwrap();
    let admin = Actor { user_id: admin_id, role: Role::CityAdmin, district: None, session_id: 0 };
    let input = RoundInput {
        name: "基准测试批次".into(),
        zone_ids,
        opens_at: backend::clock::now(),
        closes_at: backend::clock::now() + chrono::Duration::days(14),
        reserved_percent: 10,
        notice_days: 0,
        offer_days: 5,
    };

    println!("set-up: {APPLICANTS} eligible applications in {setup_s:.1} s; running the round …");
    let whole = Instant::now();
    let round = rounds::create(&state, &admin, input).await.unwrap();
    rounds::open(&state, &admin, round.id).await.unwrap();
    let t_close = Instant::now();
    let closed = rounds::close(&state, &admin, round.id).await.unwrap();
    let close_ms = t_close.elapsed().as_secs_f64() * 1000.0;
    let t_draw = Instant::now();
    let drawn = rounds::draw(&state, &admin, round.id, state.draws.clone()).await.unwrap();
    let draw_tx_ms = t_draw.elapsed().as_secs_f64() * 1000.0;
    let whole_ms = whole.elapsed().as_secs_f64() * 1000.0;
    let t_confirm = Instant::now();
    rounds::confirm(&state, &admin, round.id).await.unwrap();
    let confirm_ms = t_confirm.elapsed().as_secs_f64() * 1000.0;

    // The draw itself: the pure algorithm on the frozen inputs, best of five (warm).
    let rid = round.id;
    let (inputs, seed) = state
        .db
        .run(move |c| {
            let r = rounds::Round::find(c, rid)?;
            Ok((r.inputs().unwrap(), r.seed.clone()))
        })
        .await
        .unwrap();
    let mut pure = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let r = common::allocation::draw(&inputs, &seed).unwrap();
        pure.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.assignments.len(), drawn.results.iter().filter(|l| l.stall_number.is_some()).count());
    }
    pure.sort_by(f64::total_cmp);
    let verified = state.db.run(move |c| rounds::verify(c, rid)).await.unwrap();
    let placed = drawn.results.iter().filter(|l| l.stall_number.is_some()).count();
    let peak = support::peak_rss_mib();
    let machine = support::machine();

    let report = format!(
        "# Draw benchmark\n\n\
         Command: `cargo xtask bench-draw` (runs `cargo run --release -p backend --example bench_draw`).\n\n\
         Machine: {machine}. Database: SQLite (WAL), release build.\n\n\
         Data: demo seed (150 zones) with all **{stalls} stalls** free; **{APPLICANTS} eligible applicants**, five zone preferences each \
         (zones that allow the applicant's trade), 10% in a priority group; reserved share 10%.\n\n\
         | step | time |\n|---|---|\n\
         | close: freeze the list, hold the stalls, fingerprint | {close_ms:.0} ms |\n\
         | draw in one transaction (algorithm + {n} application updates + {n} audit records) | {draw_tx_ms:.0} ms |\n\
         | **whole round** (create, open, close, draw) | **{whole_ms:.0} ms** (target < 3,000 ms) |\n\
         | confirm: offers for every placed applicant, release unused stalls | {confirm_ms:.0} ms |\n\
         | **the draw itself** (`common::allocation::draw` on the frozen inputs, best of 5; all runs: {all}) | **{best:.1} ms** (target < 100 ms) |\n\n\
         Result: {placed} placed, {wait} on the waiting list; `verify-round` recomputation: {verified}.\n\n\
         Peak memory (VmHWM of the benchmark process, which also holds the database cache): **{peak:.0} MiB**.\n",
        stalls = closed.stalls.unwrap_or(0),
        n = APPLICANTS,
        best = pure[0],
        all = pure.iter().map(|x| format!("{x:.1}")).collect::<Vec<_>>().join(", ") + " ms",
        wait = drawn.results.len() - placed,
        verified = if verified.is_ok() { "match".to_string() } else { format!("{verified:?}") },
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/bench/results/draw.md");
    std::fs::write(&out, &report).unwrap();
    println!("\n{report}\nwritten to {}", out.display());
    let _ = std::fs::remove_dir_all(&dir);
}

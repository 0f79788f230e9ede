//! Text-message benchmark (`cargo xtask bench-sms`): a round with 21,300 eligible applicants on
//! SQLite tells every one of them the result by SMS through a real Kannel (bearerbox + smsbox
//! from Debian's `kannel`, `fakesmsc` from `kannel-extras` as the carrier), then offers a stall to
//! every placed applicant. Measures what queueing the notices adds to the draw's transaction, how
//! fast two portal instances drain the outbox through the gateway, how long until the last
//! delivery report, whether the portal stays quick meanwhile, and counts: lost = 0, duplicated = 0.
//! Writes `xtask/bench/results/sms.md`.

#[path = "../tests/support/kannel.rs"]
mod kannel;
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use backend::config::Config;
use backend::db::schema::{notifications as n, outbox as o};
use backend::services::rounds;
use diesel::prelude::*;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APPLICANTS: usize = 21_300;
/// Messages per second each instance hands to the gateway (`TANGUI_SMS_RATE`; `BENCH_RATE`
/// overrides it here).
const RATE: u32 = 250;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn by_status(state: &backend::app::AppState) -> HashMap<String, i64> {
    state
        .db
        .run(|c| Ok(o::table.group_by(o::status).select((o::status, diesel::dsl::count_star())).load(c)?))
        .await
        .unwrap()
        .into_iter()
        .collect()
}

type Http = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Empty<bytes::Bytes>,
>;

/// Times one GET of the public zone list (what the home map loads) over HTTP.
async fn probe(client: &Http, url: &str) -> f64 {
    let t = Instant::now();
    let r = client.get(url.parse().unwrap()).await.unwrap();
    assert!(r.status().is_success());
    let _ = http_body_util::BodyExt::collect(r.into_body()).await.unwrap();
    ms(t)
}

async fn probes(client: &Http, url: &str, n: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(probe(client, url).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    v.sort_by(f64::total_cmp);
    v
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_APPLICANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(APPLICANTS);
    let dir = std::env::temp_dir().join(format!("tangui-bench-sms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let kannel = kannel::Kannel::start(&base)
        .await
        .expect("Kannel is not installed: apt-get install kannel kannel-extras (cargo xtask test installs them)");
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = format!("sqlite://{}", dir.join("bench.db").display());
    config.public_url = base.clone();
    config.sms = kannel::Kannel::sms_config(&kannel, &base);
    let rate: u32 = std::env::var("BENCH_RATE").ok().and_then(|v| v.parse().ok()).unwrap_or(RATE);
    config.sms.rate_per_sec = rate;
    let state = backend::build_state(config.clone()).await.unwrap();
    backend::seed::seed_demo(&state).await.unwrap();
    let setup = Instant::now();
    support::eligible_applicants(&state, n).await;
    println!("set-up: {n} eligible applications in {:.1} s", setup.elapsed().as_secs_f64());
    let router = backend::router::build(state.clone());
    tokio::spawn(async move {
        let _ = backend::serve(listener, router).await;
    });

    let (admin, input) = support::city_round(&state, "短信基准测试批次").await;
    let round = rounds::create(&state, &admin, input).await.unwrap();
    rounds::open(&state, &admin, round.id).await.unwrap();
    rounds::close(&state, &admin, round.id).await.unwrap();

    // The draw, with every applicant's result queued in its transaction.
    let t = Instant::now();
    rounds::draw(
        &state,
        &admin,
        round.id,
        common::dto::rounds::DrawInput { outside_value: "07 31 58".into() },
        state.draws.clone(),
    )
    .await
    .unwrap();
    let draw_ms = ms(t);
    let draw_queued: i64 = state.db.run(|c| Ok(o::table.count().get_result(c)?)).await.unwrap();

    // What the notices cost inside it: the same notices written again the same way (the rows
    // removed and re-created in one transaction, as the draw writes them), best of three.
    let rid = round.id;
    let mut notice_ms = Vec::new();
    for _ in 0..3 {
        let took = state
            .db
            .write(move |c| {
                let r = rounds::Round::find(c, rid)?;
                let (result, until) = (r.result().unwrap(), r.notice_until.unwrap());
                let ids: Vec<i64> = n::table.filter(n::kind.like("round.%")).select(n::id).load(c)?;
                for ch in ids.chunks(5000) {
                    diesel::delete(o::table.filter(o::notification_id.eq_any(ch))).execute(c)?;
                    diesel::delete(n::table.filter(n::id.eq_any(ch))).execute(c)?;
                }
                let t = Instant::now();
                rounds::draw_notices(c, rid, &result, until)?;
                Ok(ms(t))
            })
            .await
            .unwrap();
        notice_ms.push(took);
    }
    notice_ms.sort_by(f64::total_cmp);
    let requeued: i64 = state.db.run(|c| Ok(o::table.count().get_result(c)?)).await.unwrap();
    assert_eq!(requeued, draw_queued, "the re-written notices are the draw's");

    // Confirming offers each placed applicant a stall: another text each.
    let t = Instant::now();
    rounds::confirm(&state, &admin, round.id).await.unwrap();
    let confirm_ms = ms(t);
    let total: i64 = state.db.run(|c| Ok(o::table.count().get_result(c)?)).await.unwrap();
    let offers = total - draw_queued;

    // The portal before the drain, as a baseline.
    let http: Http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let zones_url = format!("{base}/api/v1/zones");
    probes(&http, &zones_url, 5).await; // warm the caches
    let idle = probes(&http, &zones_url, 40).await;

    // Two instances on the same database drain the outbox at once, each at its own rate.
    let second = backend::build_state(config.clone()).await.unwrap();
    let started = Instant::now();
    backend::services::sms::spawn_courier(state.clone());
    backend::services::sms::spawn_courier(second.clone());
    let mut busy = Vec::new();
    let mut all_sent = None;
    let mut first_delivered = None;
    let deadline = Instant::now() + Duration::from_secs(3600);
    let mut last_print = Instant::now();
    loop {
        busy.push(probe(&http, &zones_url).await);
        tokio::time::sleep(Duration::from_millis(250)).await;
        let s = by_status(&state).await;
        let get = |k: &str| s.get(k).copied().unwrap_or(0);
        if first_delivered.is_none() && get("delivered") > 0 {
            first_delivered = Some(started.elapsed().as_secs_f64());
        }
        if all_sent.is_none() && get("queued") + get("sending") + get("failed") == 0 {
            all_sent = Some(started.elapsed().as_secs_f64());
        }
        if last_print.elapsed() > Duration::from_secs(10) {
            println!("{:.0} s: {s:?}", started.elapsed().as_secs_f64());
            last_print = Instant::now();
        }
        if get("delivered") == total || get("dead") > 0 || Instant::now() > deadline {
            break;
        }
    }
    let all_delivered = started.elapsed().as_secs_f64();
    busy.sort_by(f64::total_cmp);
    let states = by_status(&state).await;
    let delivered = states.get("delivered").copied().unwrap_or(0);

    // The count check at the carrier: every message once, none missing.
    let expected: Vec<(String, String)> =
        state.db.run(|c| Ok(o::table.inner_join(n::table).select((o::recipient, o::body)).load(c)?)).await.unwrap();
    let received = kannel.wait_received(expected.len()).await;
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for r in &received {
        *seen.entry((r.to.clone(), r.text.clone())).or_default() += 1;
    }
    let duplicated: usize = seen.values().map(|c| c - 1).sum();
    let mut to_phone: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &received {
        to_phone.entry(r.to.as_str()).or_default().push(r.text.as_str());
    }
    let lost = expected
        .iter()
        .filter(|(phone, body)| {
            !to_phone.get(phone.as_str()).is_some_and(|t| t.iter().any(|x| x.contains(body.as_str())))
        })
        .count();
    let sends: i64 = state
        .db
        .run(|c| Ok(o::table.select(diesel::dsl::sum(o::attempts)).first::<Option<i64>>(c)?.unwrap_or(0)))
        .await
        .unwrap();
    let per_instance: Vec<(Option<String>, i64)> = state
        .db
        .run(|c| Ok(o::table.group_by(o::claimed_by).select((o::claimed_by, diesel::dsl::count_star())).load(c)?))
        .await
        .unwrap();
    let parts = received.len();
    let sent_s = all_sent.unwrap_or(all_delivered);
    let machine = support::machine();
    let peak = support::peak_rss_mib();

    let report = format!(
        "# Text-message benchmark\n\n\
         Command: `cargo xtask bench-sms` (runs `cargo run --release -p backend --example bench_sms`).\n\n\
         Machine: {machine}. Database: SQLite (WAL), release build. Gateway: Kannel {kv} (`bearerbox` + `smsbox`, Debian), \
         carrier `fakesmsc` (kannel-extras), all on loopback; delivery reports come back through the portal's `/api/v1/sms/dlr`.\n\n\
         Data: demo seed with every stall free and **{n} eligible applicants**, five zone preferences each (as `bench-draw`). \
         The draw tells each applicant the result (stall and notice date, or waiting-list place); confirming the round offers \
         each placed applicant the stall with a deadline and the reply code.\n\n\
         ## Queueing, in the draw's transaction\n\n\
         | step | time |\n|---|---|\n\
         | draw in one transaction (algorithm, {n} application updates, audit, **{draw_queued} notices + texts queued**) | {draw_ms:.0} ms |\n\
         | of which writing the {draw_queued} notices and texts (the same rows written again, best of 3: {notice_all}) | **{notice_best:.0} ms** |\n\
         | confirm: {offers} offers, each with its notice and text | {confirm_ms:.0} ms |\n\n\
         ## Draining through the gateway\n\n\
         Two portal instances on the same database each run the courier at {rate_set} messages/s (`TANGUI_SMS_RATE`), claiming rows \
         as the jobs do.\n\n\
         | figure | value |\n|---|---|\n\
         | messages queued | {total} ({draw_queued} results + {offers} offers) |\n\
         | all handed to the gateway after | {sent_s:.1} s |\n\
         | **messages per second** (handed to the gateway) | **{rate:.0}/s** |\n\
         | first delivery report after | {first:.1} s |\n\
         | **last delivery report after** | **{all_delivered:.1} s** |\n\
         | delivered | {delivered} of {total} |\n\
         | sends (tries) | {sends} |\n\
         | sent by each instance | {instances} |\n\
         | messages at the carrier (long texts arrive in 70-character parts, joined again here) | {parts} |\n\
         | **lost** (queued, never at the carrier) | **{lost}** |\n\
         | **duplicated** (at the carrier more than once) | **{duplicated}** |\n\n\
         ## The portal meanwhile\n\n\
         `GET /api/v1/zones` (the home map's list) over HTTP, one at a time:\n\n\
         | | p50 | p99 | max |\n|---|---|---|---|\n\
         | before the drain ({ni} requests) | {i50:.1} ms | {i99:.1} ms | {imax:.1} ms |\n\
         | during the drain ({nb} requests) | {b50:.1} ms | {b99:.1} ms | {bmax:.1} ms |\n\n\
         Peak memory of the benchmark process (portal, two instances, database cache): **{peak:.0} MiB**.\n",
        kv = std::process::Command::new("dpkg-query")
            .args(["-W", "-f=${Version}", "kannel"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default(),
        notice_all = notice_ms.iter().map(|x| format!("{x:.0}")).collect::<Vec<_>>().join(", ") + " ms",
        notice_best = notice_ms[0],
        rate = total as f64 / sent_s,
        rate_set = rate,
        first = first_delivered.unwrap_or(0.0),
        instances = per_instance
            .iter()
            .filter(|(who, _)| who.is_some())
            .map(|(_, c)| c.to_string())
            .collect::<Vec<_>>()
            .join(" + "),
        ni = idle.len(),
        i50 = pct(&idle, 0.5),
        i99 = pct(&idle, 0.99),
        imax = idle.last().copied().unwrap_or(0.0),
        nb = busy.len(),
        b50 = pct(&busy, 0.5),
        b99 = pct(&busy, 0.99),
        bmax = busy.last().copied().unwrap_or(0.0),
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/bench/results/sms.md");
    if n == APPLICANTS && rate == RATE {
        std::fs::write(&out, &report).unwrap();
    }
    println!("\n{report}");
    if n == APPLICANTS && rate == RATE {
        println!("written to {}", out.display());
    }
    assert_eq!((lost, duplicated), (0, 0), "every message exactly once");
    assert_eq!(delivered, total, "every message delivered: {states:?}");
    drop(kannel);
    let _ = std::fs::remove_dir_all(&dir);
}

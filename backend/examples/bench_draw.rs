//! Draw benchmark (`cargo xtask bench-draw`): a round with 21,300 eligible applicants, 6,145 stalls
//! and five preferences each, on SQLite. Times the draw itself (the pure algorithm on the frozen
//! inputs) and the whole round with its database writes, in one run, and reports peak memory.
//! Writes `xtask/bench/results/draw.md`.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use backend::config::Config;
use backend::services::rounds;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APPLICANTS: usize = 21_300;

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("tangui-bench-draw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
    config.database_url = format!("sqlite://{}", dir.join("bench.db").display());
    let state = backend::build_state(config).await.unwrap();
    backend::seed::seed_demo(&state).await.unwrap();

    let setup = Instant::now();
    support::eligible_applicants(&state, APPLICANTS).await;
    let setup_s = setup.elapsed().as_secs_f64();
    let (admin, input) = support::city_round(&state, "基准测试批次").await;

    println!("set-up: {APPLICANTS} eligible applications in {setup_s:.1} s; running the round …");
    let whole = Instant::now();
    let round = rounds::create(&state, &admin, input).await.unwrap();
    rounds::open(&state, &admin, round.id).await.unwrap();
    let t_close = Instant::now();
    let closed = rounds::close(&state, &admin, round.id).await.unwrap();
    let close_ms = t_close.elapsed().as_secs_f64() * 1000.0;
    let t_draw = Instant::now();
    let drawn = rounds::draw(
        &state,
        &admin,
        round.id,
        common::dto::rounds::DrawInput { outside_value: "07 31 58".into() },
        state.draws.clone(),
    )
    .await
    .unwrap();
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
        let r = common::allocation::draw(&inputs, &seed, Some("07 31 58")).unwrap();
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
         | draw in one transaction (algorithm + {n} application updates + {n} audit records + {n} result notices and texts queued) | {draw_tx_ms:.0} ms |\n\
         | **whole round** (create, open, close, draw) | **{whole_ms:.0} ms** (target < 3,000 ms) |\n\
         | confirm: offers for every placed applicant (each with its notice and text), release unused stalls | {confirm_ms:.0} ms |\n\
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

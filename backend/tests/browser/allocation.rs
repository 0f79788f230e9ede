//! The whole path of a stall: a vendor applies with three preferences and an upload, an officer
//! returns it for one item, the vendor fixes it, the officer finds it eligible, an admin opens,
//! closes and draws a round, the vendor accepts the offered stall, and the stall shows occupied.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::Browser;
use crate::support;

/// A real photo from a phone: 64×48, EXIF orientation "turn right", a camera name and a GPS position.
pub const JPEG: &[u8] = include_bytes!("../fixtures/photo-with-gps.jpg");
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF";

/// Wraps `fetch` to note every request body that is bytes (an upload): its size, whether it is a
/// JPEG, whether it holds an EXIF block or the fixture's camera name, and the picture's size as
/// the browser decodes it.
const RECORD_UPLOADS: &str = r#"
window.__uploads = [];
const send = window.fetch;
window.fetch = async function (input, init) {
  const req = input instanceof Request ? input.clone() : new Request(input, init);
  if (req.method === 'POST' && !(req.headers.get('content-type') || '').includes('json')) {
    const bytes = new Uint8Array(await req.arrayBuffer());
    const text = Array.from(bytes, b => String.fromCharCode(b)).join('');
    let width = null, height = null;
    try { const bmp = await createImageBitmap(new Blob([bytes])); width = bmp.width; height = bmp.height; } catch (e) {}
    window.__uploads.push({ url: req.url, size: bytes.length, jpeg: bytes[0] === 0xFF && bytes[1] === 0xD8,
      exif: text.includes('Exif'), cam: text.includes('TanguiTestCam'), width, height });
  }
  return send.apply(this, arguments);
};
"#;

pub async fn change_select(b: &Browser, css: &str, value: &str) {
    b.wait_for(css).await;
    b.js(&format!(
        "const s = document.querySelector('{css}'); s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    ))
    .await;
}

pub async fn upload(b: &Browser, kind: &str, path: &std::path::Path) {
    let input = b.wait_for(&format!("#file-{kind}")).await;
    input.send_keys(&path.display().to_string()).await.unwrap();
}

/// On the application form: a trade and the first three zones offered; returns their ids.
pub async fn choose_three_zones(b: &Browser) -> Vec<i64> {
    change_select(b, "#category", "cooked_food").await;
    for _ in 0..3 {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let v = loop {
            let first =
                b.js("const o = document.querySelectorAll('#add-zone option')[1]; return o ? o.value : null").await;
            if let Some(v) = first.as_str() {
                break v.to_string();
            }
            assert!(std::time::Instant::now() < deadline, "zones to choose from");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        change_select(b, "#add-zone", &v).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while b.client.find_all(Locator::Css("#preferences li")).await.unwrap().len() != 3 {
        assert!(std::time::Instant::now() < deadline, "three preferences");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.js("return Array.from(document.querySelectorAll('#preferences li')).map(l => Number(l.dataset.zoneId))")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

/// Opens the first case of the officer's queue: a card on a phone, a table row on a desk.
async fn open_first_case(b: &Browser) {
    b.goto("/review").await;
    b.wait_for("#case-count").await;
    let cards = b.js("return getComputedStyle(document.querySelector('#case-cards')).display !== 'none'").await;
    b.click(if cards == serde_json::Value::Bool(true) { "#case-cards a.case-link" } else { "#review-queue a" }).await;
}

/// The officer opens the first case of the queue and returns it for its health certificate.
pub async fn officer_returns_health_certificate(b: &Browser, officer: &str, why: &str) {
    b.sign_in(officer, "tangui-officer-2026").await;
    open_first_case(b).await;
    b.click("#decision-return").await;
    b.fill("#return-health_certificate", why).await;
    b.click("#decision-continue").await;
    b.wait_text("#decision-confirm", why).await;
    b.click("#confirm-decision").await;
    b.wait_text("main h1", "退回补正").await;
    b.sign_out().await;
}

/// The officer opens the first case of the queue and finds it eligible.
pub async fn officer_finds_eligible(b: &Browser, officer: &str) {
    b.sign_in(officer, "tangui-officer-2026").await;
    open_first_case(b).await;
    b.click("#decision-eligible").await;
    b.click("#decision-continue").await;
    b.click("#confirm-decision").await;
    b.wait_for("#decision-done").await;
    let h1 = b.wait_for("main h1").await.text().await.unwrap();
    assert!(!h1.contains("待审核"), "decided: {h1}");
    b.sign_out().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_review_draw_accept_and_occupied() {
    let Some(b) = Browser::start().await else { return };
    let dir = std::env::temp_dir().join(format!("tangui-e2e-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (id_card, health, health2) = (dir.join("身份证.jpg"), dir.join("health-old.pdf"), dir.join("health-new.pdf"));
    std::fs::write(&id_card, JPEG).unwrap();
    std::fs::write(&health, PDF).unwrap();
    std::fs::write(&health2, PDF).unwrap();

    // Vendor: three preferences, documents, submit.
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.click(".site-nav a[href='/apply']").await;
    let zone_ids = choose_three_zones(&b).await;
    // What leaves the phone is recorded as the page sends it.
    b.js(RECORD_UPLOADS).await;
    upload(&b, "id_card", &id_card).await;
    b.wait_text(".doc-row[data-kind='id_card']", "身份证.jpg").await;
    // The photo was drawn again on the phone: a JPEG, upright, without the camera's EXIF block
    // (its camera name and GPS position), before it was sent.
    let needle = |n: &[u8]| JPEG.windows(n.len()).any(|w| w == n);
    assert!(needle(b"Exif") && needle(b"TanguiTestCam"), "the fixture carries EXIF");
    let sent = b.js("return window.__uploads").await;
    let sent = sent.as_array().unwrap();
    assert_eq!(sent.len(), 1, "one upload: {sent:?}");
    assert!(sent[0]["url"].as_str().unwrap().contains("kind=id_card"));
    assert_eq!(
        (sent[0]["jpeg"].as_bool(), sent[0]["exif"].as_bool(), sent[0]["cam"].as_bool()),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(
        (sent[0]["width"].as_i64(), sent[0]["height"].as_i64()),
        (Some(48), Some(64)),
        "turned upright: {sent:?}"
    );
    // Submitting now lists what is missing, before anything is sent.
    b.click("#submit-application").await;
    b.wait_text(".doc-row[data-kind='health_certificate'] .field-errors", "健康证").await;
    upload(&b, "health_certificate", &health).await;
    b.wait_text(".doc-row[data-kind='health_certificate']", "health-old.pdf").await;
    b.click("#submit-application").await;
    b.wait_text("#application-status", "待审核").await;
    b.sign_out().await;

    // Officer of the first preference's district returns it for one item.
    let first_zone = zone_ids[0];
    let (district, codes) = b
        .state
        .db
        .run(move |c| {
            let z = backend::models::zone::Zone::find(c, first_zone)?;
            let mut codes = Vec::new();
            for id in &zone_ids {
                codes.push(backend::models::zone::Zone::find(c, *id)?.code);
            }
            Ok((z.district(), codes))
        })
        .await
        .unwrap();
    let officer = format!("{}_officer", district.abbr().to_lowercase());
    officer_returns_health_certificate(&b, &officer, "健康证已过期，请上传有效期内的健康证").await;

    // The vendor sees the item, uploads a new certificate, resubmits.
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.goto("/apply").await;
    b.wait_text("#return-items", "健康证已过期").await;
    upload(&b, "health_certificate", &health2).await;
    b.wait_text(".doc-row[data-kind='health_certificate']", "health-new.pdf").await;
    b.click("#submit-application").await;
    b.wait_text("#application-status", "待审核").await;
    b.sign_out().await;

    // The officer finds it eligible.
    officer_finds_eligible(&b, &officer).await;

    // The admin sets up a round over those zones, opens, closes, draws, confirms.
    b.sign_in("admin", "tangui-admin-2026").await;
    b.goto("/rounds/new").await;
    b.fill("#round-name", "2026年12月摊位摇号").await;
    b.fill("#outside-source", "摇号现场三名见证人各摇出的两位数号码，按摇出顺序以空格分隔").await;
    b.set_value("#notice", "0").await;
    for code in &codes {
        b.click(&format!(".zone-checklist input[data-code='{code}']")).await;
    }
    b.click("#create-round").await;
    b.click("#open-round").await;
    b.wait_for("#close-round").await;
    // The verification material sits in a disclosure below the results.
    b.js("document.querySelector('#verification').open = true; return true;").await;
    b.wait_text("#seed-commitment", "").await;
    let commitment = b.wait_for("#seed-commitment").await.text().await.unwrap();
    assert_eq!(commitment.len(), 64, "commitment published: {commitment}");
    b.click("#close-round").await;
    b.wait_for("#draw-round").await;
    b.js("document.querySelector('#verification').open = true; return true;").await;
    let fingerprint = b.wait_for("#fingerprint").await.text().await.unwrap();
    assert_eq!(fingerprint.len(), 64);
    // The draw needs the outside value the round named; without it, the field says so.
    b.click("#draw-round").await;
    b.wait_text("#outside-value-error", "外部随机数").await;
    b.fill("#outside-value", "07 31 58").await;
    b.click("#draw-round").await;
    b.wait_for("#confirm-round").await;
    b.wait_text("#outside-value-drawn", "07 31 58").await;
    b.js("document.querySelector('#verification').open = true; return true;").await;
    let seed = b.wait_for("#seed").await.text().await.unwrap();
    assert_eq!(common::allocation::commitment(&seed).unwrap(), commitment, "the revealed seed matches");
    // The public results name draw numbers only.
    let round_id: i64 = b.path().await.rsplit('/').next().unwrap().parse().unwrap();
    b.wait_text("#round-results", &format!("R{round_id}-")).await;
    let results = b.wait_for("#round-results").await.text().await.unwrap();
    assert!(!results.contains("陈") && !results.contains('*'), "no names: {results}");
    b.click("#confirm-round").await;
    b.wait_text("#round-actions", "结果已确认").await;
    let round_path = b.path().await;
    b.sign_out().await;

    // On a phone, the vendor finds their draw number on their application and follows it to
    // their line and result on the round page, then accepts the stall; it shows occupied.
    b.client.set_window_size(390, 844).await.unwrap();
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.goto("/apply").await;
    let number = b.wait_for("#draw-number").await.text().await.unwrap();
    assert_eq!(number, format!("R{round_id}-00001"), "one applicant, number 1");
    b.click("#draw-number-line a").await;
    let answer = b.wait_text("#my-result-answer", "已摇中摊位").await;
    assert!(answer.contains(&number) && answer.contains("小吃餐饮"), "{answer}");
    let placed = b.js("return document.querySelector('#my-result-answer').dataset.outcome").await;
    assert_eq!(placed, "placed", "{answer}");
    assert!(b.path().await.starts_with(&round_path));
    // A number that is not in this draw says so, not an empty page.
    b.fill("#my-number", &format!("R{round_id}-99999")).await;
    b.click("#find-my-result").await;
    b.wait_text("#my-result-answer", "没有这个编号").await;
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the round page fits a phone");
    b.client.set_window_size(1200, 900).await.unwrap();
    b.goto("/apply").await;
    b.wait_for("#offer").await;
    let stall_no =
        b.js("return document.querySelector('#offer strong').textContent").await.as_str().unwrap().to_string();
    b.click("#accept-offer").await;
    b.wait_text("#your-stall", &stall_no).await;
    b.click("#your-stall a").await;
    b.wait_for("#stall-grid").await;
    let state = b
        .js(&format!("const s = Array.from(document.querySelectorAll('#stall-grid .stall')).find(x => x.querySelector('.no').textContent === '{stall_no}'); return s.dataset.state"))
        .await;
    assert_eq!(state, "occupied");
    let _ = std::fs::remove_dir_all(&dir);
    b.finish().await;
}

/// A citizen re-runs a city-scale draw (21,300 applicants, 6,145 stalls) in their phone's
/// browser: the page downloads the record, re-runs `common::allocation` in WebAssembly with a
/// progress bar and says "match"; a record file with one changed line says "mismatch" and where.
#[tokio::test]
async fn a_citizen_re_runs_a_city_scale_draw_on_a_phone() {
    let Some(b) = Browser::start().await else { return };
    support::eligible_applicants(&b.state, 21_300).await;
    let (admin, input) = support::city_round(&b.state, "全市摊位摇号（复核演示）").await;
    let round = backend::services::rounds::create(&b.state, &admin, input).await.unwrap();
    backend::services::rounds::open(&b.state, &admin, round.id).await.unwrap();
    backend::services::rounds::close(&b.state, &admin, round.id).await.unwrap();
    let value = common::dto::rounds::DrawInput { outside_value: "07 31 58".into() };
    let drawn =
        backend::services::rounds::draw(&b.state, &admin, round.id, value, b.state.draws.clone()).await.unwrap();
    assert_eq!(drawn.results.len(), 21_300);

    b.client.set_window_size(390, 844).await.unwrap();
    b.goto(&format!("/rounds/{}", round.id)).await;
    b.wait_for("#verify-draw").await;
    b.js("document.querySelector('#draw-check').scrollIntoView(); return 1").await;
    b.click("#verify-draw").await;
    // The progress bar is there while it runs, and every step ends ticked.
    b.wait_for("#draw-check-progress").await;
    let result = b
        .client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("#draw-check-result"))
        .await
        .expect("the re-run ends");
    let outcome = result.attr("data-outcome").await.unwrap().unwrap_or_default();
    let text = result.text().await.unwrap();
    assert_eq!(outcome, "match", "{text}");
    assert!(text.contains("一致"), "{text}");
    let ms: f64 = result.attr("data-ms").await.unwrap().unwrap_or_default().parse().unwrap();
    let passed = b.js("return document.querySelectorAll('#draw-check-steps li[data-state=passed]').length").await;
    assert_eq!(passed, 5);
    let now = b.js("return document.querySelector('#draw-check-progress').getAttribute('aria-valuenow')").await;
    assert_eq!(now, "5");
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the check fits a phone");

    // Read by `cargo xtask bench-verify-draw` for `xtask/bench/results/draw-verify.md`.
    support::write_summary(
        "browser_verify",
        serde_json::json!({ "applicants": 21_300, "stalls": drawn.stalls, "ms": ms }),
    );
    eprintln!("browser re-run of a 21,300-applicant draw: {ms:.0} ms");

    // A record with one changed line: an applicant moved from the waiting list to a stall that
    // someone else was given. The page says which check fails.
    let record = b
        .state
        .db
        .run({
            let id = round.id;
            move |c| Ok(backend::services::rounds::Round::find(c, id)?.record().unwrap())
        })
        .await
        .unwrap();
    let mut forged = record.clone();
    forged.result.assignments[0].id = forged.result.waitlist[0];
    let file = std::env::temp_dir().join(format!("tangui-forged-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&forged.to_public_json()).unwrap()).unwrap();
    let input = b.client.find(Locator::Css("#verify-file")).await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    let result = b.wait_text("#draw-check-result", "不一致").await;
    let failed = b.js("return document.querySelector('#draw-check-steps li[data-state=failed]').textContent").await;
    let failed = failed.as_str().unwrap_or_default().to_string();
    assert!(failed.contains("重新摇号的结果") && failed.contains("Assignment 1 differs"), "{result} / {failed}");
    let _ = std::fs::remove_file(&file);
    b.finish().await;
}

//! The whole path of a stall: a vendor applies with three preferences and an upload, an officer
//! returns it for one item, the vendor fixes it, the officer finds it eligible, an admin opens,
//! closes and draws a round, the vendor accepts the offered stall, and the stall shows occupied.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::Browser;

/// A real photo (the server decodes every photo and writes it again).
pub const JPEG: &[u8] = include_bytes!("../fixtures/photo-with-gps.jpg");
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF";

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
    upload(&b, "id_card", &id_card).await;
    b.wait_text(".doc-row[data-kind='id_card']", "身份证.jpg").await;
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
    b.click("#draw-round").await;
    b.wait_for("#confirm-round").await;
    b.js("document.querySelector('#verification').open = true; return true;").await;
    let seed = b.wait_for("#seed").await.text().await.unwrap();
    assert_eq!(common::allocation::commitment(&seed).unwrap(), commitment, "the revealed seed matches");
    b.wait_text("#round-results", "陈*英").await;
    b.click("#confirm-round").await;
    b.wait_text("#round-actions", "结果已确认").await;
    let round_path = b.path().await;
    b.sign_out().await;

    // On a phone, the vendor looks up their own result on the round page by their application
    // number, then accepts the stall; the stall shows occupied.
    b.client.set_window_size(390, 844).await.unwrap();
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.goto("/apply").await;
    let number = b.wait_for("#application-number").await.text().await.unwrap();
    assert!(number.starts_with('S'), "{number}");
    b.goto(&round_path).await;
    b.fill("#my-application", &number).await;
    b.click("#find-my-result").await;
    let answer = b.wait_text("#my-result-answer", "已摇中摊位").await;
    let placed = b.js("return document.querySelector('#my-result-answer').dataset.outcome").await;
    assert_eq!(placed, "placed", "{answer}");
    // A number that is not in this draw says so, not an empty page.
    b.fill("#my-application", "S999999").await;
    b.click("#find-my-result").await;
    b.wait_text("#my-result-answer", "没有这个申请编号").await;
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

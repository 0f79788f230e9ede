//! Every route of the app, as the person who uses it, on a 390 px phone and a 1280 px desk, in
//! Chinese and in English. A page fails when it scrolls sideways, when it shows an internal rule
//! id or a file path, or (in English) when a string of the Chinese UI table is left on it. A
//! screenshot of each is saved so a person can look through them all.

use std::path::PathBuf;
use std::time::Duration;

use crate::harness::Browser;

/// A real photo (the server decodes every photo and writes it again).
const JPEG: &[u8] = include_bytes!("../fixtures/photo-with-gps.jpg");
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF";

/// The Chinese side of the UI string table, read from its source (`Key => "zh", "en";`), keeping
/// only strings with Chinese in them that differ from their English.
fn zh_table() -> Vec<String> {
    let src = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/src/i18n/table.rs"))
        .expect("the UI string table");
    let mut out = Vec::new();
    for line in src.lines() {
        let Some((_, rest)) = line.split_once("=> \"") else { continue };
        let Some((zh, rest)) = rest.split_once("\", \"") else { continue };
        let en = rest.trim_end().trim_end_matches(';').trim_end_matches('"');
        let has_cjk = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        if has_cjk && zh != en {
            out.push(zh.replace("\\\"", "\""));
        }
    }
    assert!(out.len() > 200, "read {} strings from the table", out.len());
    out
}

/// Checks the page as it stands; returns one line per problem.
const CHECK: &str = r#"
const zh = arguments[0];
const out = [];
const iw = window.innerWidth, sw = document.documentElement.scrollWidth;
if (sw > iw) {
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > iw + 1)
    .filter(e => !(e.parentElement && e.parentElement.closest('.table-wrap, .tabs')))
    .slice(-3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''));
  out.push(`scrolls sideways: ${sw} px wide in ${iw} px (${wide.join(', ')})`);
}
const text = document.body.innerText;
const rule = text.match(/\b(?:CS|OP|V)-[A-Z]{2,}(?:-[A-Z]+)*\b|\bA-(?:CROSS-STORE|OUTDOOR-PROMO)\b/);
if (rule) out.push(`internal rule id on screen: ${rule[0]}`);
const path = text.match(/(?:[\w.-]+\/)+[\w.-]+\.(?:rs|toml|geojson|md)\b|\bassets\/[\w.\/-]+|\bsrc\/[\w.\/-]+/);
if (path) out.push(`file path on screen: ${path[0]}`);
if (zh.length) {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !el.getClientRects().length || el.closest('script, style, .lang-switch')) continue;
    // Text quoted as it was sent (a text message in its reader's language) is marked so.
    if (el.closest('body [lang^="zh"]')) continue;
    const t = n.nodeValue.trim();
    if (!t) continue;
    const hit = zh.find(z => t === z || (z.length >= 5 && t.includes(z)));
    if (hit && !seen.has(hit)) { seen.add(hit); out.push(`Chinese UI text in English: "${hit}" in <${el.tagName.toLowerCase()}>`); }
  }
}
return out;
"#;

struct Page {
    path: String,
    /// Shows the page's own content has arrived.
    ready: &'static str,
    name: &'static str,
}

fn page(path: impl Into<String>, ready: &'static str, name: &'static str) -> Page {
    Page { path: path.into(), ready, name }
}

/// Cases for the pages that show one: an application waiting for review, a filing waiting for
/// review, a report, a round and a stall permit.
struct Cases {
    application: i64,
    filing: i64,
    complaint: i64,
    complaint_token: String,
    round: i64,
    permit: i64,
    code: String,
    zone: i64,
}

async fn make_cases(b: &Browser) -> Cases {
    use backend::services::{applications, complaints, filings, rounds};
    use common::application::{DocKind, StallApplicationInput};
    use common::dto::applications::SaveApplication;
    let state = &b.state;
    let vendor = b.actor("13800000001").await;
    let shop = b.actor("13900000001").await;
    let admin = b.actor("admin").await;

    // A 思明 zone with a free stall, and the first trade it allows.
    let (zone_id, category, address, restricted) = state
        .db
        .run(|c| {
            use backend::db::schema::{stalls, street_segments, zones};
            use diesel::prelude::*;
            let z: backend::models::zone::Zone = zones::table
                .filter(zones::district_code.eq("350203").and(zones::status.eq("active")))
                .filter(zones::id.eq_any(stalls::table.filter(stalls::state.eq("free")).select(stalls::zone_id)))
                .order(zones::id)
                .first(c)?;
            let seg: i64 = street_segments::table
                .filter(street_segments::zone_class.eq("restricted").and(street_segments::district_code.eq("350203")))
                .select(street_segments::id)
                .first(c)?;
            Ok((z.id, z.categories()[0], z.address.clone(), seg))
        })
        .await
        .unwrap();
    let input = StallApplicationInput { category: Some(category), preferences: vec![zone_id], ..Default::default() };
    let a = applications::save(state, &vendor, None, SaveApplication { version: None, input }).await.unwrap();
    for kind in a.required_documents.clone() {
        let (name, bytes) = if kind == DocKind::IdCard { ("id.jpg", JPEG) } else { ("doc.pdf", PDF) };
        applications::upload(state, &vendor, a.id, kind, name.into(), bytes::Bytes::from_static(bytes)).await.unwrap();
    }
    applications::submit(state, &vendor, a.id).await.unwrap();

    let filing: common::policy::PolicyApplication = serde_json::from_value(serde_json::json!({
        "kind": "cross_store", "segment_id": restricted, "shop_name": "阿嬷沙茶面", "address": "思明区莲前东路 12 号",
        "trade": "catering", "frontage_m": 4.0, "depth_m": 0.8,
        "windows": [{ "start": "18:00:00", "end": "22:00:00" }],
        "starts_on": (common::time::xiamen_today() + chrono::Duration::days(2)).to_string(),
        "ends_on": (common::time::xiamen_today() + chrono::Duration::days(90)).to_string(), "frontage_duties": true
    }))
    .unwrap();
    let f = filings::submit(state, &shop, filing, None).await.unwrap();

    let receipt = complaints::create(
        state,
        None,
        serde_json::from_value(serde_json::json!({
            "service_code": "blocking", "description": "摊位占用盲道，轮椅过不去", "zone_id": zone_id, "address": address
        }))
        .unwrap(),
        None,
    )
    .await
    .unwrap();

    let now = common::time::xiamen_now();
    let round = rounds::create(
        state,
        &admin,
        serde_json::from_value(serde_json::json!({
            "name": "2027 年第一批", "zone_ids": [zone_id],
            "opens_at": (now + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M:%S").to_string(),
            "closes_at": (now + chrono::Duration::days(15)).format("%Y-%m-%dT%H:%M:%S").to_string(),
            "outside_source": "摇号现场三名见证人各摇出的两位数号码", "reserved_percent": 20, "notice_days": 5, "offer_days": 5
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let (permit, code) = b.grant_stall("13800000001", "350203").await;
    Cases {
        application: a.id,
        filing: f.id,
        complaint: receipt.id,
        complaint_token: receipt.token,
        round: round.id,
        permit,
        code,
        zone: zone_id,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_a_desk_in_both_languages() {
    let Some(b) = Browser::start().await else { return };
    let c = make_cases(&b).await;
    let zh = zh_table();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screens");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();

    let public = vec![
        page("/", ".map-svg .zone-marker", "home"),
        page("/?view=list", "#zone-list li", "home-list"),
        page(format!("/zones/{}", c.zone), "#stall-grid .stall", "zone"),
        page("/self-check", "#self-check-question", "self-check"),
        page(format!("/verify/{}", c.code), "#verify-result[data-status]", "verify"),
        page(format!("/report?permit={}", c.code), "#report-form", "report"),
        page(format!("/complaints/{}", c.complaint_token), "main h1", "complaint-status"),
        page("/rounds", "main h1", "rounds"),
        page("/transparency", "#audit-heads, #heads-none", "transparency"),
        page("/data", "#chart-permits .month", "open-data"),
        page(format!("/rounds/{}", c.round), ".round-page h1", "round"),
        page("/login", "#login", "login"),
        page("/register", "#real_name", "register"),
        page("/reset", "#send-code", "reset"),
        page("/takeover", "#takeover_code", "takeover"),
        page("/no-such-page", "main h1", "not-found"),
    ];
    let vendor = vec![
        page("/apply", "#application-status, #category", "apply"),
        page("/permits", ".permit-list", "permits"),
        page(format!("/permits/{}", c.permit), ".points-now", "permit"),
        page("/inbox", "main h1", "inbox"),
        page("/account", "main h1", "account"),
    ];
    let shop = vec![
        page("/filings", ".filing-list", "filings"),
        page(format!("/filings/{}", c.filing), "#case-summary", "filing"),
        page("/file/cross-store", "#cross-store-form", "file-cross-store"),
        page("/file/outdoor-promo", "main form", "file-outdoor-promo"),
    ];
    let officer = vec![
        page("/review", "#case-cards, #queue-empty", "workbench"),
        page(format!("/review/{}", c.application), "#case-summary", "review-application"),
        page(format!("/filings/{}", c.filing), "#decision", "review-filing"),
        page(format!("/review/complaints/{}", c.complaint), "main h1", "review-complaint"),
        page("/inspect", "#inspection-form", "inspect"),
        page(format!("/inspect?permit={}", c.permit), "#permit-card", "inspect-permit"),
        page("/dashboard", "#dash-occupancy_by_district svg", "dashboard"),
        page("/admin/outbox", "#outbox-filter", "outbox"),
        page("/counter", "#assist-form", "counter"),
    ];
    let admin = vec![
        page("/review", "#case-cards, #queue-empty", "admin-workbench"),
        page("/admin/zones", "#admin-zones", "admin-zones"),
        page("/admin/zones/new", "main form", "admin-zone-new"),
        page("/admin/zones/import", "main h1", "admin-zone-import"),
        page(format!("/admin/zones/{}/edit", c.zone), "main form", "admin-zone-edit"),
        page("/admin/policy", "main h1", "admin-policy"),
        page("/admin/segments", "main h1", "admin-segments"),
        page("/admin/users", "#users-table", "admin-users"),
        page("/admin/calendar", "#calendar-days", "admin-calendar"),
        page("/admin/outbox", "#outbox-filter", "admin-outbox"),
        page("/rounds/new", "main form", "round-new"),
        page(format!("/rounds/{}", c.round), "#round-actions", "admin-round"),
        page("/dashboard", "#dash-occupancy_by_district svg", "admin-dashboard"),
    ];
    let people: [(&str, Option<(&str, &str)>, &Vec<Page>); 5] = [
        ("public", None, &public),
        ("vendor", Some(("13800000001", "tangui-vendor-2026")), &vendor),
        ("shop", Some(("13900000001", "tangui-shop-2026")), &shop),
        ("officer", Some(("sm_officer", "tangui-officer-2026")), &officer),
        ("admin", Some(("admin", "tangui-admin-2026")), &admin),
    ];

    let mut problems = Vec::new();
    let mut saved = 0;
    for (lang, width, height) in [("zh", 390, 844), ("zh", 1280, 900), ("en", 390, 844), ("en", 1280, 900)] {
        b.client.set_window_size(width, height).await.unwrap();
        b.goto("/").await;
        b.wait_for(".map-svg").await;
        b.js(&format!("localStorage.setItem('tangui.lang', JSON.stringify('{lang}')); return true;")).await;
        let table: Vec<String> = if lang == "en" { zh.clone() } else { Vec::new() };
        for (who, login, pages) in people {
            if let Some((user, password)) = login {
                b.sign_in(user, password).await;
            }
            for p in pages.iter() {
                b.goto(&p.path).await;
                b.wait_for(p.ready).await;
                // Let late answers (lists, charts) and the layout settle.
                let deadline = std::time::Instant::now() + Duration::from_secs(5);
                while b.js("return document.querySelectorAll('main [aria-busy=true]').length").await != 0
                    && std::time::Instant::now() < deadline
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
                let found = b.client.execute(CHECK, vec![serde_json::json!(table)]).await.unwrap();
                for f in found.as_array().into_iter().flatten() {
                    problems.push(format!("[{lang} {width}px {who} {}] {}", p.path, f.as_str().unwrap_or_default()));
                }
                // The whole page, not just the first screen: a person looks through these.
                let full =
                    b.js("return Math.min(document.documentElement.scrollHeight, 5000)").await.as_u64().unwrap_or(0)
                        as u32;
                if full > height {
                    b.client.set_window_size(width, full).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                let shot = b.client.screenshot().await;
                if full > height {
                    b.client.set_window_size(width, height).await.unwrap();
                }
                if let Ok(png) = shot {
                    std::fs::write(shots.join(format!("{lang}-{width}-{who}-{}.png", p.name)), png).unwrap();
                    saved += 1;
                }
            }
            if login.is_some() {
                b.sign_out().await;
            }
        }
    }
    eprintln!("{saved} screenshots in {}", shots.display());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    b.finish().await;
}

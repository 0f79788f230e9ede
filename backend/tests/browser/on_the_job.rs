//! On a phone, as people use it on the job: the public map after one tap on 地图; an officer who
//! opens a filing from the workbench, sees the shop, its address and the drawn area, refuses
//! without a reason (and is told at the field), then returns it with a reason after confirming;
//! an officer who types a permit's code on site and sees the permit.

use std::time::Duration;

use crate::harness::Browser;

const PHONE: (u32, u32) = (390, 844);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tap_on_map_shows_the_markers_inside_the_frame_on_a_phone() {
    let Some(b) = Browser::start().await else { return };
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    // The list first (as a shared link or the toggle leaves it), then one tap on 地图.
    b.goto("/?view=list").await;
    b.wait_for("#zone-list .zone-item").await;
    b.click("#view-map").await;
    b.wait_for(".map-pane .zone-marker").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let check = b
        .js("const svg = document.querySelector('.map-svg').getBoundingClientRect();
             const ms = [...document.querySelectorAll('.zone-marker')].map(m => m.getBoundingClientRect());
             const inside = ms.filter(r => r.left >= svg.left - 1 && r.right <= svg.right + 1 && r.top >= svg.top - 1 && r.bottom <= svg.bottom + 1);
             return { svgW: svg.width, svgH: svg.height, markers: ms.length, inside: inside.length,
                      biggest: Math.max(...ms.map(r => Math.max(r.width, r.height))),
                      mapShown: getComputedStyle(document.querySelector('.map-pane')).display !== 'none',
                      url: location.search };")
        .await;
    let n = |k: &str| check[k].as_f64().unwrap_or(0.0);
    assert_eq!(check["mapShown"], true, "{check}");
    assert!(n("svgW") > 300.0 && n("svgH") > 250.0, "the map fills the phone's width: {check}");
    assert_eq!(n("markers"), 150.0, "{check}");
    // The city's zones are on screen, not one green disc covering the frame.
    assert!(n("inside") >= 140.0, "markers inside the frame: {check}");
    assert!(n("biggest") < 40.0, "markers stay marker-sized: {check}");
    assert_eq!(check["url"], "", "map is the default view, kept in the URL: {check}");
    b.finish().await;
}

/// A shop's filing on a restricted 思明 street with the area drawn beside it; returns its id.
async fn drawn_filing(b: &Browser) -> i64 {
    let shop = b.actor("13900000001").await;
    let (seg_id, line) = b
        .state
        .db
        .run(|c| {
            use backend::db::schema::street_segments as seg;
            use diesel::prelude::*;
            let s: backend::models::segment::Segment = seg::table
                .filter(seg::zone_class.eq("restricted").and(seg::district_code.eq("350203")))
                .order(seg::id)
                .first(c)?;
            Ok((s.id, s.line()))
        })
        .await
        .unwrap();
    let (a, z) = (line[0], line[1]);
    let mid = [(a[0] + z[0]) / 2.0, (a[1] + z[1]) / 2.0];
    let bearing = ((z[0] - a[0]) * mid[1].to_radians().cos()).atan2(z[1] - a[1]).to_degrees();
    let area = common::geo::rectangle_polygon(mid, 4.0, 0.8, bearing);
    let today = common::time::xiamen_today();
    let filing: common::policy::PolicyApplication = serde_json::from_value(serde_json::json!({
        "kind": "cross_store", "segment_id": seg_id, "shop_name": "阿嬷沙茶面", "address": "思明区莲前东路 12 号",
        "trade": "catering", "frontage_m": 4.0, "depth_m": 0.8, "area": area,
        "windows": [{ "start": "18:00:00", "end": "22:00:00" }],
        "starts_on": (today + chrono::Duration::days(2)).to_string(),
        "ends_on": (today + chrono::Duration::days(90)).to_string(), "frontage_duties": true
    }))
    .unwrap();
    let f = backend::services::filings::submit(&b.state, &shop, filing, None).await.unwrap();
    assert_eq!(f.status, "pending_review");
    f.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_decides_a_filing_on_a_phone_seeing_the_case_and_confirming() {
    let Some(b) = Browser::start().await else { return };
    let id = drawn_filing(&b).await;
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    // Signed in, the officer lands on the workbench, where the filing waits as a card.
    b.wait_path("/review").await;
    let card = format!("#case-cards li[data-kind='cross_store'][data-id='{id}']");
    b.wait_text(&card, "阿嬷沙茶面").await;
    let needs = b.wait_for(&format!("{card} .attention")).await.text().await.unwrap();
    assert!(needs.contains("路段分类") && !needs.contains("CS-"), "plain words: {needs}");
    b.click(&format!("{card} a")).await;

    // The case: shop, address and the drawn area on the map.
    b.wait_text("#case-summary", "阿嬷沙茶面").await;
    b.wait_text("#case-summary", "思明区莲前东路 12 号").await;
    b.wait_text("#case-summary", "≈").await;
    b.wait_for("#case-map .drawn-area").await;
    let drawn = b
        .js("const r = document.querySelector('#case-map .drawn-area').getBoundingClientRect();
             const m = document.querySelector('#case-map .map-svg').getBoundingClientRect();
             return { w: r.width, h: r.height, inside: r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom,
                      view: document.querySelector('#case-map .map-svg').getAttribute('viewBox'), zoom: document.querySelector('#case-map .map-svg').dataset.zoom };")
        .await;
    assert!(
        drawn["w"].as_f64().unwrap() > 8.0 && drawn["h"].as_f64().unwrap() > 2.0 && drawn["inside"] == true,
        "the drawn area is visible on the map: {drawn}"
    );
    // The back link names the workbench.
    b.wait_text(".back-link", "审核工作台").await;

    // 不同意 without a reason: nothing is sent; the error is at the field and in the summary.
    b.click("#decision-reject").await;
    b.click("#decision-continue").await;
    b.wait_text("#decision-reason-error", "请填写").await;
    b.wait_for("#error-summary a[href='#decision-reason']").await;
    let invalid = b.js("return document.querySelector('#decision-reason').getAttribute('aria-invalid')").await;
    assert_eq!(invalid, "true");
    assert_eq!(b.texts("#decision-confirm").await.len(), 0, "no confirmation while the form is wrong");
    // The summary link takes the keyboard to the field.
    b.click("#error-summary a").await;
    let focused = b.js("return document.activeElement.id").await;
    assert_eq!(focused, "decision-reason");

    // 退回补正 with a reason, checked on a confirmation step, then sent.
    b.click("#decision-return").await;
    b.fill("#decision-reason", "请在平面图上标明桌椅位置\n晚市时段与地面标线不一致").await;
    b.click("#decision-continue").await;
    b.wait_text("#decision-confirm", "退回补正").await;
    b.wait_text("#decision-confirm-reason", "请在平面图上标明桌椅位置").await;
    b.click("#confirm-decision").await;
    b.wait_for("#decision-done").await;
    b.wait_text(".filing-status", "退回补正").await;
    // The next case or the news that there is none; no revoke button where the decision was.
    b.wait_for("#next-case").await;
    assert_eq!(b.texts("#revoke-section").await.len(), 0);
    let items: Vec<String> = b
        .state
        .db
        .run(move |c| {
            use backend::db::schema::shop_filings as sf;
            use diesel::prelude::*;
            Ok(sf::table.find(id).select(sf::return_items).first::<String>(c)?)
        })
        .await
        .map(|s| vec![s])
        .unwrap();
    assert!(items[0].contains("请在平面图上标明桌椅位置") && items[0].contains("晚市时段"), "{items:?}");
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the case page fits a phone");
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_types_a_permit_code_on_site_and_sees_the_permit() {
    let Some(b) = Browser::start().await else { return };
    let (_, code) = b.grant_stall("13800000001", "350203").await;
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto("/inspect").await;
    // A wrong code is answered at the field.
    b.fill("#permit-code", "ABCDEFGHJKLMNPQRSTUV").await;
    b.click("#find-permit").await;
    b.wait_text("#permit-code-error", "没有找到").await;
    // The real one, typed in lower case as people do, shows the permit card.
    b.fill("#permit-code", &code.to_lowercase()).await;
    b.wait_for("#permit-card").await;
    b.wait_for("#permit-holder").await;
    let card = b.wait_for("#permit-card").await.text().await.unwrap();
    assert!(card.contains("有效") && card.contains("0 / 12"), "{card}");
    // A breach ticks off its checklist item: the two can never disagree.
    b.click("#violation-V-PATHS").await;
    let ok = b.js("const c = document.querySelector('#check-clear-paths'); return [c.checked, c.disabled];").await;
    assert_eq!(ok, serde_json::json!([false, true]));
    b.click("#submit-inspection").await;
    b.wait_text("#inspection-result", "6").await;
    b.finish().await;
}

//! A vendor who never opens a page unprompted is told at each step, on a phone, with texts going
//! through a real Kannel: the receipt, the return with the item to fix (seen in the inbox, with
//! the text's delivery state), the draw result and the offer with its deadline, which the vendor
//! accepts from the page the notice links to.

use std::time::{Duration, Instant};

use common::dto::rounds::RoundInput;

use crate::allocation::{
    JPEG, PDF, choose_three_zones, officer_finds_eligible, officer_returns_health_certificate, upload,
};
use crate::harness::Browser;

const PHONE: (u32, u32) = (390, 844);
const VENDOR: &str = "13800000001";

/// Waits until every text of `kind` to the vendor has the gateway's delivery report.
async fn delivered(b: &Browser, kind: &'static str) {
    use backend::db::schema::{notifications as n, outbox as o, users};
    use diesel::prelude::*;
    let deadline = Instant::now() + Duration::from_secs(30);
    let vendor = b.login_key(VENDOR);
    loop {
        let vendor = vendor.clone();
        let states: Vec<String> = b
            .state
            .db
            .run(move |c| {
                Ok(o::table
                    .inner_join(n::table.inner_join(users::table.on(users::id.eq(n::user_id))))
                    .filter(n::kind.eq(kind).and(users::login.eq(vendor)))
                    .select(o::status)
                    .load(c)?)
            })
            .await
            .unwrap();
        if !states.is_empty() && states.iter().all(|s| s == "delivered") {
            return;
        }
        assert!(Instant::now() < deadline, "{kind} texts not delivered: {states:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn fits(b: &Browser, page: &str) {
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "{page} fits a phone");
}

/// The header's unread count once `settled` holds for it (marking read and recounting are two
/// requests), or what it shows after ten seconds.
async fn unread_when(b: &Browser, settled: impl Fn(i64) -> bool) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = b.js("const c = document.querySelector('#bar-unread'); return c ? parseInt(c.textContent) : 0").await;
        let n = n.as_i64().unwrap_or(0);
        if settled(n) || Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn unread_in_bar(b: &Browser) -> i64 {
    unread_when(b, |n| n > 0).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_is_told_at_every_step_and_takes_the_stall_on_a_phone() {
    let Some(b) = Browser::start_with_gateway().await else { return };
    let dir = std::env::temp_dir().join(format!("tangui-e2e-notices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (id_card, health, health2) = (dir.join("身份证.jpg"), dir.join("健康证.pdf"), dir.join("新健康证.pdf"));
    std::fs::write(&id_card, JPEG).unwrap();
    std::fs::write(&health, PDF).unwrap();
    std::fs::write(&health2, PDF).unwrap();
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    // The vendor applies on a phone; the receipt arrives as a text with the case number.
    b.sign_in(VENDOR, "tangui-vendor-2026").await;
    b.goto("/apply").await;
    let zone_ids = choose_three_zones(&b).await;
    upload(&b, "id_card", &id_card).await;
    upload(&b, "health_certificate", &health).await;
    b.wait_text(".doc-row[data-kind='health_certificate']", "健康证.pdf").await;
    b.click("#submit-application").await;
    b.wait_text("#application-status", "待审核").await;
    let number = b.wait_for("#application-number").await.text().await.unwrap();
    let kannel = b.kannel.as_ref().unwrap();
    let got = kannel.wait_received(1).await;
    assert!(got.iter().any(|m| m.to == VENDOR && m.text.contains(&number)), "receipt text with {number}: {got:?}");
    b.sign_out().await;

    let first_zone = zone_ids[0];
    let district =
        b.state.db.run(move |c| Ok(backend::models::zone::Zone::find(c, first_zone)?.district())).await.unwrap();
    let officer = format!("{}_officer", district.abbr().to_lowercase());
    officer_returns_health_certificate(&b, &officer, "健康证已过期，请上传有效期内的健康证").await;
    delivered(&b, "application.returned").await;

    // Signed in again, the header counts the unread notices even with the menu folded; the
    // inbox holds the return with the item to fix, and says the text reached the phone.
    b.sign_in(VENDOR, "tangui-vendor-2026").await;
    let before = unread_in_bar(&b).await;
    assert!(before >= 2, "receipt and return unread: {before}");
    b.click(".inbox-link").await;
    let returned = "#inbox li[data-kind='application.returned']";
    b.wait_text(returned, "健康证已过期").await;
    b.wait_text(&format!("{returned} [data-sms='delivered']"), "短信已送达").await;
    fits(&b, "the inbox").await;
    // Opening the notice goes to the application, and the count drops.
    b.click(&format!("{returned} a")).await;
    b.wait_path("/apply").await;
    b.wait_text("#return-items", "健康证已过期").await;
    assert_eq!(unread_when(&b, |n| n == before - 1).await, before - 1, "one notice read");
    // The case lists what was sent and what became of each text.
    b.wait_text("#case-notices li[data-kind='application.returned']", "短信已送达").await;
    upload(&b, "health_certificate", &health2).await;
    b.wait_text(".doc-row[data-kind='health_certificate']", "新健康证.pdf").await;
    b.click("#submit-application").await;
    b.wait_text("#application-status", "待审核").await;
    b.sign_out().await;

    officer_finds_eligible(&b, &officer).await;

    // The city draws a round over those zones and confirms it (the admin's pages have their own
    // journey); the vendor is placed, and the offer goes out as a text with the deadline.
    let admin = b.actor("admin").await;
    let now = backend::clock::now();
    let input = RoundInput {
        name: "2026年12月摊位摇号".into(),
        zone_ids,
        opens_at: now,
        closes_at: now + chrono::Duration::days(7),
        reserved_percent: 0,
        notice_days: 0,
        offer_days: 5,
        outside_source: "摇号现场三名见证人各摇出的两位数号码".into(),
    };
    let round = backend::services::rounds::create(&b.state, &admin, input).await.unwrap();
    backend::services::rounds::open(&b.state, &admin, round.id).await.unwrap();
    backend::services::rounds::close(&b.state, &admin, round.id).await.unwrap();
    backend::services::rounds::draw(
        &b.state,
        &admin,
        round.id,
        common::dto::rounds::DrawInput { outside_value: "07 31 58".into() },
        b.state.draws.clone(),
    )
    .await
    .unwrap();
    backend::services::rounds::confirm(&b.state, &admin, round.id).await.unwrap();
    delivered(&b, "offer.made").await;
    let offer_text = kannel
        .received()
        .into_iter()
        .find(|m| m.to == VENDOR && m.text.contains("请在"))
        .unwrap_or_else(|| panic!("no offer text: {:?}", kannel.received()));

    // The vendor opens the offer from the inbox: zone, stall and deadline, and accepts.
    b.sign_in(VENDOR, "tangui-vendor-2026").await;
    b.click(".inbox-link").await;
    let offer = "#inbox li[data-kind='offer.made']";
    b.wait_text(&format!("{offer} [data-sms='delivered']"), "短信已送达").await;
    let notice = b.wait_for(offer).await.text().await.unwrap();
    b.click(&format!("{offer} a")).await;
    b.wait_path("/apply").await;
    let card = b.wait_text("#offer", "请在此时间前确认").await;
    let stall_no =
        b.js("return document.querySelector('#offer strong').textContent").await.as_str().unwrap().to_string();
    // The page, the inbox and the text give the same stall and the same deadline.
    let by = b.js("return document.querySelector('#offer .muted').textContent").await.as_str().unwrap().to_string();
    let by =
        chrono::NaiveDateTime::parse_from_str(by.rsplit_once("确认：").unwrap().1.trim(), "%Y-%m-%d %H:%M").unwrap();
    let by_sms = by.format("%-m月%-d日%H:%M").to_string();
    assert!(
        offer_text.text.contains(&by_sms) && offer_text.text.contains(&stall_no),
        "{offer_text:?} / {by_sms} / {stall_no}"
    );
    assert!(notice.contains(&by_sms) && notice.contains(&stall_no), "{notice} / {card}");
    // The page tells the reply the text asks for.
    let reply = b.js("return document.querySelector('#offer-by-text strong').textContent").await;
    assert!(offer_text.text.contains(reply.as_str().unwrap()), "{reply} in {offer_text:?}");
    fits(&b, "the offer").await;
    b.click("#accept-offer").await;
    b.wait_text("#your-stall", &stall_no).await;
    b.wait_text("#case-notices li[data-kind='offer.accepted']", "").await;
    let _ = std::fs::remove_dir_all(&dir);
    b.finish().await;
}

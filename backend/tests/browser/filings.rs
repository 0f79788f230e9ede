//! Shop filings in the browser: the live rule check before submitting, an instant filing with a
//! certificate, and a restricted-street filing that only its own district's officer sees.

use crate::harness::Browser;

pub const SHOP: (&str, &str) = ("13900000001", "tangui-shop-2026");

/// Picks the first option whose text contains `needle` and tells the app.
async fn choose(b: &Browser, css: &str, needle: &str) {
    b.wait_text(css, needle).await;
    let chosen = b
        .js(&format!(
            "const s = document.querySelector({css:?}); const o = [...s.options].find(o => o.text.includes({needle:?})); \
             s.value = o.value; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return o.value;"
        ))
        .await;
    assert!(chosen.as_str().is_some_and(|v| !v.is_empty()), "no option with {needle} in {css}");
}

/// Opens the form from the shop's own list and fills everything but the depth.
async fn start_cross_store(b: &Browser, street: &str) {
    b.click(".site-nav a[href='/filings']").await;
    b.click("a[href='/file/cross-store']").await;
    b.wait_for("#cross-store-form").await;
    choose(b, "#cs-segment", street).await;
    b.wait_for("#segment-class").await;
    b.fill("#cs-address", &format!("思明区{street} 88 号")).await;
    b.click("#cs-window-1800").await;
    b.click("#cs-duties").await;
}

async fn filings_stored(b: &Browser) -> i64 {
    use diesel::prelude::*;
    b.state.db.run(|c| Ok(backend::db::schema::shop_filings::table.count().get_result::<i64>(c)?)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_deep_shows_depth_and_clearance_reasons_before_submit() {
    let Some(b) = Browser::start().await else { return };
    b.sign_in(SHOP.0, SHOP.1).await;
    start_cross_store(&b, "禾祥西路").await;
    b.set_value("#cs-depth", "2").await;
    // The answer changes as the form is filled in, in Chinese, with the numbers.
    b.wait_for("#evaluation[data-outcome='rejected']").await;
    let depth = b.wait_text("#evaluation li[data-rule='CS-DEPTH'][data-check='fail']", "超过").await;
    assert!(depth.contains("2") && depth.contains("1.5"), "{depth}");
    let clearance = b.wait_text("#evaluation li[data-rule='CS-CLEARANCE'][data-check='fail']", "剩余通行宽度").await;
    assert!(clearance.contains("1.5"), "{clearance}");
    b.snapshot("filing-too-deep").await;
    // Bringing it back within the limits turns the answer around, still before anything is sent.
    b.set_value("#cs-depth", "1.2").await;
    b.wait_for("#evaluation[data-outcome='filed']").await;
    b.wait_for("#evaluation li[data-rule='CS-CLEARANCE'][data-check='pass']").await;
    assert_eq!(filings_stored(&b).await, 0, "nothing is submitted while checking");
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compliant_filing_on_a_suitable_street_is_filed_with_a_certificate() {
    let Some(b) = Browser::start().await else { return };
    b.sign_in(SHOP.0, SHOP.1).await;
    start_cross_store(&b, "禾祥西路").await;
    b.set_value("#cs-depth", "1.2").await;
    b.wait_for("#evaluation[data-outcome='filed']").await;
    b.click("#submit-filing").await;
    b.wait_text(".filing-status", "已备案").await;
    assert!(b.path().await.starts_with("/filings/"));
    b.wait_text("#evaluation", "受理时的规则核对").await;

    // The certificate link gives the shop a PDF to download.
    let link = b.wait_for("#download-certificate").await;
    let href = link.attr("href").await.unwrap().unwrap();
    assert!(link.attr("download").await.unwrap().is_some_and(|d| d.ends_with(".pdf")));
    let got = b
        .client
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1]; \
                 fetch({href:?}).then(async r => {{ const b = new Uint8Array(await r.arrayBuffer()); \
                 done([r.status, r.headers.get('content-type'), r.headers.get('content-disposition'), b.length, String.fromCharCode(...b.slice(0, 4))]); }});"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(got[0], 200, "{got}");
    assert_eq!(got[1], "application/pdf");
    assert!(got[2].as_str().unwrap().starts_with("attachment"), "{got}");
    assert!(got[3].as_u64().unwrap() < 100 * 1024, "{got}");
    assert_eq!(got[4], "%PDF");

    // Its QR code leads to the public check, which says it is valid.
    b.click("a[href^='/verify/']").await;
    b.wait_for("#verify-result[data-status='valid']").await;
    b.wait_text("#verify-result", "有效").await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restricted_street_filing_goes_to_its_districts_officer() {
    let Some(b) = Browser::start().await else { return };
    b.sign_in(SHOP.0, SHOP.1).await;
    start_cross_store(&b, "莲前东路").await;
    b.set_value("#cs-depth", "0.8").await;
    b.wait_for("#evaluation[data-outcome='needs_review']").await;
    b.click("#submit-filing").await;
    b.wait_text(".filing-status", "待审核").await;
    let id = b.path().await.trim_start_matches("/filings/").to_string();
    b.sign_out().await;

    // 湖里's officer does not see it.
    b.sign_in("hl_officer", "tangui-officer-2026").await;
    b.click(".site-nav a[href='/review']").await;
    b.wait_for("#queue-empty").await;
    b.sign_out().await;

    // 思明's does, decides, and the shop sees the result.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.click(".site-nav a[href='/review']").await;
    b.click(&format!("#review-queue tr[data-kind='cross_store'][data-id='{id}'] a")).await;
    b.wait_for("#decision").await;
    b.click("#decision-approve").await;
    b.click("#decision-continue").await;
    b.click("#confirm-decision").await;
    b.wait_text(".filing-status", "已批准").await;
    b.sign_out().await;

    b.sign_in(SHOP.0, SHOP.1).await;
    b.goto(&format!("/filings/{id}")).await;
    b.wait_text(".filing-status", "已批准").await;
    b.wait_for("#download-certificate").await;
    b.finish().await;
}

//! Accessibility: axe-core (installed from npm by the test command, injected into the page — no
//! CDN) over the main pages of every kind of user (public, vendor, shop, officer, admin), in Chinese and English, on a desktop and a
//! phone-sized screen. No serious or critical violation may remain.

use std::path::PathBuf;

use crate::harness::Browser;

fn axe_source() -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&p).ok()
}

/// Runs axe on the current page and returns its serious and critical violations, one line each.
async fn audit(b: &Browser, axe: &str) -> Vec<String> {
    let loaded = b.js("return typeof window.axe !== 'undefined';").await;
    if loaded != serde_json::Value::Bool(true) {
        b.js(&format!("{axe};\nreturn true;")).await;
    }
    let found = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => `${v.impact} ${v.id}: ${v.help} @ ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)))
               .catch(e => done([`axe failed: ${e}`]));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap_or_default()
}

/// (path, an element that shows the page's content from the API has arrived)
type Page = (String, &'static str);

async fn audit_pages(b: &Browser, axe: &str, who: &str, pages: &[Page], problems: &mut Vec<String>) {
    for (path, ready) in pages {
        b.goto(path).await;
        b.wait_for(ready).await;
        // Let late requests (lists, charts) settle so they are audited too.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        for v in audit(b, axe).await {
            problems.push(format!("[{who} {path}] {v}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_have_no_serious_accessibility_violations() {
    let Some(b) = Browser::start().await else { return };
    let Some(axe) = axe_source() else {
        assert!(
            std::env::var("TANGUI_E2E_REQUIRED").is_err(),
            "axe-core is missing: cargo xtask test installs it into tools/node_modules"
        );
        return;
    };
    let (permit, code) = b.grant_stall("13800000001", "350203").await;
    let public: Vec<Page> = vec![
        ("/".into(), ".map-svg"),
        ("/zones/1".into(), "#stall-grid .stall"),
        ("/self-check".into(), "#self-check-question"),
        (format!("/verify/{code}"), "#verify-result[data-status]"),
        (format!("/report?permit={code}"), "#report-form"),
        ("/login".into(), "#login"),
        ("/register".into(), "#real_name"),
        ("/reset".into(), "#send-code"),
        ("/takeover".into(), "#takeover_code"),
        ("/data".into(), "#chart-permits .month"),
    ];
    let vendor: Vec<Page> = vec![
        ("/apply".into(), "#category"),
        ("/permits".into(), ".permit-list"),
        (format!("/permits/{permit}"), ".points-now"),
        ("/inbox".into(), "main h1"),
        ("/account".into(), "#phone-form"),
    ];
    let shop: Vec<Page> = vec![("/filings".into(), "main h1"), ("/file/cross-store".into(), "#cross-store-form")];
    let officer: Vec<Page> = vec![
        ("/review".into(), "#review-queue, #queue-empty"),
        (format!("/inspect?permit={permit}"), "#inspection-form"),
        ("/dashboard".into(), "#dash-occupancy_by_district svg"),
        ("/counter".into(), "#assist-form"),
    ];

    let admin: Vec<Page> = vec![
        ("/admin/zones".into(), "#admin-zones"),
        ("/rounds".into(), "main h1"),
        ("/admin/policy".into(), "main h1"),
        ("/admin/users".into(), "#users-table"),
        ("/admin/outbox".into(), "#outbox-filter"),
    ];

    let mut problems = Vec::new();
    for (lang, width, height) in [("zh", 1280, 900), ("zh", 375, 812), ("en", 1280, 900), ("en", 375, 812)] {
        b.client.set_window_size(width, height).await.unwrap();
        b.goto("/").await;
        b.wait_for(".map-svg").await;
        // The language is kept in local storage, as the language button keeps it.
        b.js(&format!("localStorage.setItem('tangui.lang', JSON.stringify('{lang}')); return true;")).await;
        let label = format!("{lang} {width}px");
        audit_pages(&b, &axe, &format!("{label} public"), &public, &mut problems).await;
        b.sign_in("13800000001", "tangui-vendor-2026").await;
        audit_pages(&b, &axe, &format!("{label} vendor"), &vendor, &mut problems).await;
        b.sign_out().await;
        b.sign_in(crate::filings::SHOP.0, crate::filings::SHOP.1).await;
        audit_pages(&b, &axe, &format!("{label} shop"), &shop, &mut problems).await;
        b.sign_out().await;
        b.sign_in("sm_officer", "tangui-officer-2026").await;
        audit_pages(&b, &axe, &format!("{label} officer"), &officer, &mut problems).await;
        b.sign_out().await;
        b.sign_in("admin", "tangui-admin-2026").await;
        audit_pages(&b, &axe, &format!("{label} admin"), &admin, &mut problems).await;
        b.sign_out().await;
    }
    assert!(problems.is_empty(), "{} accessibility problems:\n{}", problems.len(), problems.join("\n"));
    b.finish().await;
}

/// Senior mode (长辈模式): the header switch makes every page at least 20 px, is remembered on the
/// device, and its pages pass the audit on a phone and at 200 % zoom (a 1280 px screen zoomed to
/// 200 % lays pages out in 640 CSS pixels) without sideways scrolling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn senior_mode_is_large_remembered_and_passes_the_audit_at_200_percent() {
    let Some(b) = Browser::start().await else { return };
    let Some(axe) = axe_source() else {
        assert!(std::env::var("TANGUI_E2E_REQUIRED").is_err(), "axe-core is missing");
        return;
    };
    let (permit, code) = b.grant_stall("13800000001", "350203").await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.goto("/").await;
    b.wait_for(".map-svg").await;
    let body_px = "return parseFloat(getComputedStyle(document.body).fontSize);";
    assert!(b.js(body_px).await.as_f64().unwrap() < 20.0);
    b.click("#senior-switch").await;
    b.wait_for("html[data-senior] #senior-switch[aria-pressed='true']").await;
    assert!(b.js(body_px).await.as_f64().unwrap() >= 20.0);
    // Remembered: a new visit opens in senior mode.
    b.goto("/login").await;
    b.wait_for("html[data-senior] #login").await;

    let public: Vec<Page> = vec![
        ("/".into(), ".map-svg"),
        ("/zones/1".into(), "#stall-grid .stall"),
        (format!("/verify/{code}"), "#verify-result[data-status]"),
        ("/login".into(), "#login"),
        ("/register".into(), "#real_name"),
        ("/takeover".into(), "#takeover_code"),
    ];
    let vendor: Vec<Page> = vec![
        ("/apply".into(), "#senior-question"),
        ("/permits".into(), ".permit-list"),
        (format!("/permits/{permit}"), ".points-now"),
        ("/inbox".into(), "main h1"),
    ];
    let mut problems = Vec::new();
    for (width, height, label) in [(390, 844, "phone"), (640, 450, "200% zoom")] {
        b.client.set_window_size(width, height).await.unwrap();
        for (who, pages) in [("public", &public), ("vendor", &vendor)] {
            if who == "vendor" {
                b.sign_in("13800000001", "tangui-vendor-2026").await;
            }
            for (path, ready) in pages.iter() {
                b.goto(path).await;
                b.wait_for(ready).await;
                tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                let px = b.js(body_px).await.as_f64().unwrap_or_default();
                if px < 20.0 {
                    problems.push(format!("[{label} {path}] body text {px}px"));
                }
                let wide = b
                    .js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
                    .await
                    .as_f64()
                    .unwrap_or_default();
                if wide > 1.0 {
                    problems.push(format!("[{label} {path}] scrolls sideways by {wide}px"));
                }
                for v in audit(&b, &axe).await {
                    problems.push(format!("[{label} {who} {path}] {v}"));
                }
            }
            if who == "vendor" {
                b.sign_out().await;
            }
        }
    }
    assert!(problems.is_empty(), "{} senior-mode problems:\n{}", problems.len(), problems.join("\n"));
    b.finish().await;
}

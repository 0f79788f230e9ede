//! After a permit is issued: a scan shows it valid; an officer records violations with a photo on
//! a phone-sized screen; the holder sees the points; the second one suspends it and the public
//! check says so. A public complaint reaches the district's officers and the reporter sees it
//! resolved.

use std::path::PathBuf;

use crate::harness::Browser;

/// A real photo (the server decodes every photo and writes it again).
const JPEG: &[u8] = include_bytes!("../fixtures/photo-with-gps.jpg");

fn photo_file() -> PathBuf {
    let p = std::env::temp_dir().join(format!("tangui-e2e-photo-{}.jpg", std::process::id()));
    std::fs::write(&p, JPEG).unwrap();
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn violations_with_a_photo_suspend_and_the_scan_says_so() {
    let Some(b) = Browser::start().await else { return };
    let (permit, code) = b.grant_stall("13800000001", "350203").await;
    // A phone-sized screen: officers work in the street.
    b.client.set_window_size(412, 900).await.unwrap();

    // The scan path: the QR code's URL opens the public check.
    b.goto(&format!("/verify/{code}")).await;
    b.wait_for("#verify-result[data-status='valid']").await;
    b.wait_text("#verify-result", "有效").await;

    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto(&format!("/verify/{code}")).await;
    b.click("main a.button[href^='/inspect']").await;
    b.wait_for("#inspection-form").await;
    b.click("#violation-V-PATHS").await;
    b.wait_text("#points-preview", "6").await;
    let input = b.wait_for("#inspection-photo").await;
    input.send_keys(&photo_file().display().to_string()).await.unwrap();
    b.wait_text(".photo-upload [role=status]", "1").await;
    b.fill("#notes", "摊位餐桌占用消防通道约 2 米").await;
    b.click("#submit-inspection").await;
    b.wait_text("#inspection-result", "6").await;
    b.sign_out().await;

    // The holder sees the points and the photo.
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.unfold_menu().await;
    b.click(".site-nav a[href='/permits']").await;
    b.click(&format!(".permit-list li[data-id='{permit}'] a")).await;
    b.wait_text(".points-now", "6").await;
    b.wait_for("#ledger li[data-code='V-PATHS'] .evidence img").await;
    b.wait_for("#ledger .appeal-open").await;
    b.sign_out().await;

    // A second serious breach crosses the 12-point line.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto(&format!("/permits/{permit}")).await;
    b.click("main a.button[href^='/inspect']").await;
    b.click("#violation-V-GAS").await;
    b.wait_text("#points-preview", "许可将暂停").await;
    b.click("#submit-inspection").await;
    b.wait_text("#inspection-result", "已暂停").await;
    b.sign_out().await;

    b.goto(&format!("/verify/{code}")).await;
    b.wait_for("#verify-result[data-status='suspended']").await;
    b.wait_text("#verify-result", "已暂停").await;
    b.snapshot("verify-suspended").await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_complaint_reaches_the_district_and_the_reporter_sees_it_resolved() {
    let Some(b) = Browser::start().await else { return };
    let (_, code) = b.grant_stall("13800000001", "350206").await;
    b.goto(&format!("/verify/{code}")).await;
    b.click("a[href^='/report']").await;
    b.wait_for("#report-form").await;
    b.fill("#description", "晚上十点后仍在经营，噪声很大").await;
    b.click("#submit-report").await;
    b.wait_for("#complaint-district").await;
    b.wait_text("#complaint-district", "湖里区").await;
    b.wait_text(".complaint-status", "待处理").await;
    let status_page = b.path().await;
    assert!(status_page.starts_with("/complaints/"));

    // 思明's officers do not see it; 湖里's do, and resolve it.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.unfold_menu().await;
    b.click(".site-nav a[href='/review']").await;
    b.wait_for("#queue-empty").await;
    b.sign_out().await;
    b.sign_in("hl_officer", "tangui-officer-2026").await;
    // On a desk the workbench is a table.
    b.click("#review-queue tr[data-kind='complaint'] a").await;
    b.click("#decision-resolved").await;
    b.fill("#decision-reason", "已到场，摊主已按时收摊").await;
    b.click("#decision-continue").await;
    b.click("#confirm-decision").await;
    b.wait_text(".complaint-status", "已解决").await;
    // The dashboard draws the district's figures.
    b.unfold_menu().await;
    b.click(".site-nav a[href='/dashboard']").await;
    b.wait_for("#dash-occupancy_by_district svg").await;
    b.wait_text("#dash-occupancy_by_district", "湖里区").await;
    b.sign_out().await;

    b.goto(&status_page).await;
    b.wait_text(".complaint-status", "已解决").await;
    b.wait_text("#case-history", "已解决").await;
    b.finish().await;
}

/// A holder registers a helper with a photo on a phone; the district approves them from its work
/// list; the public check shows them masked with the photo; an officer on site picks the helper
/// as the person working the stall; someone else found twice opens a subletting review the holder sees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_registers_a_helper_and_an_officer_on_site_picks_them() {
    let Some(b) = Browser::start().await else { return };
    let (permit, code) = b.grant_stall("13800000001", "350203").await;
    b.client.set_window_size(390, 844).await.unwrap();

    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.goto(&format!("/permits/{permit}")).await;
    b.wait_for("#helpers #no-helpers").await;
    // A wrong ID number is caught before anything is sent, next to its field.
    b.fill("#helper-name", "陈阿妹").await;
    b.fill("#helper-id-number", "350203198503150025").await;
    b.click("#add-helper").await;
    b.wait_for("#helpers .field-errors").await;
    b.fill("#helper-id-number", "350203198503150024").await;
    let input = b.wait_for("#helper-photo").await;
    input.send_keys(&photo_file().display().to_string()).await.unwrap();
    b.wait_text("#helpers .photo-upload [role=status]", "1").await;
    b.click("#add-helper").await;
    b.wait_for("#helpers li.helper[data-status='pending'] img.helper-photo").await;
    b.wait_text("#helpers li.helper", "待审核").await;
    b.sign_out().await;

    // The district's officer sees the face and approves.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto("/review").await;
    let card = "li.helper-card";
    b.wait_text(card, "陈阿妹").await;
    b.wait_for(&format!("{card} img.helper-photo")).await;
    b.click(&format!("{card} details summary")).await;
    let helper: i64 =
        b.js("return Number(document.querySelector('li.helper-card').dataset.helper)").await.as_i64().unwrap();
    b.click(&format!("#helper-{helper}-approve")).await;
    b.click(&format!("#helper-{helper}-continue")).await;
    b.click(&format!("#confirm-helper-{helper}")).await;
    b.wait_gone(&format!("li[data-helper='{helper}']")).await;

    // On site: the officer opens the permit by its code and picks the helper by their photo.
    b.goto(&format!("/inspect?code={code}")).await;
    b.wait_for("#permit-card").await;
    b.wait_for(&format!("#present-helper-{helper} ~ img.helper-photo, label[for='present-helper-{helper}'] img")).await;
    b.click(&format!("#present-helper-{helper}")).await;
    b.click("#submit-inspection").await;
    b.wait_for("#inspection-result").await;
    // Twice someone else: the warning shows, and the second visit opens a review.
    for _ in 0..2 {
        b.goto(&format!("/inspect?code={code}")).await;
        b.wait_for("#present-choice").await;
        b.click("#present-someone_else").await;
        b.wait_for("#someone-else-note").await;
        b.click("#submit-inspection").await;
        b.wait_for("#inspection-result").await;
    }
    b.sign_out().await;

    // The public check shows the helper masked, with the photo.
    b.goto(&format!("/verify/{code}")).await;
    b.wait_text("#verify-helpers", "陈*妹").await;
    b.wait_for("#verify-helpers img.helper-photo").await;
    let text = b.texts("#verify-result").await.join(" ");
    assert!(!text.contains("陈阿妹") && !text.contains("350203198503150024"), "{text}");

    // The holder sees the helper approved and the review opened.
    b.sign_in("13800000001", "tangui-vendor-2026").await;
    b.goto(&format!("/permits/{permit}")).await;
    b.wait_text("#helpers li.helper[data-status='approved']", "已登记").await;
    b.wait_text("#reviews", "核查中").await;
    b.finish().await;
}

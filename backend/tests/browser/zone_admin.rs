//! An admin creates a zone by pasting its outline, sees the siting warning, and the public map
//! shows it at once.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::Browser;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_creates_a_zone_that_appears_on_the_map() {
    let Some(b) = Browser::start().await else { return };
    // A school next to where the zone will be.
    b.state
        .db
        .run(|c| {
            backend::models::zone::SensitiveSite::insert(
                c,
                "演武小学",
                "school",
                Some("350203"),
                [118.0862, 24.4622],
                200.0,
                backend::clock::now(),
            )?;
            Ok(())
        })
        .await
        .unwrap();
    b.sign_in("admin", "tangui-admin-2026").await;
    b.click(".site-nav a[href='/admin/zones']").await;
    b.wait_for("#admin-zones").await;
    b.click("a[href='/admin/zones/new']").await;
    b.fill("#code", "SM-301").await;
    b.fill("#name", "演武路夜市摊规点").await;
    b.fill("#address", "思明区演武路").await;
    let ring = common::geo::rectangle_polygon([118.0855, 24.4620], 40.0, 12.0, 15.0);
    let text = serde_json::to_string(&ring).unwrap();
    b.fill("#paste", &text).await;
    b.click("#apply-paste").await;
    b.wait_text("#point-count", "4").await;
    b.wait_text("#siting-warnings", "演武小学").await;
    b.click("form.editor button[type=submit]").await;
    b.wait_text(".alert.success", "已保存").await;
    b.wait_text("#zone-history", "zone.created").await;
    let shot = b.client.screenshot().await.unwrap();
    std::fs::write(std::env::temp_dir().join("tangui-zone-editor.png"), shot).unwrap();

    b.goto("/?q=SM-301").await;
    b.wait_for(".zone-marker[data-code='SM-301']").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while b.client.find_all(Locator::Css(".zone-item")).await.unwrap().len() != 1 {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.finish().await;
}

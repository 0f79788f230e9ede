//! The public map: all zones, district filter in map and list, zone page with stall grid, deep
//! links, pan and zoom, and the list used with the keyboard alone.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::key::Key;

use crate::harness::Browser;

async fn select(b: &Browser, css: &str, value: &str) {
    b.wait_for(css).await;
    b.js(&format!(
        "const s = document.querySelector('{css}'); s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    ))
    .await;
}

pub async fn count(b: &Browser, css: &str) -> usize {
    b.client.find_all(Locator::Css(css)).await.unwrap().len()
}

pub async fn wait_count(b: &Browser, css: &str, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count(b, css).await != n {
        assert!(std::time::Instant::now() < deadline, "{css}: expected {n}, found {}", count(b, css).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_shows_every_zone_and_filters_by_district() {
    let Some(b) = Browser::start().await else { return };
    b.goto("/").await;
    wait_count(&b, ".zone-marker", 150).await;
    wait_count(&b, ".zone-item", 150).await;

    select(&b, "#f-district", "350203").await;
    b.wait_text("#result-count", "").await;
    let expected = b
        .state
        .db
        .run(|c| {
            Ok(backend::models::zone::Zone::list_with_counts(c, &["active"], Some(common::District::Siming))?.len())
        })
        .await
        .unwrap();
    wait_count(&b, ".zone-marker", expected).await;
    wait_count(&b, ".zone-item", expected).await;
    assert_eq!(count(&b, ".zone-marker[data-district='350203']").await, expected, "map shows only 思明区");
    assert_eq!(count(&b, ".zone-item[data-district='350203']").await, expected, "list shows only 思明区");
    // The filter is in the URL, so the view can be shared.
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("district=350203"));
    b.goto("/?kind=temporary").await;
    wait_count(&b, ".zone-item", 10).await;
    wait_count(&b, ".zone-marker.temporary", 10).await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_zone_opens_its_page_and_deep_links_load() {
    let Some(b) = Browser::start().await else { return };
    b.goto("/").await;
    wait_count(&b, ".zone-marker", 150).await;
    // Search narrows the map to one zone; tap it, then open its page from the card.
    b.fill("#f-q", "SM-005").await;
    wait_count(&b, ".zone-marker", 1).await;
    b.click(".zone-marker[data-code='SM-005']").await;
    b.wait_text(".selected-card", "SM-005").await;
    b.click(".selected-card a").await;
    b.wait_for("#stall-grid").await;
    let path = b.path().await;
    assert!(path.starts_with("/zones/"), "{path}");
    let stalls = b.texts("#stall-grid .stall").await.len();
    let zone_id: i64 = path.trim_start_matches("/zones/").parse().unwrap();
    let total = b.state.db.run(move |c| Ok(backend::models::zone::Stall::for_zone(c, zone_id)?.len())).await.unwrap();
    assert_eq!(stalls, total);
    b.wait_text("main h1", "摊规点").await;

    // A deep link straight to a zone page (server falls back to index.html).
    b.goto(&format!("/zones/{zone_id}")).await;
    b.wait_for("#stall-grid .stall").await;
    b.wait_text(".details", "营业时间").await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pan_and_zoom_change_the_view() {
    let Some(b) = Browser::start().await else { return };
    b.goto("/").await;
    wait_count(&b, ".zone-marker", 150).await;
    // The map settles on the zones once the district outlines have arrived.
    b.wait_for(".basemap .district").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let view = || async { b.wait_for(".map-svg").await.attr("data-viewbox").await.unwrap().unwrap() };
    let start = view().await;

    b.click(".map-controls .zoom-in").await;
    let zoomed = view().await;
    assert_ne!(zoomed, start, "button zoom");

    // Drag with the mouse (the map in view first: the page has figures above it).
    b.js("document.querySelector('.map-svg').scrollIntoView({ block: 'center' }); return true;").await;
    let svg = b.wait_for(".map-svg").await;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: svg.clone(), duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: 0 })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: 120.0, y: 60.0 })
        .then(PointerAction::Up { button: 0 });
    b.client.perform_actions(drag).await.unwrap();
    let dragged = view().await;
    assert_ne!(dragged, zoomed, "drag pans");

    // Keyboard: focus the map, arrow keys pan, "-" zooms out, "0" fits all.
    svg.send_keys(&char::from(Key::Right).to_string()).await.unwrap();
    let keyed = view().await;
    assert_ne!(keyed, dragged, "arrow key pans");
    svg.send_keys("0").await.unwrap();
    assert_eq!(view().await, start, "0 shows everything again");

    // Mouse wheel zooms about the pointer.
    b.js("document.querySelector('.map-svg').dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: 400, clientY: 400, bubbles: true, cancelable: true }))").await;
    assert_ne!(view().await, start, "wheel zoom");
    let zoom: f64 = b.wait_for(".map-svg").await.attr("data-zoom").await.unwrap().unwrap().parse().unwrap();
    assert!(zoom > 1.0);
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_view_works_with_the_keyboard_alone() {
    let Some(b) = Browser::start().await else { return };
    b.goto("/").await;
    wait_count(&b, ".zone-item", 150).await;
    // Tab from the top of the page until focus reaches the first zone in the list.
    let mut reached = false;
    for _ in 0..60 {
        b.client.active_element().await.unwrap().send_keys(&char::from(Key::Tab).to_string()).await.unwrap();
        let inside = b.js("return !!document.activeElement.closest('#zone-list')").await;
        if inside == true {
            reached = true;
            break;
        }
    }
    assert!(reached, "the zone list is reachable with Tab");
    let name = b.js("return document.activeElement.textContent").await.as_str().unwrap().to_string();
    // The focused zone is highlighted (list and map stay in sync).
    b.wait_for(".zone-item.selected").await;
    b.wait_for(".zone-marker.selected").await;
    b.client.active_element().await.unwrap().send_keys(&char::from(Key::Enter).to_string()).await.unwrap();
    b.wait_for("#stall-grid").await;
    b.wait_text("main h1", &name).await;
    b.finish().await;
}

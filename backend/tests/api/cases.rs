//! The officer's workbench: every kind of case of the district in one list, tabs, search,
//! filters and paging, with the rules left to a person in plain words.

use crate::api_test;
use crate::filings::cross_store;
use crate::util::*;
use common::{District, Role};
use serde_json::{Value, json};

async fn restricted_filing(app: &TestApp, shop: &str) -> i64 {
    let all = app.anon().get("/api/v1/street-segments").await.value();
    let seg =
        all.as_array().unwrap().iter().find(|s| s["name"].as_str().unwrap().starts_with("莲前东路")).cloned().unwrap();
    let m = app.user(Role::Merchant, None).await.0;
    let mut body = cross_store(seg["id"].as_i64().unwrap(), 0.8);
    body["shop_name"] = json!(shop);
    let f = m.post("/api/v1/filings", &body).await.value();
    assert_eq!(f["status"], "pending_review");
    f["id"].as_i64().unwrap()
}

fn ids(list: &Value) -> Vec<(String, i64)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().to_string(), c["id"].as_i64().unwrap()))
        .collect()
}

api_test!(the_workbench_holds_the_districts_cases_by_tab_with_search_and_paging, |app| {
    let app = app.with_demo().await;
    let a = restricted_filing(&app, "阿嬷沙茶面").await;
    let b = restricted_filing(&app, "鹭岛花店").await;
    let siming = app.officer(District::Siming).await;
    let huli = app.officer(District::Huli).await;

    let todo = siming.get("/api/v1/review/cases").await;
    todo.assert_status(200);
    let todo = todo.value();
    let found = ids(&todo);
    assert!(found.contains(&("cross_store".into(), a)) && found.contains(&("cross_store".into(), b)), "{found:?}");
    let row = todo["items"].as_array().unwrap().iter().find(|c| c["id"] == a).unwrap();
    assert_eq!(row["number"], format!("F{a:06}"));
    assert!(row["who"].as_str().unwrap().contains("阿嬷沙茶面"), "{row}");
    // What needs a look is said in words, never as a rule id.
    let attention = row["attention"].to_string();
    assert!(attention.contains("路段分类") && !attention.contains("CS-"), "{attention}");
    assert!(todo["counts"]["todo"].as_i64().unwrap() >= 2);
    // Another district's officer does not see them, even by searching.
    let other = huli.get("/api/v1/review/cases?tab=all&q=阿嬷").await.value();
    assert!(ids(&other).is_empty(), "{other}");

    // Search by shop name and by case number; filter by kind.
    let hit = siming.get(&format!("/api/v1/review/cases?q={}", urlencode("鹭岛"))).await.value();
    assert_eq!(ids(&hit), [("cross_store".to_string(), b)]);
    let hit = siming.get(&format!("/api/v1/review/cases?q=F{a:06}")).await.value();
    assert_eq!(ids(&hit), [("cross_store".to_string(), a)]);
    let stalls = siming.get("/api/v1/review/cases?kind=stall&tab=all").await.value();
    assert!(stalls["items"].as_array().unwrap().iter().all(|c| c["kind"] == "stall"));

    // Decided: it leaves 待办 and appears in 已办.
    siming
        .post(
            &format!("/api/v1/filings/{a}/decision"),
            &json!({ "decision": "reject", "reason": "该路段晚市人流大，不宜外摆" }),
        )
        .await
        .assert_status(200);
    let todo = siming.get("/api/v1/review/cases").await.value();
    assert!(!ids(&todo).contains(&("cross_store".into(), a)));
    let done = siming.get("/api/v1/review/cases?tab=done").await.value();
    let row = done["items"].as_array().unwrap().iter().find(|c| c["id"] == a).expect("in 已办");
    assert_eq!(row["status"], "rejected");
    assert_eq!(row["status_name"]["zh"], "不予办理");

    // Paging: one per page, the total counts all pages.
    let p1 = siming.get("/api/v1/review/cases?tab=all&kind=cross_store&per_page=1&page=1").await.value();
    let p2 = siming.get("/api/v1/review/cases?tab=all&kind=cross_store&per_page=1&page=2").await.value();
    assert_eq!(p1["items"].as_array().unwrap().len(), 1);
    assert!(p1["total"].as_i64().unwrap() >= 2);
    assert_ne!(ids(&p1), ids(&p2));

    // Bad parameters: every problem at once, in both languages.
    let r = siming.get("/api/v1/review/cases?tab=someday&kind=dragon&per_page=1000").await;
    r.assert_status(422);
    assert_eq!(r.error_fields(), ["tab", "kind", "per_page"]);
    // Not for the public or shops.
    app.anon().get("/api/v1/review/cases").await.assert_status(401);
    let (m, _) = app.user(Role::Merchant, None).await;
    m.get("/api/v1/review/cases").await.assert_status(403);
});

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

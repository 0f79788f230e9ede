//! The dashboard: scoped by district, and every table exported as CSV and XLSX.

use crate::api_test;
use calamine::{DataType, Reader, Xlsx};
use common::District;
use serde_json::json;

api_test!(dashboard_is_scoped_and_exports_open_with_the_rows_shown, |app| {
    let app = app.with_demo().await;
    let (_, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let siming = app.officer(District::Siming).await;
    siming
        .post("/api/v1/inspections", &json!({ "permit_id": permit, "checklist": [], "violations": ["V-PATHS"] }))
        .await
        .assert_status(201);

    let d = siming.get("/api/v1/dashboard").await.value();
    assert_eq!(d["district"], "350203");
    let occ = d["tables"].as_array().unwrap().iter().find(|t| t["id"] == "occupancy_by_district").unwrap().clone();
    assert_eq!(occ["rows"].as_array().unwrap().len(), 1, "an officer sees only their district");
    assert_eq!(occ["rows"][0][0], json!({ "zh": "思明区", "en": "Siming" }));
    assert!(occ["rows"][0][2].as_f64().unwrap() >= 1.0, "the granted stall is in use");
    let weeks = d["tables"].as_array().unwrap().iter().find(|t| t["id"] == "violations_by_week").unwrap().clone();
    assert_eq!(weeks["rows"].as_array().unwrap().len(), 12);
    assert_eq!(weeks["rows"][11][1], 1.0);
    // Officers cannot look at another district; vendors not at all.
    siming.get("/api/v1/dashboard?district=350206").await.assert_status(403);
    app.vendor().await.0.get("/api/v1/dashboard").await.assert_status(403);
    let admin = app.admin().await;
    let all = admin.get("/api/v1/dashboard").await.value();
    let occ_all =
        all["tables"].as_array().unwrap().iter().find(|t| t["id"] == "occupancy_by_district").unwrap().clone();
    assert_eq!(occ_all["rows"].as_array().unwrap().len(), 6);

    // CSV: BOM, header, one line per row.
    let csv = siming.get("/api/v1/dashboard/csv/occupancy_by_zone").await;
    csv.assert_status(200);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = String::from_utf8(csv.body.to_vec()).unwrap();
    assert!(text.starts_with("\u{feff}编号,名称,区,摊位"));
    let zone_rows = d["tables"].as_array().unwrap().iter().find(|t| t["id"] == "occupancy_by_zone").unwrap()["rows"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(text.trim_end().lines().count(), zone_rows + 1);
    siming.get("/api/v1/dashboard/csv/nonsense").await.assert_status(404);

    // XLSX: opens, a sheet per table, the same rows.
    let x = admin.get("/api/v1/dashboard/export.xlsx").await;
    x.assert_status(200);
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(x.body.to_vec())).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.len(), all["tables"].as_array().unwrap().len());
    let range = wb.worksheet_range("occupancy_by_district").unwrap();
    assert_eq!(range.height(), 7, "header and six districts");
    assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "区");
    let total: f64 = (1..7).map(|r| range.get_value((r, 1)).unwrap().as_f64().unwrap()).sum();
    let listed: f64 = occ_all["rows"].as_array().unwrap().iter().map(|r| r[1].as_f64().unwrap()).sum();
    assert_eq!(total, listed);
    assert!(total > 6000.0);
});

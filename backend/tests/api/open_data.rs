//! Open data: the catalogue with its licence and dictionaries, and files that match the live
//! figures and hold nothing personal.

use crate::api_test;
#[allow(unused_imports)]
use crate::util::*;

/// The CSV's rows as header → value maps (the files are simple: no quoted line breaks).
fn rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = text.strip_prefix('\u{feff}').expect("a BOM for spreadsheet programs");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    lines
        .map(|l| {
            let mut cells = Vec::new();
            let (mut cur, mut quoted) = (String::new(), false);
            let mut chars = l.chars().peekable();
            while let Some(ch) = chars.next() {
                match (ch, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => cells.push(std::mem::take(&mut cur)),
                    (c, _) => cur.push(c),
                }
            }
            cells.push(cur);
            assert_eq!(cells.len(), header.len(), "{l}");
            header.iter().cloned().zip(cells).collect()
        })
        .collect()
}

api_test!(the_open_data_files_match_the_live_figures_and_carry_a_licence, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    let cat = c.get("/api/v1/open-data").await.value();
    assert!(cat["licence"]["zh"].as_str().unwrap().contains("CC BY 4.0"));
    let ids: Vec<&str> = cat["datasets"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["zones", "stalls", "monthly", "rounds"]);
    for d in cat["datasets"].as_array().unwrap() {
        assert!(!d["fields"].as_array().unwrap().is_empty(), "a dictionary for {}", d["id"]);
        for f in d["files"].as_array().unwrap() {
            let r = c.get(f[1].as_str().unwrap()).await;
            r.assert_status(200);
        }
    }

    let zones_r = c.get("/api/v1/open-data/zones.csv").await;
    assert_eq!(zones_r.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    let zones = rows(&zones_r.text());
    let list = c.get("/api/v1/zones?per_page=200").await.value();
    assert_eq!(zones.len(), 150);
    for z in list["zones"].as_array().unwrap() {
        let row = zones.iter().find(|r| r["code"] == z["code"].as_str().unwrap()).unwrap();
        assert_eq!(row["stalls_free"], z["stalls_free"].to_string());
        let food = z["stalls_free_by_category"]["cooked_food"].as_i64().unwrap_or(0);
        assert_eq!(row["free_cooked_food"], food.to_string(), "{}", z["code"]);
    }
    let stalls = rows(&c.get("/api/v1/open-data/stalls.csv").await.text());
    assert_eq!(stalls.len(), 6145);
    let free = stalls.iter().filter(|s| s["state"] == "free").count() as i64;
    let overview = c.get("/api/v1/stats/overview").await.value();
    assert_eq!(free, overview["free_stalls"].as_i64().unwrap());

    let monthly = c.get("/api/v1/open-data/monthly.json").await.value();
    let monthly = monthly.as_array().unwrap();
    assert_eq!(monthly.len(), 12 * 6, "12 months × 6 districts");
    let this_month = common::time::xiamen_today().format("%Y-%m").to_string();
    let stalls_now: i64 =
        monthly.iter().filter(|r| r["month"] == this_month.as_str()).map(|r| r["stalls"].as_i64().unwrap()).sum();
    assert_eq!(stalls_now, 6145);
    let csv = rows(&c.get("/api/v1/open-data/monthly.csv").await.text());
    assert_eq!(csv.len(), monthly.len());
    // A vendor's application submitted today counts in this month's figures of its district.
    let before: i64 =
        monthly.iter().filter(|r| r["month"] == this_month.as_str()).map(|r| r["applications"].as_i64().unwrap()).sum();
    let zone = list["zones"][0]["id"].as_i64().unwrap();
    crate::applications::submitted(&app, &[zone]).await;
    let after = c.get("/api/v1/open-data/monthly.json").await.value();
    let after: i64 = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["month"] == this_month.as_str())
        .map(|r| r["applications"].as_i64().unwrap())
        .sum();
    assert_eq!(after, before + 1);
    let rounds = c.get("/api/v1/open-data/rounds.csv").await.text();
    assert!(rounds.starts_with("\u{feff}round_id,name,zones,"), "{rounds}");
});

api_test!(the_open_data_files_hold_nothing_personal, |app| {
    let app = app.with_demo().await;
    let c = app.anon();
    // A vendor of this test applies too, so that the files are built over a real application.
    let zone = c.get("/api/v1/zones?per_page=1").await.value()["zones"][0]["id"].as_i64().unwrap();
    let (vendor, _) = crate::applications::submitted(&app, &[zone]).await;
    let me = vendor.get("/api/v1/me").await.value();
    let mut needles: Vec<String> = ["陈秀英", "350203196805120024", "13800000001", "13900000001", "林志强", "19680512"]
        .into_iter()
        .map(String::from)
        .collect();
    for key in ["display_name", "phone", "id_number"] {
        if let Some(v) = me[key].as_str().filter(|v| v.len() >= 2) {
            needles.push(v.trim_matches('*').to_string());
        }
    }
    let cat = c.get("/api/v1/open-data").await.value();
    let mut files: Vec<String> = cat["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["files"].as_array().unwrap().iter().map(|f| f[1].as_str().unwrap().to_string()))
        .collect();
    files.push("/api/v1/open-data".into());
    assert!(files.len() >= 7);
    for path in &files {
        let body = c.get(path).await.text();
        for n in &needles {
            assert!(!body.contains(n.as_str()), "{path} holds {n}");
        }
        // Not even a phone- or ID-shaped number (coordinates' decimals aside).
        let digits: Vec<&str> = body
            .split(|ch: char| !ch.is_ascii_digit() && ch != '.')
            .filter(|s| !s.contains('.') && s.len() >= 11)
            .collect();
        assert!(digits.is_empty(), "{path} holds long numbers {:?}", &digits[..digits.len().min(3)]);
    }
});

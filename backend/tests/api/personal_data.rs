//! Personal data as the PIPL asks: sealed at rest, photos without their metadata, the key
//! rotated without losing anything.

use crate::accounts::{vendor_body, with_code};
use crate::api_test;
use crate::applications::{JPEG, stored_photo, upload};
use crate::util::*;
use diesel::prelude::*;
use serde_json::json;

/// Every byte the database keeps: the SQLite file with its write-ahead log, or every row of
/// every table of the test's PostgreSQL schema as text.
async fn raw_database(app: &TestApp) -> Vec<u8> {
    let url = app.state.config.database_url.clone();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(b) = std::fs::read(format!("{path}{suffix}")) {
                bytes.extend(b);
            }
        }
        assert!(!bytes.is_empty(), "the SQLite file was read");
        return bytes;
    }
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    app.state
        .db
        .run(|c| {
            let tables: Vec<Name> = diesel::sql_query(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
            )
            .load(c)?;
            let mut out = Vec::new();
            for t in tables {
                let rows: Vec<Row> =
                    diesel::sql_query(format!("SELECT t::text AS row FROM \"{}\" t", t.name)).load(c)?;
                for r in rows {
                    out.extend(r.row.into_bytes());
                    out.push(b'\n');
                }
            }
            Ok(out)
        })
        .await
        .unwrap()
}

/// Every stored upload, as it lies on the disk.
fn raw_uploads(app: &TestApp) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let root = app.state.config.data_dir.join("uploads");
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            out.push(std::fs::read(f.path()).unwrap());
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

api_test!(nothing_personal_lies_in_clear_and_a_new_key_reads_everything, |app| {
    let app = app.with_demo().await;
    let phone = "13805920077";
    let body = vendor_body(phone, 77);
    let id_number = body["id_number"].as_str().unwrap().to_string();
    let id_number = id_number.as_str();
    let c = app.anon();
    c.post("/api/v1/auth/register", &with_code(&app, body).await).await.assert_status(201);
    let zone = c.get("/api/v1/zones?district=350203&per_page=1").await.value()["zones"][0]["id"].as_i64().unwrap();
    let r =
        c.post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [zone] } })).await;
    let app_id = r.value()["id"].as_i64().unwrap();
    upload(&c, app_id, "id_card", "身份证.jpg", JPEG).await.assert_status(201);
    let photo = stored_photo().await;

    // The database and the upload directory: no ID number, no phone, no picture in clear.
    let db = raw_database(&app).await;
    assert!(contains(&db, "王小明".as_bytes()), "the raw read sees what is kept in clear (a name)");
    assert!(!contains(&db, id_number.as_bytes()), "the ID number is in the database in clear");
    assert!(!contains(&db, phone.as_bytes()), "the phone is in the database in clear");
    let files = raw_uploads(&app);
    assert_eq!(files.len(), 1);
    assert!(
        !contains(&files[0], &photo[photo.len() / 2..photo.len() / 2 + 64]),
        "the ID card lies on the disk in clear"
    );

    // Uniqueness holds on the look-up hashes: the same phone or ID number again is refused.
    let again = with_code(&app, vendor_body(phone, 78)).await;
    assert_eq!(app.anon().post("/api/v1/auth/register", &again).await.error_fields(), ["phone"]);
    let mut same_id = vendor_body("13805920078", 78);
    same_id["id_number"] = json!(id_number);
    let same_id = with_code(&app, same_id).await;
    assert_eq!(app.anon().post("/api/v1/auth/register", &same_id).await.error_fields(), ["id_number"]);

    // A new key, SM4 this time: the old one stays readable while every row and file is sealed again.
    let new_key = backend::vault::new_master_key();
    let k = new_key.clone();
    let app = app
        .with_config(move |cfg| {
            cfg.secret_key = Some(k);
            cfg.old_secret_keys = vec![TEST_KEY.to_string()];
            cfg.cipher = backend::vault::Suite::Sm4;
        })
        .await;
    // Served meanwhile: signing in by phone finds the account under the old key's hash.
    let during = app.anon();
    during.login(phone, "vendor-pass-1").await;
    let done = backend::services::sealing::rekey(&app.state).await.unwrap();
    assert!(done.rows >= 4 && done.files == 1 && done.unreadable == 0, "{done:?}");
    assert_eq!(backend::services::sealing::rekey(&app.state).await.unwrap().rows, 0, "nothing left under the old key");

    // The old key gone: everything still reads.
    let k = new_key.clone();
    let app = app
        .with_config(move |cfg| {
            cfg.secret_key = Some(k);
            cfg.old_secret_keys = vec![];
        })
        .await;
    let c = app.anon();
    c.login(phone, "vendor-pass-1").await;
    let me = c.get("/api/v1/me").await.value();
    assert_eq!((me["phone"].as_str(), me["id_number"].as_str()), (Some(phone), Some(id_number)));
    let view = c.get(&format!("/api/v1/applications/{app_id}")).await.value();
    let doc = view["documents"][0]["id"].as_i64().unwrap();
    let file = c.get(&format!("/api/v1/applications/{app_id}/documents/{doc}")).await;
    assert_eq!(&file.body[..], &photo[..]);
    // The demo accounts too (sealed at their first start).
    app.anon().login("13800000001", "tangui-vendor-2026").await;
    let again = with_code(&app, vendor_body(phone, 79)).await;
    assert_eq!(app.anon().post("/api/v1/auth/register", &again).await.error_fields(), ["phone"]);
    // Sealed again, still nothing in clear.
    let db = raw_database(&app).await;
    assert!(!contains(&db, id_number.as_bytes()) && !contains(&db, phone.as_bytes()));
});

api_test!(a_photo_comes_back_upright_and_without_where_it_was_taken, |app| {
    let (v, _) = app.vendor().await;
    // The fixture: 64×48 with "turn right" in its EXIF, a camera name and a GPS position.
    assert!(contains(JPEG, b"Exif") && contains(JPEG, b"TanguiTestCam"));
    let r = v
        .raw(axum::http::Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true)
        .await;
    r.assert_status(201);
    let id = r.value()["id"].as_i64().unwrap();
    let back = v.get(&format!("/api/v1/evidence/{id}")).await;
    back.assert_status(200);
    let body = &back.body[..];
    assert!(body.starts_with(b"\xFF\xD8"), "still a JPEG");
    assert!(!contains(body, b"Exif") && !contains(body, b"TanguiTestCam"), "no EXIF block, no camera");
    // The GPS position lived in that EXIF block. The picture itself is there, turned upright.
    let img = image::load_from_memory(body).unwrap();
    assert_eq!((img.width(), img.height()), (48, 64));

    // Not a picture at all, though it starts like one: refused, nothing stored.
    let mut broken = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec();
    broken.extend([0u8; 100]);
    let before = app.count("evidence").await;
    let r = v.raw(axum::http::Method::POST, "/api/v1/evidence", Some("application/octet-stream"), broken, true).await;
    assert_eq!(r.error_fields(), ["file"]);
    assert_eq!(app.count("evidence").await, before);
});

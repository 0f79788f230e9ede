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

/// Every stored upload as it lies where it is kept: rows of `stored_files` with PostgreSQL, files
/// under the data directory with SQLite.
async fn raw_uploads(app: &TestApp) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::stored_files;
            Ok(stored_files::table.select(stored_files::sealed).load(c)?)
        })
        .await
        .unwrap();
    let root = app.state.config.data_dir.join("uploads");
    for dir in std::fs::read_dir(root).into_iter().flatten().flatten() {
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
    let files = raw_uploads(&app).await;
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

    // A photo the phone already turned upright and scaled (what the app sends), still carrying a
    // camera's EXIF block: the block goes, the picture is kept exactly as it was coded.
    let upright = stored_photo().await;
    let mut tagged = upright[..2].to_vec();
    let exif = b"Exif\0\0II\x2A\0\x08\0\0\0\0\0\0\0\0\0TanguiTestCam GPS 24.45N 118.08E";
    tagged.extend([0xFF, 0xE1]);
    tagged.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    tagged.extend_from_slice(exif);
    tagged.extend_from_slice(&upright[2..]);
    let r = v.raw(axum::http::Method::POST, "/api/v1/evidence", Some("application/octet-stream"), tagged, true).await;
    r.assert_status(201);
    let back = v.get(&format!("/api/v1/evidence/{}", r.value()["id"].as_i64().unwrap())).await;
    assert!(!contains(&back.body, b"Exif") && !contains(&back.body, b"TanguiTestCam"), "no EXIF block, no camera");
    let pixels = |b: &[u8]| image::load_from_memory(b).unwrap().to_rgb8();
    assert!(pixels(&back.body) == pixels(&upright), "the same pixels: the picture was not coded again");

    // Not a picture at all, though it starts like one: refused, nothing stored.
    let mut broken = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec();
    broken.extend([0u8; 100]);
    let before = app.count("evidence").await;
    let r = v.raw(axum::http::Method::POST, "/api/v1/evidence", Some("application/octet-stream"), broken, true).await;
    assert_eq!(r.error_fields(), ["file"]);
    assert_eq!(app.count("evidence").await, before);
});

/// The names and contents of a ZIP's entries.
pub fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().to_string(), out)
        })
        .collect()
}

api_test!(the_holder_sees_which_officer_opened_their_id_card, |app| {
    let app = app.with_demo().await;
    let (sm, _) = crate::applications::zones(&app).await;
    let (v, id) = crate::applications::submitted(&app, &sm).await;
    let view = v.get(&format!("/api/v1/applications/{id}")).await.value();
    let card = view["documents"].as_array().unwrap().iter().find(|d| d["kind"] == "id_card").unwrap()["id"].clone();
    let url = format!("/api/v1/applications/{id}/documents/{card}");
    // The holder's own look is not a look by staff.
    v.get(&url).await.assert_status(200);
    assert_eq!(v.get("/api/v1/me/document-looks").await.value()["looks"], json!([]));

    let officer = app.officer(common::District::Siming).await;
    officer.get(&url).await.assert_status(200);
    let looks = v.get("/api/v1/me/document-looks").await.value()["looks"].clone();
    assert_eq!(looks.as_array().unwrap().len(), 1, "{looks}");
    assert_eq!(looks[0]["officer"], "测试用户");
    assert_eq!(looks[0]["unit_zh"], "思明区");
    assert_eq!(looks[0]["document"], "id_card");
    assert_eq!(looks[0]["application_id"], id);
    // An officer of another district cannot open it, so nothing is recorded; nobody else sees the list.
    app.officer(common::District::Huli).await.get(&url).await.assert_status(404);
    assert_eq!(v.get("/api/v1/me/document-looks").await.value()["looks"].as_array().unwrap().len(), 1);
    let (other, _) = app.vendor().await;
    assert_eq!(other.get("/api/v1/me/document-looks").await.value()["looks"], json!([]));
    app.anon().get("/api/v1/me/document-looks").await.assert_status(401);
});

api_test!(the_data_download_holds_that_person_and_nobody_else, |app| {
    let app = app.with_demo().await;
    let (sm, _) = crate::applications::zones(&app).await;
    let (a, a_app) = crate::applications::submitted(&app, &sm[..1]).await;
    let (b, b_app) = crate::applications::submitted(&app, &sm[1..2]).await;
    let (a_id, b_id) = (
        a.get("/api/v1/me").await.value()["id"].as_i64().unwrap(),
        b.get("/api/v1/me").await.value()["id"].as_i64().unwrap(),
    );
    let (a_phone, b_phone) = (app.phone_of(a_id).await, app.phone_of(b_id).await);

    let r = a.get("/api/v1/me/export").await;
    r.assert_status(200);
    assert_eq!(r.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/zip"));
    let files = unzip(&r.body);
    let data: serde_json::Value = serde_json::from_slice(&files["data.json"]).unwrap();
    assert_eq!(data["account"]["id"], a_id);
    assert_eq!(data["account"]["phone"], a_phone.as_str(), "their own phone, in full");
    let apps: Vec<i64> = data["applications"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
    assert_eq!(apps, [a_app]);
    assert!(data["notices"]["items"].as_array().is_some_and(|n| !n.is_empty()), "the receipt notice");
    assert!(data["sign_ins"].as_array().is_some_and(|s| !s.is_empty()));
    // Exactly their two documents, as stored.
    let names: Vec<&String> = files.keys().filter(|k| k.starts_with("files/")).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with(&format!("files/application-{a_app}/"))));
    let photo = stored_photo().await;
    assert!(files.values().any(|f| f[..] == photo[..]));
    // Nothing of the other vendor.
    let text = String::from_utf8_lossy(&files["data.json"]).to_string();
    assert!(!text.contains(&b_phone), "b's phone leaked");
    let holders: Vec<i64> =
        data["applications"].as_array().unwrap().iter().map(|x| x["applicant"]["user_id"].as_i64().unwrap()).collect();
    assert!(holders.iter().all(|h| *h == a_id) && a_app != b_app);
    app.anon().get("/api/v1/me/export").await.assert_status(401);
});

api_test!(a_closed_account_keeps_the_record_but_not_the_person, |app| {
    let app = app.with_demo().await;
    let (sm, _) = crate::applications::zones(&app).await;
    let c = app.anon();
    let body = vendor_body("13805920088", 88);
    let id_number = body["id_number"].as_str().unwrap().to_string();
    let r = c.post("/api/v1/auth/register", &with_code(&app, body).await).await;
    let uid = r.value()["user"]["id"].as_i64().unwrap();
    let r = c
        .post("/api/v1/applications", &json!({ "input": { "category": "cooked_food", "preferences": [sm[0]] } }))
        .await;
    let app_id = r.value()["id"].as_i64().unwrap();
    upload(&c, app_id, "id_card", "id.jpg", JPEG).await.assert_status(201);
    assert_eq!(raw_uploads(&app).await.len(), 1);

    // The password again and a clear yes; a wrong one changes nothing.
    let r = c.post("/api/v1/me/close", &json!({ "password": "wrong-pass-9", "understood": true })).await;
    assert_eq!(r.error_fields(), ["password"]);
    let r = c.post("/api/v1/me/close", &json!({ "password": "vendor-pass-1" })).await;
    assert_eq!(r.error_fields(), ["understood"]);
    c.get("/api/v1/me").await.assert_status(200);

    // A holder of a valid permit is told to give it up first.
    let (holder, holder_id) = app.vendor().await;
    app.grant_stall(holder_id, common::District::Siming).await;
    let r = holder.post("/api/v1/me/close", &json!({ "password": PASSWORD, "understood": true })).await;
    assert_eq!(r.status, 409);
    holder.get("/api/v1/me").await.assert_status(200);

    c.post("/api/v1/me/close", &json!({ "password": "vendor-pass-1", "understood": true })).await.assert_status(204);
    c.get("/api/v1/me").await.assert_status(401);
    let r =
        app.anon().post("/api/v1/auth/login", &json!({ "login": "13805920088", "password": "vendor-pass-1" })).await;
    assert_eq!(r.status, 401);
    // The document is gone from the table, and its file with the sweep (here without its day of
    // grace); the application stays, withdrawn.
    assert_eq!(app.count("application_documents").await, 0);
    assert_eq!(backend::files::sweep(&app.state, chrono::Duration::zero()).await.unwrap(), 1);
    assert!(raw_uploads(&app).await.is_empty());
    let (status, name, phone, idn): (String, String, Option<String>, Option<String>) = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::{stall_applications as a, users as u};
            let status = a::table.find(app_id).select(a::status).first(c)?;
            let (name, phone, idn) = u::table.find(uid).select((u::display_name, u::phone, u::id_number)).first(c)?;
            Ok((status, name, phone, idn))
        })
        .await
        .unwrap();
    assert_eq!((status.as_str(), name.as_str(), phone, idn), ("withdrawn", "已注销用户", None, None));
    // The phone and the ID number are free for the person to register again.
    let mut again = vendor_body("13805920088", 89);
    again["id_number"] = json!(id_number);
    app.anon().post("/api/v1/auth/register", &with_code(&app, again).await).await.assert_status(201);
});

api_test!(the_retention_job_deletes_what_is_due_and_nothing_else, |app| {
    use backend::db::schema::{complaints as cp, sms_inbound, stall_applications as a};
    let app = app.with_demo().await;
    let (sm, _) = crate::applications::zones(&app).await;
    // Three applications with their documents: ended 31 days ago, ended 29 days ago, and still
    // submitted after 400 days (an open case keeps its documents).
    let (_, old) = crate::applications::submitted(&app, &sm[..1]).await;
    let (_, recent) = crate::applications::submitted(&app, &sm[1..2]).await;
    let (_, open) = crate::applications::submitted(&app, &sm[2..3]).await;
    let now = backend::clock::now();
    let day = chrono::Duration::days(1);
    let reporter = app.anon();
    let mut reports = Vec::new();
    for days in [181, 179] {
        let r = reporter
            .post(
                "/api/v1/complaints",
                &json!({ "service_code": "blocking", "description": "占道经营，堵住了盲道", "location": [118.0826, 24.4566], "contact": "13805920099" }),
            )
            .await;
        r.assert_status(201);
        reports.push((r.value()["id"].as_i64().unwrap(), days));
    }
    let (closed_long_ago, closed_lately) = (reports[0], reports[1]);
    app.state
        .db
        .run(move |c| {
            for (id, status, days) in [(old, "ineligible", 31), (recent, "ineligible", 29), (open, "submitted", 400)] {
                diesel::update(a::table.find(id))
                    .set((a::status.eq(status), a::updated_at.eq(now - day * days)))
                    .execute(c)?;
            }
            for (id, days) in [closed_long_ago, closed_lately] {
                diesel::update(cp::table.find(id))
                    .set((cp::status.eq("resolved"), cp::closed_at.eq(Some(now - day * days))))
                    .execute(c)?;
            }
            for days in [366, 364] {
                diesel::insert_into(sms_inbound::table)
                    .values((
                        sms_inbound::sender.eq("x"),
                        sms_inbound::text.eq("1 1"),
                        sms_inbound::action.eq(""),
                        sms_inbound::result.eq(""),
                        sms_inbound::received_at.eq(now - day * days),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let files_before = raw_uploads(&app).await.len();

    let changed = backend::services::retention::apply_due(&app.state).await.unwrap();
    let (docs_of, contacts, texts): (Vec<i64>, Vec<(i64, String)>, i64) = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::application_documents as d;
            Ok((
                d::table.select(d::application_id).distinct().load(c)?,
                cp::table.order(cp::id).select((cp::id, cp::contact)).load(c)?,
                sms_inbound::table.count().get_result(c)?,
            ))
        })
        .await
        .unwrap();
    let mut docs_of = docs_of;
    docs_of.sort();
    assert_eq!(docs_of, [recent, open], "only the application ended 31 days ago lost its documents");
    assert_eq!(contacts[0], (closed_long_ago.0, String::new()), "the contact of a report closed 181 days ago is gone");
    assert!(!contacts[1].1.is_empty(), "the one closed 179 days ago keeps it");
    assert_eq!(texts, 1);
    // The ID card and the PDF of the old application are shared by content with the others (the
    // same test files), so the disk keeps them while a row refers to them.
    assert_eq!(raw_uploads(&app).await.len(), files_before);
    assert_eq!(changed, 2 + 1 + 1, "two documents, one contact, one text");
    assert_eq!(backend::services::retention::apply_due(&app.state).await.unwrap(), 0, "done once");
});

api_test!(no_public_endpoint_shows_a_name_an_id_number_a_phone_or_a_priority_group, |app| {
    use crate::authz::{Access, fill, fixture, rules};
    let app = app.with_demo().await;
    let (callers, f) = fixture(&app).await;
    // The vendors of the drawn round get ID numbers and real names, one of them a priority
    // group; a report carries a phone to call back.
    let vendor_a = callers[&crate::authz::Who::VendorA].get("/api/v1/me").await.value()["id"].as_i64().unwrap();
    let vendor_b: i64 = f["vendor_b"].parse().unwrap();
    let vault = app.state.vault.clone();
    app.state
        .db
        .run(move |c| {
            use backend::db::schema::users as u;
            for (id, name, idn) in
                [(vendor_a, "林美华", "350203198507150026"), (vendor_b, "陈国强", "350206197911020037")]
            {
                diesel::update(u::table.find(id))
                    .set((
                        u::display_name.eq(name),
                        u::id_number.eq(Some(vault.seal(idn))),
                        u::id_number_lookup.eq(Some(vault.lookup(backend::vault::ID_NUMBER, idn))),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    app.anon()
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "blocking", "description": "占用盲道", "location": [118.0826, 24.4566], "contact": "13805920123" }),
        )
        .await
        .assert_status(201);

    // What must not be shown: every person's full name, ID number and phone, and the names of
    // the priority groups (whoever is in one).
    let vault = app.state.vault.clone();
    let people: Vec<backend::models::user::User> = app
        .state
        .db
        .run(|c| {
            use backend::db::schema::users as u;
            Ok(u::table.filter(u::role.ne("merchant")).load(c)?)
        })
        .await
        .unwrap();
    let mut secrets: Vec<String> = vec!["13805920123".into()];
    for p in &people {
        secrets.extend(p.phone(&vault));
        // Not even its first and last digits, as the round pages once showed them.
        secrets.extend(p.id_number(&vault).into_iter().flat_map(|n| [common::mask::id_number(&n), n]));
        if p.role != "merchant" && p.display_name.chars().count() >= 2 {
            secrets.push(p.display_name.clone());
        }
    }
    for g in common::application::PriorityGroup::ALL {
        secrets.push(g.name_zh().to_string());
        secrets.push(g.name_en().to_string());
        secrets.push(serde_json::to_value(g).unwrap().as_str().unwrap().to_string());
    }
    assert!(secrets.iter().any(|s| s == "350203198507150026") && secrets.iter().any(|s| s == "林美华"));

    // Every public route that reads, with the fixture's ids, fetched without a session.
    let anon = app.anon();
    let mut fetched = 0;
    for r in rules(&f).iter().filter(|r| r.method == axum::http::Method::GET && matches!(r.access, Access::Public)) {
        let path = fill(r.path, &f);
        let resp = anon.get(&path).await;
        assert!(resp.status.is_success(), "{path}: {}", resp.status);
        let text = String::from_utf8_lossy(&resp.body);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{path} shows {s:?}");
        }
        fetched += 1;
    }
    // And Open311, outside the API's prefix.
    for path in [
        "/open311/v2/services.json".to_string(),
        "/open311/v2/requests.json".to_string(),
        format!("/open311/v2/requests/{}.json", f["complaint"]),
    ] {
        let resp = anon.get(&path).await;
        assert!(resp.status.is_success(), "{path}: {}", resp.status);
        let text = String::from_utf8_lossy(&resp.body).to_string();
        assert!(secrets.iter().all(|s| !text.contains(s.as_str())), "{path}");
    }
    assert!(fetched >= 15, "{fetched} public routes fetched");
});

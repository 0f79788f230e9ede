//! Injection and oversize payloads on every text field. The fields come from the OpenAPI document:
//! every string position of every JSON request body (nested objects and lists included) gets each
//! payload, sent by a caller allowed to use the route. Each must be refused with 422 naming that
//! field, or 413 when the body itself is too large, and change nothing.
//!
//! Passwords are secrets, never shown: they may hold `<` and `>` (but no control characters).
//!
//! SQL-looking text is ordinary text (a shop may be called "Tom's"): where a free-text field takes
//! it, it must be stored exactly as sent and leave every table as it was apart from the one row.

use crate::api_test;
use crate::authz::{EVERYONE, Who, fixture, rules, watched_counts};
use crate::schema_fuzz::{has_type, resolve};
use axum::http::Method;
use serde_json::{Value, json};

/// Payloads no text field accepts, with the problem code the answer must give for the field.
fn payloads() -> Vec<(String, &'static str)> {
    vec![
        ("<script>alert(document.cookie)</script>".into(), "markup"),
        ("\"><img src=x onerror=alert(1)>".into(), "markup"),
        ("'; DROP TABLE users; --<".into(), "markup"),
        ("正常文字\u{0}截断".into(), "control_chars"),
        ("\u{1b}[31m红色\u{1b}[0m".into(), "control_chars"),
        ("发票\u{202E}gpj.exe".into(), "control_chars"),
        ("字".repeat(common::validate::MAX_TEXT_CHARS + 1), "too_long"),
    ]
}

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index,
}

/// Every place a string can sit in a request body of this schema.
fn string_paths(schema: &Value, doc: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    let schema = resolve(schema, doc);
    if at.len() > 6 {
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for s in schema[key].as_array().into_iter().flatten() {
            string_paths(s, doc, at, out);
        }
    }
    if has_type(schema, "string") {
        out.push(at.clone());
    }
    if let Some(props) = schema["properties"].as_object() {
        for (k, s) in props {
            at.push(Seg::Key(k.clone()));
            string_paths(s, doc, at, out);
            at.pop();
        }
    }
    if has_type(schema, "array") && schema["items"].is_object() {
        at.push(Seg::Index);
        string_paths(&schema["items"], doc, at, out);
        at.pop();
    }
}

fn body_with(path: &[Seg], payload: &str) -> Value {
    path.iter().rev().fold(Value::String(payload.to_string()), |inner, seg| match seg {
        Seg::Key(k) => json!({ k.clone(): inner }),
        Seg::Index => json!([inner]),
    })
}

fn field_name(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => s.push_str(&format!(".{k}")),
            Seg::Index => s.push_str("[0]"),
        }
    }
    if s.is_empty() { "body".into() } else { s }
}

api_test!(every_text_field_refuses_injection_and_oversize_payloads, |app| {
    let app = app.with_demo().await;
    let (callers, f) = fixture(&app).await;
    let doc = backend::router::openapi_json();
    let mut wrong = Vec::new();
    let mut sent = 0;
    for r in rules(&f) {
        if r.method == Method::GET || r.method == Method::DELETE {
            continue;
        }
        let op = &doc["paths"][r.route][r.method.as_str().to_lowercase()];
        let Some(schema) = op["requestBody"]["content"]["application/json"]["schema"].as_object() else { continue };
        let mut paths = Vec::new();
        string_paths(&Value::Object(schema.clone()), &doc, &mut Vec::new(), &mut paths);
        let who = EVERYONE.into_iter().find(|w| r.access.allows(*w) && *w != Who::Nobody).unwrap_or(Who::Nobody);
        let client = &callers[&who];
        let url = crate::authz::fill(r.path, &f);
        for path in &paths {
            let before = watched_counts(&app).await;
            // A password is a secret, not text to show: any printable character is allowed in it.
            let secret = field_name(path).contains("password");
            for (payload, code) in payloads().into_iter().filter(|(_, code)| !(secret && *code == "markup")) {
                let body = body_with(path, &payload).to_string().into_bytes();
                let res = client.raw(r.method.clone(), &url, Some("application/json"), body, true).await;
                sent += 1;
                let field = field_name(path);
                let named =
                    res.status == 422 && res.problem().errors.iter().any(|e| e.field == field && e.code == code);
                if !named {
                    wrong.push(format!(
                        "{} {url} as {who:?}, {field} = {:.30}…: {} {}",
                        r.method,
                        payload.escape_debug(),
                        res.status,
                        res.text().chars().take(200).collect::<String>()
                    ));
                }
            }
            if watched_counts(&app).await != before {
                wrong.push(format!("{} {url}: refused payloads in {} changed data", r.method, field_name(path)));
            }
        }
        // A body past the JSON limit is refused whole.
        let huge = body_with(paths.first().map(Vec::as_slice).unwrap_or(&[]), &"x".repeat(70 * 1024));
        let res =
            client.raw(r.method.clone(), &url, Some("application/json"), huge.to_string().into_bytes(), true).await;
        if res.status != 413 {
            wrong.push(format!("{} {url}: 70 KB body answered {}", r.method, res.status));
        }
    }
    assert!(wrong.is_empty(), "{} of {sent} payloads not refused as expected:\n{}", wrong.len(), wrong.join("\n"));
    assert!(sent > 500, "only {sent} payloads sent");
});

api_test!(sql_looking_text_is_stored_as_written_and_touches_nothing_else, |app| {
    let app = app.with_demo().await;
    let text = "Robert'); DROP TABLE users;-- 老王 ' OR '1'='1";
    let users = app.count("users").await;
    let before = app.count("complaints").await;
    let r = app
        .anon()
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "blocking", "description": text, "location": [118.0826, 24.4566], "address": text }),
        )
        .await;
    r.assert_status(201);
    let token = r.value()["token"].as_str().unwrap().to_string();
    let v = app.anon().get(&format!("/api/v1/public/complaints/{token}")).await.value();
    assert_eq!(v["description"], text);
    assert_eq!(app.count("complaints").await, before + 1);
    assert_eq!(app.count("users").await, users);
    // And as a search term it finds nothing rather than everything.
    let found = app.anon().get("/api/v1/zones?q=%27%20OR%20%271%27%3D%271").await;
    found.assert_status(200);
    assert_eq!(found.value()["total"], 0);
});

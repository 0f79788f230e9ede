//! A fuzz of the whole API driven by its OpenAPI document: for every operation, bodies generated
//! from its request schema — valid-looking, wrong types, missing and extra fields, edge numbers,
//! odd strings — and odd path ids, sent by a caller allowed to use the route and by an admin. No
//! answer may be a 5xx. Deterministic (a fixed seed), so a failure is reproducible.

use crate::api_test;
use crate::authz::{EVERYONE, Who, fill, fixture, rules};
use axum::http::Method;
use serde_json::{Map, Value, json};

const CASES_PER_ROUTE: usize = 24;

/// xorshift64*: enough randomness for a reproducible fuzz without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A schema with its `$ref` followed (the corpus test reads the document the same way).
pub fn resolve<'a>(schema: &'a Value, doc: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => resolve(&doc["components"]["schemas"][name], doc),
        None => schema,
    }
}

fn any_value(rng: &mut Rng) -> Value {
    rng.pick(&[
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(i64::MAX),
        json!(1.0e308),
        json!(0.5),
        json!(""),
        json!("中文"),
        json!([]),
        json!({}),
        json!([1, "a", null]),
        json!({ "a": { "b": [] } }),
    ])
    .clone()
}

fn string_value(schema: &Value, rng: &mut Rng) -> Value {
    if let Some(options) = schema["enum"].as_array().filter(|o| !o.is_empty())
        && rng.chance(70)
    {
        return rng.pick(options).clone();
    }
    let format = schema["format"].as_str().unwrap_or("");
    let by_format: &[&str] = match format {
        "date" => &["2026-11-28", "2026-02-30", "0000-01-01", "9999-12-31", "2026-13-01"],
        "date-time" => &["2026-11-28T09:00:00", "2026-11-28T25:00:00", "1970-01-01T00:00:00Z"],
        "time" | "partial-time" => &["18:00:00", "24:00:00", "23:59:59", "-1:00"],
        _ => &[
            "",
            " ",
            "a",
            "摊主",
            "思明区中山路 1 号",
            "13912345678",
            "350203",
            "cooked_food",
            "0",
            "-1",
            "NaN",
            "null",
            "%00",
            "../../etc/passwd",
            "😀😀😀",
            "11010519491231002X",
        ],
    };
    let s = rng.pick(by_format).to_string();
    Value::String(if rng.chance(5) { s.repeat(200) } else { s })
}

fn number_value(integer: bool, rng: &mut Rng) -> Value {
    let ints = [
        json!(0),
        json!(1),
        json!(2),
        json!(-1),
        json!(3),
        json!(100),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
    ];
    let floats = [
        json!(0.0),
        json!(1.5),
        json!(-0.5),
        json!(118.08),
        json!(24.45),
        json!(1.0e300),
        json!(-1.0e300),
        json!(5e-324),
    ];
    if integer || rng.chance(30) { rng.pick(&ints).clone() } else { rng.pick(&floats).clone() }
}

pub fn has_type(schema: &Value, t: &str) -> bool {
    match &schema["type"] {
        Value::String(s) => s == t,
        Value::Array(ts) => ts.iter().any(|x| x == t),
        _ => false,
    }
}

/// A value for the schema, mostly of the right shape, sometimes not.
fn generate(schema: &Value, doc: &Value, rng: &mut Rng, depth: usize) -> Value {
    let schema = resolve(schema, doc);
    if depth > 5 || rng.chance(6) {
        return any_value(rng);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array().filter(|o| !o.is_empty()) {
            let choice = rng.pick(options).clone();
            return generate(&choice, doc, rng, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for p in parts {
            if let Value::Object(m) = generate(p, doc, rng, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    if has_type(schema, "null") && rng.chance(15) {
        return Value::Null;
    }
    if has_type(schema, "object") || schema["properties"].is_object() {
        let required: Vec<&str> =
            schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let mut out = Map::new();
        for (k, s) in schema["properties"].as_object().into_iter().flatten() {
            let keep = if required.contains(&k.as_str()) { rng.chance(92) } else { rng.chance(60) };
            if keep {
                out.insert(k.clone(), generate(s, doc, rng, depth + 1));
            }
        }
        if rng.chance(10) {
            out.insert("unexpected".into(), any_value(rng));
        }
        return Value::Object(out);
    }
    if has_type(schema, "array") {
        let n = rng.below(4);
        return Value::Array((0..n).map(|_| generate(&schema["items"], doc, rng, depth + 1)).collect());
    }
    if has_type(schema, "string") {
        return string_value(schema, rng);
    }
    if has_type(schema, "integer") {
        return number_value(true, rng);
    }
    if has_type(schema, "number") {
        return number_value(false, rng);
    }
    if has_type(schema, "boolean") {
        return json!(rng.chance(50));
    }
    any_value(rng)
}

/// The route's path with one `{param}` swapped for an odd id now and then.
fn odd_path(route: &str, concrete: &str, rng: &mut Rng) -> String {
    if !route.contains('{') || !rng.chance(25) {
        return concrete.to_string();
    }
    let odd = *rng.pick(&["0", "-1", "99999999999", "abc", "1.5", "%00", "9223372036854775808"]);
    let mut out = String::new();
    let mut rest = route;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap_or(rest.len());
        out.push_str(odd);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

api_test!(no_request_built_from_the_openapi_document_gets_a_server_error, |app| {
    let app = app.with_demo().await;
    let (callers, f) = fixture(&app).await;
    let doc = backend::router::openapi_json();
    let mut rng = Rng(0x7A4E_6775_6920_2026);
    let mut failures = Vec::new();
    let mut sent = 0;
    // The session-ending routes last, so the callers stay signed in.
    let mut all = rules(&f);
    all.sort_by_key(|r| r.route.contains("logout") || r.route.contains("/me/password"));
    for r in &all {
        let op = &doc["paths"][r.route][r.method.as_str().to_lowercase()];
        let content = &op["requestBody"]["content"];
        let (content_type, schema) = match content.as_object().and_then(|c| c.iter().next()) {
            Some((ct, v)) => (Some(ct.clone()), v["schema"].clone()),
            None => (None, Value::Null),
        };
        let allowed = EVERYONE.into_iter().find(|w| r.access.allows(*w) && *w != Who::Nobody).unwrap_or(Who::Nobody);
        let concrete = fill(r.path, &f);
        for case in 0..CASES_PER_ROUTE {
            let who = if case % 3 == 2 { Who::Admin } else { allowed };
            let path = odd_path(r.route, &concrete, &mut rng);
            let (ct, body) = match content_type.as_deref() {
                Some("application/json") => {
                    let v = generate(&schema, &doc, &mut rng, 0);
                    (Some("application/json"), v.to_string().into_bytes())
                }
                Some(other) => {
                    let b: Vec<u8> = (0..rng.below(512)).map(|_| rng.next() as u8).collect();
                    (Some(if rng.chance(50) { other } else { "application/octet-stream" }), b)
                }
                None if r.method == Method::GET || r.method == Method::DELETE => (None, Vec::new()),
                None => (Some("application/json"), b"{}".to_vec()),
            };
            let res = callers[&who].raw(r.method.clone(), &path, ct, body.clone(), true).await;
            sent += 1;
            if res.status.is_server_error() {
                failures.push(format!(
                    "{} {path} as {who:?} with {} → {}: {}",
                    r.method,
                    String::from_utf8_lossy(&body).chars().take(300).collect::<String>(),
                    res.status,
                    res.text().chars().take(300).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {sent} requests got a 5xx:\n{}", failures.len(), failures.join("\n"));
    assert!(sent > 2000, "only {sent} requests");
});

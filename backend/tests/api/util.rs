//! `TestApp` (a fresh database and router per test) and `Client` (a cookie-keeping caller that
//! sends the CSRF header like the browser app does).

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use backend::app::AppState;
use backend::config::Config;
use backend::models::user::NewUser;
use common::{District, Problem, Role};
use diesel::{Connection, ExpressionMethods, RunQueryDsl};
use http_body_util::BodyExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body on both databases: `api_test!(name, |app| { ... });`
#[macro_export]
macro_rules! api_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::util::TestApp::new($crate::util::Backend::Sqlite).await.expect("sqlite test app");
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) = $crate::util::TestApp::new($crate::util::Backend::Postgres).await else { return };
                $body
            }
        }
    };
}

pub const PASSWORD: &str = "test-pass-2026";

/// One argon2 hash of `PASSWORD` shared by all test users (hashing is the slow part).
static HASH: LazyLock<String> = LazyLock::new(|| backend::auth::password::hash_blocking(PASSWORD).unwrap());

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PgSchema { base_url: String, schema: String },
    None,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgSchema { base_url, schema } => {
                if let Ok(mut c) = diesel::PgConnection::establish(base_url) {
                    let _ = diesel::sql_query(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&mut c);
                }
            }
            Cleanup::None => {}
        }
    }
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub backend: Backend,
    _cleanup: Cleanup,
}

/// The personal-data key of every test app (64 hex digits, as `tangui new-key` prints).
pub const TEST_KEY: &str = "7e6a1f0c5b3d2e4f8a9b0c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f4051";

fn unique() -> String {
    backend::auth::rand_bytes::random_hex(6)
}

pub fn pg_url() -> Option<String> {
    let required = std::env::var("TANGUI_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true");
    match std::env::var("TANGUI_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty()) {
        Some(u) => Some(u),
        None if required => panic!("TANGUI_TEST_REQUIRE_POSTGRES is set but TANGUI_TEST_POSTGRES_URL is not"),
        None => None,
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> Option<TestApp> {
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("tangui-test-{}", unique()));
                std::fs::create_dir_all(&dir).unwrap();
                (format!("sqlite://{}", dir.join("t.db").display()), Cleanup::SqliteDir(dir))
            }
            Backend::Postgres => {
                let base = pg_url()?;
                let schema = format!("t_{}", unique());
                let b = base.clone();
                let s = schema.clone();
                tokio::task::spawn_blocking(move || {
                    let mut c = diesel::PgConnection::establish(&b)
                        .unwrap_or_else(|e| panic!("PostgreSQL at TANGUI_TEST_POSTGRES_URL is not reachable: {e}"));
                    diesel::sql_query(format!("CREATE SCHEMA {s}")).execute(&mut c).unwrap();
                })
                .await
                .unwrap();
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                (url, Cleanup::PgSchema { base_url: base, schema })
            }
        };
        let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
        // Texts go out whatever the hour the tests run at.
        config.sms.quiet_hours = None;
        config.database_url = url;
        config.db_pool_size = 8;
        config.dist_dir = std::env::temp_dir().join("tangui-no-dist");
        config.data_dir = std::env::temp_dir().join(format!("tangui-test-data-{}", unique()));
        config.secret_key = Some(TEST_KEY.into());
        let state = backend::build_state(config).await.expect("state");
        let router = backend::router::build(state.clone());
        Some(TestApp { state, router, backend, _cleanup: cleanup })
    }

    /// The same database with a changed configuration (an SMS gateway, say): a new state and router.
    pub async fn with_config(self, change: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.state.config.clone();
        change(&mut config);
        let state = backend::build_state(config).await.expect("state");
        let router = backend::router::build(state.clone());
        TestApp { state, router, backend: self.backend, _cleanup: self._cleanup }
    }

    /// Another server instance on the same database (as behind a load balancer).
    pub async fn second_instance(&self) -> backend::app::AppState {
        backend::build_state(self.state.config.clone()).await.expect("second instance")
    }

    /// Gives `holder` the first free stall of a zone in `district` with its stall permit, as an
    /// accepted offer would. Returns (permit id, stall id).
    pub async fn grant_stall(&self, holder: i64, district: District) -> (i64, i64) {
        use backend::db::schema::{stalls, zones};
        use diesel::prelude::*;
        let zone: i64 = self
            .state
            .db
            .run(move |c| {
                Ok(stalls::table
                    .inner_join(zones::table)
                    .filter(zones::district_code.eq(district.code()).and(zones::status.eq("active")))
                    .filter(stalls::state.eq("free"))
                    .select(zones::id)
                    .first(c)?)
            })
            .await
            .unwrap();
        self.grant_stall_at(holder, zone).await
    }

    /// Gives `holder` the first free stall of one zone with its stall permit. Returns (permit
    /// id, stall id).
    pub async fn grant_stall_at(&self, holder: i64, zone: i64) -> (i64, i64) {
        use backend::db::schema::stalls;
        use diesel::prelude::*;
        self.state
            .db
            .write(move |c| {
                let stall: i64 = stalls::table
                    .filter(stalls::zone_id.eq(zone).and(stalls::state.eq("free")))
                    .select(stalls::id)
                    .order(stalls::id.asc())
                    .first(c)?;
                diesel::update(stalls::table.find(stall))
                    .set((stalls::state.eq("occupied"), stalls::holder_id.eq(holder)))
                    .execute(c)?;
                let p = backend::services::offers::stall_permit(c, holder, None, stall)?;
                Ok((p.id, stall))
            })
            .await
            .unwrap()
    }

    /// An account's phone, opened from its sealed column.
    pub async fn phone_of(&self, user: i64) -> String {
        let u = self.state.db.run(move |c| Ok(backend::models::user::User::find(c, user)?)).await.unwrap();
        u.phone(&self.state.vault).unwrap()
    }

    /// How the database knows a phone: its look-up hash under the test key.
    pub fn phone_key(&self, phone: &str) -> String {
        self.state.vault.lookup(backend::vault::PHONE, phone)
    }

    /// The texts queued so far: each notice's kind and the phone, opened from its sealed copy.
    pub async fn texts_sent(&self) -> Vec<(String, String)> {
        let rows: Vec<(String, String)> = self
            .state
            .db
            .run(|c| {
                use backend::db::schema::{notifications as n, outbox as o};
                use diesel::QueryDsl;
                Ok(o::table.inner_join(n::table).order(o::id).select((n::kind, o::recipient_sealed)).load(c)?)
            })
            .await
            .unwrap();
        rows.into_iter().map(|(k, r)| (k, self.state.vault.open(&r).unwrap())).collect()
    }

    /// Loads the demo data (150 zones, 6,145 stalls, demo accounts).
    pub async fn with_demo(self) -> TestApp {
        backend::seed::seed_demo(&self.state).await.expect("demo seed");
        self
    }

    /// A test app over a database restored elsewhere (same secret, so its sessions read the same).
    pub async fn on_database(&self, database_url: String, data_dir: std::path::PathBuf) -> TestApp {
        let mut config = self.state.config.clone();
        config.database_url = database_url;
        config.data_dir = data_dir;
        let state = backend::build_state(config).await.expect("state");
        let router = backend::router::build(state.clone());
        TestApp { state, router, backend: self.backend, _cleanup: Cleanup::None }
    }

    pub fn anon(&self) -> Client {
        Client {
            router: self.router.clone(),
            state: self.state.clone(),
            cookies: Arc::default(),
            forged_csrf: Arc::default(),
        }
    }

    /// A one-time code for the phone, as if it had been texted (written straight into the table;
    /// the texting itself is tested through Kannel in `sms` and `accounts`).
    pub async fn code_for(&self, phone: &str, purpose: backend::auth::codes::Purpose) -> String {
        use backend::db::schema::phone_codes as pc;
        // The table knows the phone by its look-up hash only.
        let phone = self.state.vault.lookup(backend::vault::PHONE, phone);
        let code = backend::auth::codes::new_code();
        let hash = backend::auth::codes::code_hash(&phone, purpose, &code);
        self.state
            .db
            .run(move |c| {
                let t = backend::clock::now();
                Ok(diesel::insert_into(pc::table)
                    .values((
                        pc::phone.eq(&phone),
                        pc::purpose.eq(purpose.as_str()),
                        pc::code_hash.eq(hash),
                        pc::client_ip.eq("test"),
                        pc::created_at.eq(t),
                        pc::expires_at.eq(t + chrono::Duration::minutes(5)),
                    ))
                    .execute(c)?)
            })
            .await
            .unwrap();
        code
    }

    /// Inserts an account directly (password `PASSWORD`) and returns its id.
    pub async fn create_user(&self, role: Role, login: &str, district: Option<District>) -> i64 {
        let login = login.to_string();
        let hash = HASH.clone();
        let vault = self.state.vault.clone();
        self.state
            .db
            .run(move |c| {
                let now = backend::clock::now();
                let phone = login.chars().all(|ch| ch.is_ascii_digit()).then_some(login.as_str());
                Ok(NewUser {
                    role: role.as_str(),
                    login: &login,
                    display_name: "测试用户",
                    phone,
                    id_number: None,
                    credit_code: None,
                    contact_name: None,
                    district_code: district.map(|d| d.code()),
                    password_hash: &hash,
                    disabled: false,
                    created_at: now,
                    password_changed_at: now,
                }
                .insert(c, &vault)?)
            })
            .await
            .unwrap()
    }

    /// A signed-in client for a new account of that role.
    pub async fn user(&self, role: Role, district: Option<District>) -> (Client, i64) {
        let login = match role {
            Role::Vendor | Role::Merchant => {
                format!("139{:08}", u32::from_str_radix(&unique()[..6], 16).unwrap() % 100_000_000)
            }
            _ => format!("staff_{}", unique()),
        };
        let id = self.create_user(role, &login, district).await;
        let client = self.anon();
        client.login(&login, PASSWORD).await;
        (client, id)
    }

    pub async fn admin(&self) -> Client {
        self.user(Role::CityAdmin, None).await.0
    }

    pub async fn officer(&self, d: District) -> Client {
        self.user(Role::DistrictOfficer, Some(d)).await.0
    }

    pub async fn vendor(&self) -> (Client, i64) {
        self.user(Role::Vendor, None).await
    }

    /// Number of rows in a table, to check that a refused request changed nothing.
    pub async fn count(&self, table: &'static str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.state
            .db
            .run(move |c| Ok(diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result::<N>(c)?.n))
            .await
            .unwrap()
    }
}

impl Client {
    /// The same browser (cookies and all) talking to another server instance.
    pub fn to_instance(&self, state: AppState) -> Client {
        Client {
            router: backend::router::build(state.clone()),
            state,
            cookies: self.cookies.clone(),
            forged_csrf: self.forged_csrf.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Client {
    router: Router,
    /// For the staff second factor: the test reads the account's secret as the officer's phone would.
    state: AppState,
    cookies: Arc<Mutex<HashMap<String, String>>>,
    /// Sent instead of the real CSRF token, to test forged requests.
    forged_csrf: Arc<Mutex<Option<String>>>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Resp {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: status {} body {}", self.status, String::from_utf8_lossy(&self.body)))
    }

    pub fn value(&self) -> serde_json::Value {
        self.json()
    }

    /// The problem+json body (asserts the content type).
    pub fn problem(&self) -> Problem {
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap()),
            Some("application/problem+json"),
            "status {} body {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        let p: Problem = self.json();
        assert!(!p.title.is_empty() && !p.title_zh.is_empty(), "problem has zh and en titles");
        p
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    #[track_caller]
    pub fn assert_status(&self, s: u16) -> &Self {
        assert_eq!(self.status.as_u16(), s, "body: {}", self.text());
        self
    }

    /// The fields named in a 422 answer.
    pub fn error_fields(&self) -> Vec<String> {
        self.problem().errors.into_iter().map(|e| e.field).collect()
    }
}

impl Client {
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies.lock().unwrap().insert(name.into(), value.into());
    }

    pub fn forge_csrf_header(&self, value: Option<&str>) {
        *self.forged_csrf.lock().unwrap() = value.map(str::to_string);
    }

    pub fn clear_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    /// Sends a request with stored cookies and, for writes, the CSRF header (fetching a token first).
    pub async fn raw(&self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>, csrf: bool) -> Resp {
        let writes = !matches!(method, Method::GET | Method::HEAD);
        if writes && csrf && self.cookie("tangui_csrf").is_none() {
            Box::pin(self.get("/api/v1/health")).await;
        }
        let mut b = Request::builder().method(method).uri(path);
        let cookie_header: String =
            self.cookies.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        if !cookie_header.is_empty() {
            b = b.header(header::COOKIE, cookie_header);
        }
        if writes && csrf {
            let forged = self.forged_csrf.lock().unwrap().clone();
            if let Some(t) = forged.or_else(|| self.cookie("tangui_csrf")) {
                b = b.header("x-csrf-token", t);
            }
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        let res = self.router.clone().oneshot(b.body(Body::from(body)).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        for v in parts.headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let pair = s.split(';').next().unwrap();
            if let Some((k, v)) = pair.split_once('=') {
                let expired = s.contains("Max-Age=0");
                let mut jar = self.cookies.lock().unwrap();
                if expired || v.is_empty() {
                    jar.remove(k);
                } else {
                    jar.insert(k.to_string(), v.to_string());
                }
            }
        }
        let body = body.collect().await.unwrap().to_bytes();
        Resp { status: parts.status, headers: parts.headers, body }
    }

    /// A GET with extra headers (conditional requests, encodings).
    pub async fn raw_with_headers(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut b = Request::builder().method(Method::GET).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let res = self.router.clone().oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Resp { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.raw(Method::GET, path, None, Vec::new(), true).await
    }

    pub async fn send_json<T: Serialize + ?Sized>(&self, method: Method, path: &str, body: &T) -> Resp {
        self.raw(method, path, Some("application/json"), serde_json::to_vec(body).unwrap(), true).await
    }

    pub async fn post<T: Serialize + ?Sized>(&self, path: &str, body: &T) -> Resp {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put<T: Serialize + ?Sized>(&self, path: &str, body: &T) -> Resp {
        self.send_json(Method::PUT, path, body).await
    }

    pub async fn patch<T: Serialize + ?Sized>(&self, path: &str, body: &T) -> Resp {
        self.send_json(Method::PATCH, path, body).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.raw(Method::DELETE, path, None, Vec::new(), true).await
    }

    /// Raw bytes with a content type, for malformed bodies.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: &[u8]) -> Resp {
        self.raw(Method::POST, path, Some(content_type), body.to_vec(), true).await
    }

    /// Signs in; officers and admins also give the second factor (setting up an authenticator at
    /// their first sign-in), so the client ends up fully signed in.
    pub async fn login(&self, login: &str, password: &str) -> Resp {
        let r = self.post("/api/v1/auth/login", &serde_json::json!({ "login": login, "password": password })).await;
        assert_eq!(r.status, StatusCode::OK, "login {login}: {}", r.text());
        match r.value()["second_factor"].as_str() {
            Some("enrol") => {
                let secret =
                    self.post("/api/v1/auth/second-factor/enrol", &serde_json::json!({})).await.value()["secret"]
                        .as_str()
                        .unwrap()
                        .to_string();
                self.second_factor(&secret).await
            }
            Some("verify") => {
                let secret = self.allow_next_totp(login).await;
                self.second_factor(&secret).await
            }
            _ => r,
        }
    }

    /// The authenticator's code now, typed in.
    pub async fn second_factor(&self, secret: &str) -> Resp {
        let code = backend::auth::second_factor::code_at(secret, backend::clock::now().and_utc().timestamp());
        let r = self.post("/api/v1/auth/second-factor", &serde_json::json!({ "code": code })).await;
        assert_eq!(r.status, StatusCode::OK, "second factor: {}", r.text());
        r
    }

    /// The account's authenticator secret (see `support/totp.rs`).
    pub async fn allow_next_totp(&self, login: &str) -> String {
        crate::totp::allow_next_totp(&self.state, login).await
    }
}

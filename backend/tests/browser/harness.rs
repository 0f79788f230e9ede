#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use backend::config::Config;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// One browser journey at a time: two cores cannot run several Chromiums well.
static SERIAL: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(|| tokio::sync::Mutex::new(()));

pub struct Browser {
    pub client: Client,
    pub base: String,
    pub state: backend::app::AppState,
    /// The SMS gateway, for journeys started with [`Browser::start_with_gateway`].
    pub kannel: Option<crate::kannel::Kannel>,
    /// For journeys started with [`Browser::start_behind_plug`]: pulling it takes the site off the
    /// network, as a lost signal does for the phone.
    plug: Option<tokio::sync::watch::Sender<bool>>,
    driver: Child,
    dir: PathBuf,
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn required() -> bool {
    std::env::var("TANGUI_E2E_REQUIRED").is_ok_and(|v| v == "1" || v == "true")
}

pub fn dist_dir() -> PathBuf {
    std::env::var_os("TANGUI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    /// A fresh server with the demo data and a fresh browser; `None` means "skip this test".
    pub async fn start() -> Option<Browser> {
        Browser::launch(false, false, |_| {}).await
    }

    /// As [`Browser::start`], with settings changed before the server starts.
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Option<Browser> {
        Browser::launch(false, false, tweak).await
    }

    /// As [`Browser::start`], with texts sent through a real Kannel (fakesmsc as the carrier)
    /// and the courier running, so pages show what became of each text.
    pub async fn start_with_gateway() -> Option<Browser> {
        Browser::launch(true, false, |_| {}).await
    }

    /// As [`Browser::start`], with the browser reaching the site through a plug that
    /// [`Browser::pull_plug`] pulls: afterwards every connection is refused, the service worker's too.
    pub async fn start_behind_plug() -> Option<Browser> {
        Browser::launch(false, true, |_| {}).await
    }

    /// Takes the site off the network: open connections close, new ones are refused.
    pub async fn pull_plug(&self) {
        let plug = self.plug.as_ref().expect("started with Browser::start_behind_plug");
        let _ = plug.send(true);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    async fn launch(gateway: bool, plugged: bool, tweak: impl FnOnce(&mut Config)) -> Option<Browser> {
        let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let dist = dist_dir();
        let missing = match (chromedriver, dist.join("index.html").exists()) {
            (None, _) => Some("chromedriver is not installed (apt-get install chromium chromium-driver)".to_string()),
            (_, false) => Some(format!("{} has no built frontend (cargo xtask frontend)", dist.display())),
            _ => None,
        };
        if let Some(why) = missing {
            assert!(!required(), "browser tests are required but {why}");
            eprintln!("skipping browser test: {why}");
            return None;
        }
        let serial = SERIAL.lock().await;
        if let Ok(path) = std::env::var("TANGUI_E2E_LOG") {
            let file = std::fs::File::create(path).unwrap();
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("debug,hyper=info,tower_http=debug"))
                .with_writer(std::sync::Mutex::new(file))
                .with_ansi(false)
                .try_init();
        }

        let dir = std::env::temp_dir().join(format!("tangui-e2e-{}", backend::auth::rand_bytes::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server_addr = listener.local_addr().unwrap();
        let (addr, plug) = if plugged {
            let (addr, plug) = plug(server_addr).await;
            (addr, Some(plug))
        } else {
            (server_addr, None)
        };
        let mut config = Config::from_sources(|_| None, &HashMap::new()).unwrap();
        // Texts go out whatever the hour the tests run at.
        config.sms.quiet_hours = None;
        config.database_url = format!("sqlite://{}", dir.join("e2e.db").display());
        config.dist_dir = dist;
        config.data_dir = dir.join("data");
        config.public_url = format!("http://{addr}");
        config.bind = server_addr.to_string();
        let kannel = if gateway {
            let k = crate::kannel::Kannel::start(&config.public_url).await?;
            config.sms = k.sms_config(&config.public_url);
            Some(k)
        } else {
            None
        };
        tweak(&mut config);
        let state = backend::build_state(config).await.unwrap();
        backend::seed::seed_demo(&state).await.unwrap();
        if gateway {
            backend::services::sms::spawn_courier(state.clone());
        }
        let app = backend::router::build(state.clone());
        tokio::spawn(async move {
            backend::serve(listener, app).await.unwrap();
        });

        let port = free_port();
        let mut extra: Vec<String> = Vec::new();
        if let Ok(p) = std::env::var("TANGUI_E2E_NETLOG") {
            extra.push(format!("--log-net-log={p}"));
        }
        let driver_log = match std::env::var("TANGUI_E2E_CHROME_LOG") {
            Ok(p) => {
                extra.push("--enable-logging=stderr".into());
                extra.push("--v=0".into());
                Stdio::from(std::fs::File::create(p).unwrap())
            }
            Err(_) => Stdio::null(),
        };
        let driver_args: Vec<String> = match std::env::var("TANGUI_E2E_DRIVER_LOG") {
            Ok(p) => vec![format!("--log-path={p}"), "--verbose".into(), "--enable-chrome-logs".into()],
            Err(_) => vec![],
        };
        let driver = Command::new(chromedriver.unwrap())
            .arg(format!("--port={port}"))
            .args(driver_args)
            .stdout(Stdio::null())
            .stderr(driver_log)
            .spawn()
            .expect("start chromedriver");
        let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                // No password manager: its save/leak-check prompts talk to Google, which this network cannot reach.
                "prefs": { "credentials_enable_service": false, "profile.password_manager_enabled": false,
                    "profile.password_manager_leak_detection": false },
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1200,900", "--lang=zh-CN",
                    "--disable-features=PasswordLeakDetection,AutofillServerCommunication,OptimizationHints", "--password-store=basic",
                    format!("--user-data-dir={}", dir.join("chrome").display())]
            }
        }))
        .unwrap();
        let mut caps = caps;
        if let Some(args) =
            caps.get_mut("goog:chromeOptions").and_then(|o| o.get_mut("args")).and_then(|a| a.as_array_mut())
        {
            args.extend(extra.into_iter().map(serde_json::Value::from));
        }
        let mut client = None;
        for _ in 0..50 {
            match ClientBuilder::native().capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("connect to chromedriver");
        Some(Browser { client, base: format!("http://{addr}"), state, kannel, plug, driver, dir, _serial: serial })
    }

    /// A Chrome DevTools Protocol command, through chromedriver (`goog/cdp/execute`).
    pub async fn cdp(&self, cmd: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.client.issue_cmd(Cdp { cmd, params }).await.unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        match self.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => {
                let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                let state = self
                    .client
                    .execute("return [document.readyState, document.documentElement.outerHTML.slice(0, 600)]", vec![])
                    .await;
                eprintln!("document: {state:?}");
                let probe = self
                    .client
                    .execute_async(
                        "const done = arguments[arguments.length - 1]; const t = setTimeout(() => done('timeout'), 3000); \
                         Promise.all(performance.getEntriesByType('resource').map(e => e.name)).then(names => \
                         fetch('/api/v1/health').then(r => { clearTimeout(t); done(['health', r.status, names]); }))",
                        vec![],
                    )
                    .await;
                eprintln!("probe: {probe:?}");
                let direct = tokio::time::timeout(Duration::from_secs(3), async {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let host = self.base.trim_start_matches("http://").to_string();
                    let mut s = tokio::net::TcpStream::connect(&host).await?;
                    s.write_all(
                        format!("GET /api/v1/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
                    )
                    .await?;
                    let mut buf = Vec::new();
                    s.read_to_end(&mut buf).await?;
                    Ok::<_, std::io::Error>(String::from_utf8_lossy(&buf[..buf.len().min(40)]).to_string())
                })
                .await;
                eprintln!("direct: {direct:?}");
                self.snapshot("wait-for").await;
                panic!("element {css} did not appear at {url}: {e}")
            }
        }
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await
                && let Ok(t) = e.text().await
                && t.contains(needle)
            {
                return t;
            }
            if std::time::Instant::now() > deadline {
                let now = match self.client.find(Locator::Css(css)).await {
                    Ok(e) => e.text().await.unwrap_or_default(),
                    Err(_) => "<absent>".into(),
                };
                self.snapshot("wait-text").await;
                panic!("{css} never contained {needle:?}; it says {now:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no element matches.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let found = self.texts(css).await;
            if found.is_empty() {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "{css} still present: {found:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot and the page text to the temp dir, for diagnosing a failure.
    pub async fn snapshot(&self, name: &str) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(std::env::temp_dir().join(format!("tangui-e2e-{name}.png")), png);
        }
        if let Ok(body) = self.client.find(Locator::Css("main")).await
            && let Ok(text) = body.text().await
        {
            eprintln!("--- page text ---\n{text}\n---");
        }
    }

    /// Sets an input's value as typing would (for number and date inputs, where select-all is unreliable).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        self.js(&format!(
            "const e = document.querySelector({css:?}); const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; \
             set.call(e, {value:?}); e.dispatchEvent(new Event('input', {{ bubbles: true }})); e.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ))
        .await;
    }

    pub async fn fill(&self, css: &str, value: &str) {
        // Select-all and delete like a user would, so the app sees input events (WebDriver's
        // clear() does not send them).
        let e = self.wait_for(css).await;
        e.click().await.unwrap();
        let select_all =
            format!("{}a{}", char::from(fantoccini::key::Key::Control), char::from(fantoccini::key::Key::Control));
        e.send_keys(&select_all).await.unwrap();
        e.send_keys(&char::from(fantoccini::key::Key::Backspace).to_string()).await.unwrap();
        e.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        let e = self.wait_for(css).await;
        // Into the middle of the screen, as a person would scroll to it: at the very top it may
        // sit under the sticky header.
        let _ = self
            .client
            .execute("arguments[0].scrollIntoView({ block: 'center' });", vec![serde_json::to_value(&e).unwrap()])
            .await;
        e.click().await.unwrap();
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    pub async fn wait_path(&self, path: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.path().await != path {
            assert!(std::time::Instant::now() < deadline, "never reached {path}, at {}", self.path().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.wait_app().await;
    }

    /// Waits until the app runs in this page and is not handing a staff page over to the staff
    /// bundle (which reloads the page).
    pub async fn wait_app(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let ready = self
                .client
                .execute("return !!window.wasmBindings && !document.getElementById('handover');", vec![])
                .await;
            if matches!(ready, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "the app did not settle at {}", self.path().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(e.text().await.unwrap_or_default());
        }
        out
    }

    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// What `users.login` holds for a sign-in name: a phone only by its look-up hash.
    pub fn login_key(&self, login: &str) -> String {
        match common::validate::check_mobile(login) {
            Some(p) => self.state.vault.lookup(backend::vault::PHONE, &p),
            None => login.to_string(),
        }
    }

    /// The signed-in identity of a seeded account, for setting up through the services.
    pub async fn actor(&self, login: &'static str) -> backend::auth::Actor {
        use backend::db::schema::users;
        use diesel::prelude::*;
        let login = self.login_key(login);
        let (id, role, district): (i64, String, Option<String>) = self
            .state
            .db
            .run(move |c| {
                Ok(users::table
                    .filter(users::login.eq(login))
                    .select((users::id, users::role, users::district_code))
                    .first(c)?)
            })
            .await
            .unwrap();
        backend::auth::Actor {
            user_id: id,
            role: common::Role::parse(&role).unwrap(),
            district: district.as_deref().and_then(common::District::from_code),
            session_id: 0,
            assisted_by: None,
        }
    }

    /// Gives the account `login` a stall in `district` with its permit; returns (permit id, code).
    pub async fn grant_stall(&self, login: &'static str, district: &'static str) -> (i64, String) {
        use backend::db::schema::{stalls, users, zones};
        use diesel::prelude::*;
        let login = self.login_key(login);
        self.state
            .db
            .write(move |c| {
                let holder: i64 = users::table.filter(users::login.eq(login)).select(users::id).first(c)?;
                let stall: i64 = stalls::table
                    .inner_join(zones::table)
                    .filter(zones::district_code.eq(district).and(zones::status.eq("active")))
                    .filter(stalls::state.eq("free"))
                    .select(stalls::id)
                    .first(c)?;
                diesel::update(stalls::table.find(stall))
                    .set((stalls::state.eq("occupied"), stalls::holder_id.eq(holder)))
                    .execute(c)?;
                let p = backend::services::offers::stall_permit(c, holder, None, stall)?;
                Ok((p.id, p.verify_code))
            })
            .await
            .unwrap()
    }

    /// On a phone the menu, sign-out included, is folded away behind its button.
    pub async fn unfold_menu(&self) {
        let folded = self
            .js("const t = document.querySelector('.menu-toggle'); \
                 return getComputedStyle(t).display !== 'none' && t.getAttribute('aria-expanded') !== 'true';")
            .await;
        if folded == serde_json::Value::Bool(true) {
            self.click(".menu-toggle").await;
            self.wait_for(".site-nav.open").await;
        }
    }

    pub async fn sign_out(&self) {
        self.unfold_menu().await;
        self.click(".nav-actions .link-button").await;
        // Read from the DOM: on a phone the menu may fold again.
        self.wait_gone(".nav-actions .who").await;
        self.wait_for(".nav-actions a[href='/login']").await;
    }

    /// Signs in through the page. Officers and admins also give the second factor as a person
    /// would: at the first sign-in they set up the authenticator from the key on the page (and
    /// keep the recovery codes), later they type its current code.
    pub async fn sign_in(&self, login: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#login", login).await;
        self.fill("#password", password).await;
        self.click("form button[type=submit]").await;
        let step = self.wait_any(&[".who", "#enrol-start", "#totp-code"]).await;
        let secret = match step {
            "#enrol-start" => {
                self.click("#enrol-start").await;
                self.wait_for("#totp-secret").await.text().await.unwrap()
            }
            "#totp-code" => self.allow_next_totp(login).await,
            _ => return self.wait_app().await,
        };
        self.type_totp(&secret).await;
        if step == "#enrol-start" {
            self.wait_text("#recovery-codes", "-").await;
            self.click("#recovery-continue").await;
        }
        self.wait_for(".who").await;
        self.wait_app().await;
        self.wait_for(".who").await;
    }

    /// Types the authenticator's current code for `secret` and submits.
    pub async fn type_totp(&self, secret: &str) {
        let code = backend::auth::second_factor::code_at(secret, backend::clock::now().and_utc().timestamp());
        self.fill("#totp-code", &code).await;
        self.click("form button[type=submit]").await;
    }

    /// The account's authenticator secret (see `support/totp.rs`).
    pub async fn allow_next_totp(&self, login: &str) -> String {
        crate::totp::allow_next_totp(&self.state, login).await
    }

    /// Waits until one of the selectors matches; returns it.
    pub async fn wait_any<'a>(&self, selectors: &[&'a str]) -> &'a str {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            for s in selectors {
                let found = self.js(&format!("return !!document.querySelector({s:?})")).await;
                if found == serde_json::Value::Bool(true) {
                    return s;
                }
            }
            assert!(std::time::Instant::now() < deadline, "none of {selectors:?} appeared");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    pub async fn finish(self) {
        let Browser { client, .. } = &self;
        let _ = client.clone().close().await;
    }
}

/// A TCP relay in front of the server; sending `true` closes it and every connection through it.
async fn plug(upstream: std::net::SocketAddr) -> (std::net::SocketAddr, tokio::sync::watch::Sender<bool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let mut pulled = rx.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = pulled.changed() => break,
                accepted = listener.accept() => {
                    let Ok((mut inbound, _)) = accepted else { continue };
                    let mut cut = rx.clone();
                    tokio::spawn(async move {
                        let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else { return };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                            _ = cut.changed() => {}
                        }
                    });
                }
            }
        }
    });
    (addr, tx)
}

#[path = "cdp.rs"]
mod cdp;
use cdp::Cdp;

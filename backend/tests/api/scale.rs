//! Several stateless instances over one database, as behind the reverse proxy: a session made on
//! one is good on the other, a write on one is read on the other at once, and a logout on one ends
//! the session everywhere. (Jobs running once across instances: `permits.rs`.)

use crate::api_test;
use serde_json::json;

api_test!(two_instances_share_sessions_and_writes, |app| {
    let second = app.second_instance().await;
    let admin = app.admin().await;
    let admin_b = admin.to_instance(second.clone());
    // Signed in on the first; the second knows the session, CSRF token included.
    admin_b.get("/api/v1/me").await.assert_status(200);
    let r = admin_b
        .post(
            "/api/v1/users",
            &json!({ "username": "hl_wang", "display_name": "王警官", "role": "district_officer", "district": "350206", "password": "officer-pass-1" }),
        )
        .await;
    r.assert_status(201);
    // The first instance reads it straight away, and the new officer signs in there.
    let list = admin.get("/api/v1/users?role=district_officer").await.text();
    assert!(list.contains("hl_wang"), "{list}");
    let officer = app.anon();
    officer.login("hl_wang", "officer-pass-1").await;
    assert_eq!(officer.get("/api/v1/me").await.value()["district"], "350206");

    // Logging out on the second ends the session on the first.
    admin_b.post("/api/v1/auth/logout", &json!({})).await.assert_status(204);
    assert_eq!(admin.get("/api/v1/me").await.problem().status, 401);
});

/// One HTTP exchange with explicit cookies: (status, set-cookie pairs, body).
async fn exchange(
    http: &crate::crash::Http,
    method: &str,
    url: &str,
    cookies: &str,
    body: Option<serde_json::Value>,
) -> (u16, Vec<(String, String)>, serde_json::Value) {
    let mut req = hyper::Request::builder().method(method).uri(url).header("cookie", cookies);
    if let Some(csrf) = cookies.split("; ").find_map(|c| c.strip_prefix("tangui_csrf=")) {
        req = req.header("x-csrf-token", csrf);
    }
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    if !bytes.is_empty() {
        req = req.header("content-type", "application/json");
    }
    let res = http.request(req.body(http_body_util::Full::new(bytes::Bytes::from(bytes))).unwrap()).await.unwrap();
    let status = res.status().as_u16();
    let set: Vec<(String, String)> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next()?.split_once('=').map(|(k, v)| (k.into(), v.into())))
        .collect();
    let body = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    (status, set, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

/// The repository's nginx configuration, made runnable on this machine: the two upstreams on
/// the given ports, plain HTTP on `listen`, cache and temp files under `prefix`.
fn nginx_conf(prefix: &std::path::Path, listen: u16, a: u16, b: u16) -> String {
    let deploy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nginx-tangui.conf")).unwrap();
    // The port-80 redirect server is for the real host name only.
    let start = deploy.find("server {\n    listen 80;").expect("the redirect server");
    let end = start + deploy[start..].find("}\n").unwrap() + 2;
    let site: String = format!("{}{}", &deploy[..start], &deploy[end..])
        .replace("127.0.0.1:8081", &format!("127.0.0.1:{a}"))
        .replace("127.0.0.1:8082", &format!("127.0.0.1:{b}"))
        .replace("listen 443 ssl http2;", &format!("listen 127.0.0.1:{listen};"))
        .replace("/var/cache/nginx/tangui", &prefix.join("cache").display().to_string())
        .lines()
        .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
        .collect::<Vec<_>>()
        .join("\n");
    let p = prefix.display();
    format!(
        "worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\ndaemon on;\nevents {{ worker_connections 256; }}\n\
         http {{\n access_log off;\n client_body_temp_path {p}/body;\n proxy_temp_path {p}/proxy;\n fastcgi_temp_path {p}/fastcgi;\n \
         uwsgi_temp_path {p}/uwsgi;\n scgi_temp_path {p}/scgi;\n{site}\n}}\n"
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

api_test!(two_server_processes_behind_the_repository_nginx_config, |app| {
    use common::District;
    if std::process::Command::new("nginx").arg("-v").output().is_err() {
        assert!(std::env::var("TANGUI_E2E_REQUIRED").is_err(), "nginx is required (cargo xtask test installs it)");
        eprintln!("nginx not installed: skipped");
        return;
    }
    let app = app.with_demo().await;
    let (_, vid) = app.vendor().await;
    let phone: String = {
        use backend::db::schema::users;
        use diesel::prelude::*;
        app.state.db.run(move |c| Ok(users::table.find(vid).select(users::login).first(c)?)).await.unwrap()
    };
    let (permit, _) = app.grant_stall(vid, District::Tongan).await;
    {
        use backend::db::schema::permits;
        use diesel::prelude::*;
        let d = backend::clock::today() - chrono::Duration::days(1);
        app.state
            .db
            .write(move |c| {
                Ok(diesel::update(permits::table.find(permit)).set(permits::valid_until.eq(d)).execute(c)?)
            })
            .await
            .unwrap();
    }

    // Two instances with their jobs on (every 5 s), and nginx in front with the repository's config.
    let (pa, pb, pn) = (free_port(), free_port(), free_port());
    let env = [("TANGUI_JOBS", "true"), ("TANGUI_JOB_INTERVAL_SECS", "5"), ("TANGUI_TRUST_PROXY", "true")];
    let mut a = crate::crash::serve(&app, pa, &env);
    let mut b = crate::crash::serve(&app, pb, &env);
    let prefix = std::env::temp_dir().join(format!("tangui-nginx-{}", backend::auth::rand_bytes::random_hex(4)));
    std::fs::create_dir_all(&prefix).unwrap();
    std::fs::write(prefix.join("nginx.conf"), nginx_conf(&prefix, pn, pa, pb)).unwrap();
    let conf = prefix.join("nginx.conf").display().to_string();
    let started =
        std::process::Command::new("nginx").args(["-c", &conf, "-p", &prefix.display().to_string()]).output().unwrap();
    assert!(started.status.success(), "nginx: {}", String::from_utf8_lossy(&started.stderr));
    let http: crate::crash::Http =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let (ua, ub, un) =
        (format!("http://127.0.0.1:{pa}"), format!("http://127.0.0.1:{pb}"), format!("http://127.0.0.1:{pn}"));
    crate::crash::wait_up(&http, &ua).await;
    crate::crash::wait_up(&http, &ub).await;
    crate::crash::wait_up(&http, &un).await;

    // Signed in on A; B knows the session (and its CSRF token) at once.
    let (_, set, _) = exchange(&http, "GET", &format!("{ua}/api/v1/health"), "", None).await;
    let mut jar: Vec<(String, String)> = set;
    let cookies = |jar: &[(String, String)]| jar.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let login = json!({ "login": phone, "password": crate::util::PASSWORD });
    let (s, set, _) = exchange(&http, "POST", &format!("{ua}/api/v1/auth/login"), &cookies(&jar), Some(login)).await;
    assert_eq!(s, 200);
    for (k, v) in set {
        jar.retain(|(x, _)| *x != k);
        jar.push((k, v));
    }
    let (s, _, me) = exchange(&http, "GET", &format!("{ub}/api/v1/me"), &cookies(&jar), None).await;
    assert_eq!((s, me["id"].as_i64()), (200, Some(vid)));
    // A write through B is read through A straight away.
    let (s, _, _) =
        exchange(&http, "POST", &format!("{ub}/api/v1/me/notifications/read-all"), &cookies(&jar), Some(json!({})))
            .await;
    assert_eq!(s, 204);
    let (_, _, inbox) = exchange(&http, "GET", &format!("{ua}/api/v1/me/notifications"), &cookies(&jar), None).await;
    assert_eq!(inbox["unread"], 0, "{inbox}");
    // Through nginx every request is answered with the same session, whichever instance takes it.
    for _ in 0..10 {
        let (s, _, me) = exchange(&http, "GET", &format!("{un}/api/v1/me"), &cookies(&jar), None).await;
        assert_eq!((s, me["id"].as_i64()), (200, Some(vid)));
    }

    // The jobs of both instances have had slots to race for; the expired permit expired once.
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    let (_, _, p) = exchange(&http, "GET", &format!("{un}/api/v1/permits/{permit}"), &cookies(&jar), None).await;
    assert_eq!(p["status"], "expired", "{p}");
    let (_, _, inbox) = exchange(&http, "GET", &format!("{un}/api/v1/me/notifications"), &cookies(&jar), None).await;
    let expired = inbox["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "permit.expired").count();
    assert_eq!(expired, 1, "{inbox}");

    // Signing out through nginx ends the session on both instances.
    let (s, _, _) = exchange(&http, "POST", &format!("{un}/api/v1/auth/logout"), &cookies(&jar), Some(json!({}))).await;
    assert_eq!(s, 204);
    for base in [&ua, &ub] {
        assert_eq!(exchange(&http, "GET", &format!("{base}/api/v1/me"), &cookies(&jar), None).await.0, 401);
    }
    let _ = std::process::Command::new("nginx")
        .args(["-s", "stop", "-c", &conf, "-p", &prefix.display().to_string()])
        .status();
    for p in [&mut a, &mut b] {
        let _ = p.kill();
        let _ = p.wait();
    }
    let _ = std::fs::remove_dir_all(&prefix);
});

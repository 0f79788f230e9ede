//! Configuration from environment variables, optionally from a TOML file named by `TANGUI_CONFIG`
//! (keys are the variable names in lower case without the prefix, e.g. `bind = "0.0.0.0:8080"`).
//! An environment variable always wins over the file.

use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://PATH`, a bare path, or `postgres://…`.
    pub database_url: String,
    /// `TANGUI_BIND`
    pub bind: String,
    /// `TANGUI_PUBLIC_URL`: how users reach the app; used in permit QR codes and for the Origin check.
    pub public_url: String,
    /// `TANGUI_COOKIE_SECURE`: mark cookies Secure (set when served over HTTPS).
    pub cookie_secure: bool,
    /// `TANGUI_SECRET_KEY`: the key that seals personal data (64 hex digits, `tangui new-key`).
    /// Never kept in the database. Unset: read from `TANGUI_SECRET_KEY_FILE`, else from
    /// `data_dir/secret.key`, made on first start.
    pub secret_key: Option<String>,
    /// `TANGUI_SECRET_KEY_FILE`: a file holding the key (a mounted secret).
    pub secret_key_file: Option<PathBuf>,
    /// `TANGUI_OLD_SECRET_KEYS`: earlier keys, comma-separated, still read while `tangui rekey` runs.
    pub old_secret_keys: Vec<String>,
    /// `TANGUI_CIPHER`: `aes-256-gcm` (default) or `sm4-gcm` (SM4-GCM with HMAC-SM3, for 密评).
    pub cipher: crate::vault::Suite,
    /// `TANGUI_DIST`: the built frontend.
    pub dist_dir: PathBuf,
    /// `TANGUI_DATA_DIR`: uploaded files with SQLite, the default key file, backups.
    pub data_dir: PathBuf,
    /// `TANGUI_DB_POOL`
    pub db_pool_size: u32,
    /// `TANGUI_SESSION_IDLE_MINUTES`: a session unused this long ends.
    pub session_idle_minutes: i64,
    /// `TANGUI_SESSION_MAX_HOURS`: a session ends this long after sign-in, used or not.
    pub session_max_hours: i64,
    /// `TANGUI_STAFF_SESSION_IDLE_MINUTES`: the same for officers and admins (default 30).
    pub staff_session_idle_minutes: i64,
    /// `TANGUI_STAFF_SESSION_MAX_HOURS`: the same for officers and admins (default 12).
    pub staff_session_max_hours: i64,
    /// `TANGUI_CODES_PER_PHONE_HOUR`: one-time codes texted to one phone an hour.
    pub codes_per_phone_hour: i64,
    /// `TANGUI_CODES_PER_ADDRESS_HOUR`: one-time codes asked from one client address an hour.
    pub codes_per_address_hour: i64,
    /// `TANGUI_TRUST_PROXY`: take the client address from `X-Forwarded-For` (behind nginx).
    pub trust_proxy: bool,
    /// `TANGUI_LOG_FORMAT`: `json` or `pretty`.
    pub log_json: bool,
    /// `TANGUI_JOBS`: run the scheduled jobs in this instance (default on).
    pub run_jobs: bool,
    /// `TANGUI_JOB_INTERVAL_SECS`: how often the scheduled jobs run (default 300).
    pub job_interval_secs: u64,
    /// Text messages: the gateway (none: inbox and log only) and how messages are paced.
    pub sms: SmsConfig,
    /// `TANGUI_BASEMAP_TILES` (+ `_ATTRIBUTION`, `_DATUM`, `_MAX_ZOOM`, `_SUBDOMAINS`): a raster
    /// street map drawn under the zones; none: district outlines only.
    pub basemap_tiles: Option<common::tiles::TileSource>,
}

/// How text messages leave: through Kannel's `sendsms` interface when a gateway URL is set.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// `TANGUI_SMS_GATEWAY_URL`: Kannel's sendsms URL, e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`.
    pub gateway_url: Option<String>,
    /// `TANGUI_SMS_USERNAME` / `TANGUI_SMS_PASSWORD`: the sendsms-user of the Kannel configuration.
    pub username: String,
    pub password: String,
    /// `TANGUI_SMS_SENDER`: the sender number or id the carrier gave the city.
    pub sender: String,
    /// `TANGUI_SMS_CALLBACK_SECRET`: the shared secret in the delivery-report and incoming-text
    /// URLs the gateway calls (required with a gateway).
    pub callback_secret: Option<String>,
    /// `TANGUI_SMS_CALLBACK_URL`: how the gateway reaches this portal (default the public URL).
    pub callback_url: String,
    /// `TANGUI_SMS_RATE`: messages per second handed to the gateway (default 20).
    pub rate_per_sec: u32,
    /// `TANGUI_SMS_PER_RECIPIENT_HOUR`: at most this many texts to one phone an hour (default 10).
    pub per_recipient_hour: u32,
    /// `TANGUI_SMS_QUIET_HOURS`: no texts between these Xiamen times, e.g. `22:00-08:00` (empty:
    /// none); account-security texts are sent anyway.
    pub quiet_hours: Option<(chrono::NaiveTime, chrono::NaiveTime)>,
    /// `TANGUI_SMS_MAX_ATTEMPTS`: tries before a message is given up as dead (default 8).
    pub max_attempts: u32,
    /// `TANGUI_SMS_RETRY_SECS`: the first retry's delay; each next one doubles, with jitter (default 30).
    pub retry_base_secs: u64,
    /// `TANGUI_SMS_POLL_MS`: how often the courier looks for messages to send (default 1000).
    pub poll_ms: u64,
}

impl SmsConfig {
    /// The quiet hours from `22:00-08:00`.
    pub fn parse_quiet(v: &str) -> anyhow::Result<Option<(chrono::NaiveTime, chrono::NaiveTime)>> {
        let v = v.trim();
        if v.is_empty() || v == "none" {
            return Ok(None);
        }
        let (a, b) = v
            .split_once('-')
            .ok_or_else(|| anyhow::anyhow!("TANGUI_SMS_QUIET_HOURS: expected HH:MM-HH:MM, got {v:?}"))?;
        let t = |x: &str| {
            chrono::NaiveTime::parse_from_str(x.trim(), "%H:%M")
                .map_err(|_| anyhow::anyhow!("TANGUI_SMS_QUIET_HOURS: expected HH:MM-HH:MM, got {v:?}"))
        };
        Ok(Some((t(a)?, t(b)?)))
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let file = match std::env::var("TANGUI_CONFIG") {
            Ok(path) => {
                parse_file(&std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("TANGUI_CONFIG {path}: {e}"))?)?
            }
            Err(_) => HashMap::new(),
        };
        Config::from_sources(|k| std::env::var(k).ok(), &file)
    }

    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        file: &HashMap<String, String>,
    ) -> anyhow::Result<Config> {
        let get = |var: &str| -> Option<String> {
            env(var).or_else(|| {
                let key = var.strip_prefix("TANGUI_").unwrap_or(var).to_ascii_lowercase();
                file.get(&key).cloned()
            })
        };
        let flag = |var: &str, default: bool| -> anyhow::Result<bool> {
            match get(var).as_deref() {
                None | Some("") => Ok(default),
                Some("1" | "true" | "yes" | "on") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(other) => anyhow::bail!("{var}: expected true or false, got {other:?}"),
            }
        };
        let number = |var: &str, default: i64| -> anyhow::Result<i64> {
            match get(var) {
                None => Ok(default),
                Some(v) => v.parse().map_err(|_| anyhow::anyhow!("{var}: expected a number, got {v:?}")),
            }
        };
        let bind = get("TANGUI_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let public_url =
            get("TANGUI_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}")).trim_end_matches('/').to_string();
        let sms = {
            let gateway_url = get("TANGUI_SMS_GATEWAY_URL").filter(|s| !s.trim().is_empty());
            let callback_secret = get("TANGUI_SMS_CALLBACK_SECRET").filter(|s| !s.is_empty());
            if gateway_url.is_some() && callback_secret.as_deref().is_none_or(|s| s.len() < 16) {
                anyhow::bail!(
                    "TANGUI_SMS_CALLBACK_SECRET: set a secret of at least 16 characters with TANGUI_SMS_GATEWAY_URL \
                     (the gateway puts it in the delivery-report and incoming-text URLs)"
                );
            }
            SmsConfig {
                gateway_url,
                username: get("TANGUI_SMS_USERNAME").unwrap_or_default(),
                password: get("TANGUI_SMS_PASSWORD").unwrap_or_default(),
                sender: get("TANGUI_SMS_SENDER").unwrap_or_default(),
                callback_secret,
                callback_url: get("TANGUI_SMS_CALLBACK_URL")
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| public_url.clone())
                    .trim_end_matches('/')
                    .to_string(),
                rate_per_sec: number("TANGUI_SMS_RATE", 20)?.clamp(1, 10_000) as u32,
                per_recipient_hour: number("TANGUI_SMS_PER_RECIPIENT_HOUR", 10)?.clamp(1, 1_000) as u32,
                quiet_hours: SmsConfig::parse_quiet(
                    &get("TANGUI_SMS_QUIET_HOURS").unwrap_or_else(|| "22:00-08:00".into()),
                )?,
                max_attempts: number("TANGUI_SMS_MAX_ATTEMPTS", 8)?.clamp(1, 100) as u32,
                retry_base_secs: number("TANGUI_SMS_RETRY_SECS", 30)?.clamp(1, 86_400) as u64,
                poll_ms: number("TANGUI_SMS_POLL_MS", 1000)?.clamp(50, 60_000) as u64,
            }
        };
        Ok(Config {
            database_url: get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/tangui.db".into()),
            public_url,
            bind,
            cookie_secure: flag("TANGUI_COOKIE_SECURE", false)?,
            secret_key: get("TANGUI_SECRET_KEY").filter(|s| !s.is_empty()),
            secret_key_file: get("TANGUI_SECRET_KEY_FILE").filter(|s| !s.is_empty()).map(PathBuf::from),
            old_secret_keys: get("TANGUI_OLD_SECRET_KEYS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            cipher: {
                let v = get("TANGUI_CIPHER").unwrap_or_default();
                crate::vault::Suite::parse(&v)
                    .ok_or_else(|| anyhow::anyhow!("TANGUI_CIPHER: expected aes-256-gcm or sm4-gcm, got {v:?}"))?
            },
            dist_dir: PathBuf::from(get("TANGUI_DIST").unwrap_or_else(|| "dist".into())),
            data_dir: PathBuf::from(get("TANGUI_DATA_DIR").unwrap_or_else(|| "data".into())),
            db_pool_size: number("TANGUI_DB_POOL", 16)?.clamp(1, 256) as u32,
            session_idle_minutes: number("TANGUI_SESSION_IDLE_MINUTES", 12 * 60)?.max(1),
            session_max_hours: number("TANGUI_SESSION_MAX_HOURS", 7 * 24)?.max(1),
            staff_session_idle_minutes: number("TANGUI_STAFF_SESSION_IDLE_MINUTES", 30)?.max(1),
            staff_session_max_hours: number("TANGUI_STAFF_SESSION_MAX_HOURS", 12)?.max(1),
            codes_per_phone_hour: number("TANGUI_CODES_PER_PHONE_HOUR", 5)?.clamp(1, 1_000),
            codes_per_address_hour: number("TANGUI_CODES_PER_ADDRESS_HOUR", 20)?.clamp(1, 100_000),
            trust_proxy: flag("TANGUI_TRUST_PROXY", false)?,
            log_json: get("TANGUI_LOG_FORMAT").is_some_and(|f| f == "json"),
            run_jobs: flag("TANGUI_JOBS", true)?,
            job_interval_secs: number("TANGUI_JOB_INTERVAL_SECS", 300)?.clamp(5, 86_400) as u64,
            sms,
            basemap_tiles: {
                // All read up front, so that every setting is asked for whether or not it is used.
                let url = get("TANGUI_BASEMAP_TILES").map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
                let attribution = get("TANGUI_BASEMAP_ATTRIBUTION").filter(|s| !s.trim().is_empty());
                let datum = get("TANGUI_BASEMAP_DATUM").unwrap_or_else(|| "wgs84".into());
                let max_zoom = number("TANGUI_BASEMAP_MAX_ZOOM", 18)?.clamp(0, 22) as u8;
                let subdomains = get("TANGUI_BASEMAP_SUBDOMAINS").unwrap_or_default();
                match url {
                    None => None,
                    Some(url) => {
                        common::tiles::TileSource::check(&url)
                            .map_err(|e| anyhow::anyhow!("TANGUI_BASEMAP_TILES: the URL template {e}"))?;
                        Some(common::tiles::TileSource {
                            url,
                            attribution: attribution.ok_or_else(|| {
                                anyhow::anyhow!(
                                    "TANGUI_BASEMAP_ATTRIBUTION: a tile source needs its attribution (licence)"
                                )
                            })?,
                            datum: common::tiles::TileDatum::parse(&datum).ok_or_else(|| {
                                anyhow::anyhow!("TANGUI_BASEMAP_DATUM: expected wgs84 or gcj02, got {datum:?}")
                            })?,
                            max_zoom,
                            subdomains,
                        })
                    }
                }
            },
        })
    }
}

fn parse_file(text: &str) -> anyhow::Result<HashMap<String, String>> {
    let table: toml::Table = text.parse().map_err(|e| anyhow::anyhow!("config file: {e}"))?;
    Ok(table
        .into_iter()
        .map(|(k, v)| {
            let s = match v {
                toml::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, s)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_wins_over_file_and_defaults_apply() {
        let file = parse_file("bind = \"0.0.0.0:9000\"\ncookie_secure = true\ndb_pool = 4\n").unwrap();
        let c = Config::from_sources(|k| (k == "TANGUI_BIND").then(|| "127.0.0.1:1".to_string()), &file).unwrap();
        assert_eq!(c.bind, "127.0.0.1:1");
        assert!(c.cookie_secure);
        assert_eq!(c.db_pool_size, 4);
        assert_eq!(c.database_url, "sqlite://data/tangui.db");
        assert_eq!(c.public_url, "http://127.0.0.1:1");
    }

    /// The README's settings tables list exactly the variables the server reads.
    #[test]
    fn the_readme_lists_every_setting() {
        let asked = std::cell::RefCell::new(std::collections::BTreeSet::new());
        Config::from_sources(
            |k| {
                asked.borrow_mut().insert(k.to_string());
                None
            },
            &HashMap::new(),
        )
        .unwrap();
        let mut asked = asked.into_inner();
        asked.insert("TANGUI_CONFIG".into()); // read before the others, to find the file
        let readme = include_str!("../../README.md");
        let listed: std::collections::BTreeSet<String> = readme
            .lines()
            .filter(|l| l.starts_with("| `"))
            .flat_map(|l| {
                l.split('|').nth(1).unwrap_or("").split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>()
            })
            .filter(|v| v.starts_with("TANGUI_") || v == "DATABASE_URL")
            .filter(|v| !v.starts_with("TANGUI_TEST_"))
            .collect();
        let missing: Vec<_> = asked.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&asked).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "not in the README: {missing:?}; in the README only: {extra:?}"
        );
    }

    #[test]
    fn a_tile_source_needs_a_template_and_its_attribution() {
        let with = |pairs: &[(&str, &str)]| {
            let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            Config::from_sources(|k| m.get(k).cloned(), &HashMap::new())
        };
        assert!(with(&[]).unwrap().basemap_tiles.is_none());
        let url = "https://t{s}.tianditu.gov.cn/x?l={z}&r={y}&c={x}";
        let err = with(&[("TANGUI_BASEMAP_TILES", url)]).unwrap_err().to_string();
        assert!(err.contains("TANGUI_BASEMAP_ATTRIBUTION"), "{err}");
        let err = with(&[("TANGUI_BASEMAP_TILES", "https://x/{z}/{x}"), ("TANGUI_BASEMAP_ATTRIBUTION", "a")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("TANGUI_BASEMAP_TILES") && err.contains("{y}"), "{err}");
        let t = with(&[
            ("TANGUI_BASEMAP_TILES", url),
            ("TANGUI_BASEMAP_ATTRIBUTION", "天地图"),
            ("TANGUI_BASEMAP_DATUM", "gcj02"),
            ("TANGUI_BASEMAP_SUBDOMAINS", "01234567"),
        ])
        .unwrap()
        .basemap_tiles
        .unwrap();
        assert_eq!((t.datum, t.max_zoom, t.subdomains.as_str()), (common::tiles::TileDatum::Gcj02, 18, "01234567"));
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::from_sources(|k| (k == "TANGUI_COOKIE_SECURE").then(|| "maybe".to_string()), &HashMap::new())
            .unwrap_err();
        assert!(err.to_string().contains("TANGUI_COOKIE_SECURE"));
    }
}

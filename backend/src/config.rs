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
    /// `TANGUI_SECRET_KEY`: signs verify codes and seeds. If unset, one is generated and kept in
    /// the database so that every instance over the same database shares it.
    pub secret_key: Option<String>,
    /// `TANGUI_DIST`: the built frontend.
    pub dist_dir: PathBuf,
    /// `TANGUI_DATA_DIR`: uploaded files.
    pub data_dir: PathBuf,
    /// `TANGUI_DB_POOL`
    pub db_pool_size: u32,
    /// `TANGUI_SESSION_IDLE_MINUTES`: a session unused this long ends.
    pub session_idle_minutes: i64,
    /// `TANGUI_SESSION_MAX_HOURS`: a session ends this long after sign-in, used or not.
    pub session_max_hours: i64,
    /// `TANGUI_TRUST_PROXY`: take the client address from `X-Forwarded-For` (behind nginx).
    pub trust_proxy: bool,
    /// `TANGUI_LOG_FORMAT`: `json` or `pretty`.
    pub log_json: bool,
    /// `TANGUI_JOBS`: run the scheduled jobs in this instance (default on).
    pub run_jobs: bool,
    /// `TANGUI_JOB_INTERVAL_SECS`: how often the scheduled jobs run (default 300).
    pub job_interval_secs: u64,
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
        Ok(Config {
            database_url: get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/tangui.db".into()),
            public_url,
            bind,
            cookie_secure: flag("TANGUI_COOKIE_SECURE", false)?,
            secret_key: get("TANGUI_SECRET_KEY").filter(|s| !s.is_empty()),
            dist_dir: PathBuf::from(get("TANGUI_DIST").unwrap_or_else(|| "dist".into())),
            data_dir: PathBuf::from(get("TANGUI_DATA_DIR").unwrap_or_else(|| "data".into())),
            db_pool_size: number("TANGUI_DB_POOL", 16)?.clamp(1, 256) as u32,
            session_idle_minutes: number("TANGUI_SESSION_IDLE_MINUTES", 12 * 60)?.max(1),
            session_max_hours: number("TANGUI_SESSION_MAX_HOURS", 7 * 24)?.max(1),
            trust_proxy: flag("TANGUI_TRUST_PROXY", false)?,
            log_json: get("TANGUI_LOG_FORMAT").is_some_and(|f| f == "json"),
            run_jobs: flag("TANGUI_JOBS", true)?,
            job_interval_secs: number("TANGUI_JOB_INTERVAL_SECS", 300)?.clamp(5, 86_400) as u64,
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

    #[test]
    fn bad_values_are_named() {
        let err = Config::from_sources(|k| (k == "TANGUI_COOKIE_SECURE").then(|| "maybe".to_string()), &HashMap::new())
            .unwrap_err();
        assert!(err.to_string().contains("TANGUI_COOKIE_SECURE"));
    }
}

//! `tangui backup <dir>` and `tangui restore <dir>`: the database (SQLite through `VACUUM INTO`, an
//! online consistent copy; PostgreSQL through `pg_dump`) plus the uploaded files, with a manifest
//! of row counts and the audit chain's state, so a restore can prove it brought everything back.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, anyhow, bail};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::{DbConn, DbTarget, redact};
use crate::models::audit::{self, ChainCheck};

/// The tables whose counts a restore must reproduce: the people, the places and every case.
const COUNTED: [&str; 13] = [
    "users",
    // Uploaded files, with PostgreSQL (with SQLite they are the copied `uploads` directory).
    "stored_files",
    "zones",
    "stalls",
    "stall_applications",
    "application_documents",
    "allocation_rounds",
    "offers",
    "shop_filings",
    "permits",
    "violations",
    "complaints",
    "audit_log",
];

const SQLITE_FILE: &str = "database.sqlite3";
const PG_FILE: &str = "database.sql";
const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub database: String,
    pub created_at: String,
    pub counts: Vec<(String, i64)>,
    pub audit_records: u64,
    pub uploads: usize,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn counts(c: &mut DbConn) -> anyhow::Result<Vec<(String, i64)>> {
    COUNTED
        .iter()
        .map(|t| {
            let n = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {t}")).get_result::<Count>(c)?.n;
            Ok((t.to_string(), n))
        })
        .collect()
}

fn audit_records(c: &mut DbConn) -> anyhow::Result<u64> {
    match audit::verify_chain(c)? {
        ChainCheck::Intact { records } => Ok(records),
        ChainCheck::Broken { id, reason } => bail!("the audit chain is broken at record {id} ({reason})"),
    }
}

fn connect(target: &DbTarget) -> anyhow::Result<DbConn> {
    Ok(match target {
        DbTarget::Postgres(url) => DbConn::Pg(
            diesel::PgConnection::establish(url)
                .map_err(|e| anyhow!("cannot connect to PostgreSQL at {}: {e}", redact(url)))?,
        ),
        DbTarget::Sqlite(path) => DbConn::Sqlite(
            diesel::SqliteConnection::establish(&path.to_string_lossy())
                .map_err(|e| anyhow!("cannot open SQLite file {}: {e}", path.display()))?,
        ),
    })
}

/// The schema a PostgreSQL URL pins with `options=-csearch_path=…`, if any (one database can
/// hold several installations, one per schema).
fn pg_schema(url: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let v = kv.strip_prefix("options=")?.replace("%3D", "=").replace("%3d", "=");
        v.strip_prefix("-csearch_path=").map(|s| s.split(',').next().unwrap_or(s).to_string())
    })
}

/// libpq tools take the same URL as the server; a password in it goes by environment instead,
/// so it never shows in the process list.
fn pg_command(tool: &str, url: &str) -> Command {
    let mut cmd = Command::new(tool);
    let (scheme_end, at) = (url.find("://").map(|i| i + 3), url.rfind('@'));
    match (scheme_end, at) {
        (Some(s), Some(at)) if at > s && url[s..at].contains(':') => {
            let colon = s + url[s..at].find(':').unwrap_or(0);
            cmd.env("PGPASSWORD", &url[colon + 1..at]);
            cmd.arg("--dbname").arg(format!("{}{}", &url[..colon], &url[at..]));
        }
        _ => {
            cmd.arg("--dbname").arg(url);
        }
    }
    cmd
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<usize> {
    if !from.exists() {
        return Ok(0);
    }
    let mut n = 0;
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            n += copy_tree(&entry.path(), &dest)?;
        } else if !entry.file_name().to_string_lossy().starts_with(".tmp") {
            std::fs::copy(entry.path(), &dest)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Writes a backup of the configured database and uploads into `out` (created; must be empty).
pub fn backup(config: &Config, out: &Path) -> anyhow::Result<Manifest> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!("{} is not empty; a backup goes into a new directory", out.display());
    }
    std::fs::create_dir_all(out)?;
    let target = DbTarget::parse(&config.database_url);
    let mut c = connect(&target)?;
    // Counts first, then the copy: on a live server later writes may land in the copy too, so a
    // restore checks "at least" for rows written while the backup ran.
    let counts = counts(&mut c)?;
    let audit_records = audit_records(&mut c)?;
    let database = match &target {
        DbTarget::Sqlite(_) => {
            let file = out.join(SQLITE_FILE);
            let path = file.to_string_lossy().replace('\'', "''");
            c.batch_execute(&format!("VACUUM INTO '{path}'")).context("SQLite VACUUM INTO")?;
            "sqlite"
        }
        DbTarget::Postgres(url) => {
            let mut cmd = pg_command("pg_dump", url);
            cmd.args(["--format=plain", "--no-owner", "--no-privileges", "--file"]).arg(out.join(PG_FILE));
            if let Some(schema) = pg_schema(url) {
                cmd.arg("--schema").arg(schema);
            }
            let o = cmd.output().context("running pg_dump (Debian package postgresql-client)")?;
            if !o.status.success() {
                bail!("pg_dump failed: {}", String::from_utf8_lossy(&o.stderr).trim());
            }
            "postgres"
        }
    };
    let uploads = copy_tree(&config.data_dir.join("uploads"), &out.join("uploads"))?;
    let manifest = Manifest {
        database: database.into(),
        created_at: crate::clock::now().to_string(),
        counts,
        audit_records,
        uploads,
    };
    std::fs::write(out.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// Restores a backup into the configured database, which must be empty (a new SQLite file or a
/// PostgreSQL database or schema without tables), then checks counts and the audit chain.
pub fn restore(config: &Config, from: &Path) -> anyhow::Result<Manifest> {
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST)).with_context(|| format!("reading {}", from.join(MANIFEST).display()))?,
    )?;
    let target = DbTarget::parse(&config.database_url);
    match (&target, manifest.database.as_str()) {
        (DbTarget::Sqlite(path), "sqlite") => {
            if path.exists() {
                bail!("{} exists; restore into a new file so nothing is overwritten", path.display());
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::copy(from.join(SQLITE_FILE), path)?;
        }
        (DbTarget::Postgres(url), "postgres") => {
            let mut c = connect(&target)?;
            #[derive(QueryableByName)]
            struct Exists {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                e: bool,
            }
            let has_tables = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'users' \
                 AND table_schema = ANY (current_schemas(false))) AS e",
            )
            .get_result::<Exists>(&mut c)?
            .e;
            if has_tables {
                bail!("the target database already has tables; restore into an empty one");
            }
            let o = pg_command("psql", url)
                .args(["--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file"])
                .arg(from.join(PG_FILE))
                .output()
                .context("running psql (Debian package postgresql-client)")?;
            if !o.status.success() {
                bail!("psql failed: {}", String::from_utf8_lossy(&o.stderr).trim());
            }
        }
        (_, kind) => bail!("this backup is of a {kind} database; DATABASE_URL points elsewhere"),
    }
    let restored_files = copy_tree(&from.join("uploads"), &config.data_dir.join("uploads"))?;
    // Bring an older backup up to the current schema, then prove nothing was lost.
    crate::db::migrate(&target)?;
    let mut c = connect(&target)?;
    let now = counts(&mut c)?;
    for ((table, before), (_, after)) in manifest.counts.iter().zip(&now) {
        if after < before {
            bail!("{table}: {after} rows restored, the backup recorded {before}");
        }
    }
    let records = audit_records(&mut c)?;
    if records < manifest.audit_records || restored_files < manifest.uploads {
        bail!(
            "restored {records} audit records and {restored_files} files; the backup recorded {} and {}",
            manifest.audit_records,
            manifest.uploads
        );
    }
    Ok(manifest)
}

/// Where a backup goes by default: `backups/tangui-<timestamp>` beside the data directory.
pub fn default_dir(config: &Config) -> PathBuf {
    let stamp = crate::clock::now().format("%Y%m%d-%H%M%S").to_string();
    config.data_dir.join("backups").join(format!("tangui-{stamp}"))
}

#[cfg(test)]
mod tests {
    use super::pg_schema;

    #[test]
    fn schema_is_read_from_the_url_options() {
        assert_eq!(
            pg_schema("postgres://p@h/test?options=-csearch_path%3Dt_ab12&connect_timeout=5").as_deref(),
            Some("t_ab12")
        );
        assert_eq!(pg_schema("postgres://p@h/test?connect_timeout=5"), None);
        assert_eq!(pg_schema("postgres://p@h/test"), None);
    }
}

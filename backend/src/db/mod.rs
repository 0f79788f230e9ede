//! The database: one connection type over SQLite and PostgreSQL, the pool, and the migrations.
//!
//! The backend is chosen from the URL scheme (not by trying each in turn), so a PostgreSQL that
//! is down gives "connection refused" within seconds instead of a pool timeout.

pub mod schema;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::{AppError, AppResult};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(diesel::PgConnection),
    // Last: SQLite accepts any string as a path.
    Sqlite(diesel::SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

/// A parsed `DATABASE_URL`.
#[derive(Debug, Clone)]
pub enum DbTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DbTarget {
    /// `postgres://…` or `postgresql://…` → PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a bare path → SQLite.
    pub fn parse(url: &str) -> DbTarget {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Without a connect timeout, an unreachable host would hang the start for minutes.
            let url = if url.contains("connect_timeout=") {
                url.to_string()
            } else if url.contains('?') {
                format!("{url}&connect_timeout=5")
            } else {
                format!("{url}?connect_timeout=5")
            };
            DbTarget::Postgres(url)
        } else {
            let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
            DbTarget::Sqlite(PathBuf::from(path))
        }
    }

    pub fn kind(&self) -> DbKind {
        match self {
            DbTarget::Sqlite(_) => DbKind::Sqlite,
            DbTarget::Postgres(_) => DbKind::Postgres,
        }
    }

    fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        match self {
            DbTarget::Postgres(url) => Ok(DbConn::Pg(diesel::PgConnection::establish(url)?)),
            DbTarget::Sqlite(path) => {
                let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // Per-connection settings; WAL itself is stored in the file by `migrate`. A 16 MB
                // page cache and memory-mapped reads keep hot pages out of read() system calls.
                c.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA cache_size = -16000; PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(c))
            }
        }
    }
}

pub struct DbManager {
    target: DbTarget,
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.target.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

pub type DbPool = Pool<DbManager>;
pub type PooledConn = PooledConnection<DbManager>;

/// The pool plus what kind of database is behind it.
#[derive(Clone)]
pub struct Db {
    pub pool: DbPool,
    pub kind: DbKind,
    /// SQLite has one writer at a time, and a connection that finds the write lock taken sleeps
    /// in SQLite's busy handler (1, 2, 5 … 100 ms) instead of being woken when it is free. Writers
    /// of this process therefore queue here first, without holding a pooled connection.
    writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// One slot per pooled connection. Work waits for a slot here, as a task, before it takes a
    /// blocking thread; otherwise a rush parks hundreds of threads inside the pool's checkout,
    /// each with its own stack and malloc arena.
    slots: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Db {
    /// Runs pending migrations on a direct connection (readable errors), then builds the pool.
    pub fn open(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let target = DbTarget::parse(url);
        migrate(&target)?;
        let pool = Pool::builder()
            .max_size(pool_size)
            .connection_timeout(Duration::from_secs(10))
            .build(DbManager { target: target.clone() })?;
        let writer = (target.kind() == DbKind::Sqlite).then(std::sync::Arc::default);
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(pool_size.max(1) as usize));
        Ok(Db { pool, kind: target.kind(), writer, slots })
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let slot = self.slots.clone().acquire_owned().await.map_err(|e| AppError::Unavailable(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let mut conn = pool.get().map_err(|e| AppError::Unavailable(e.to_string()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("database task failed: {e}")))?
    }

    /// Like [`Db::run`], inside a write transaction (see [`write_tx`]).
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        self.write_then(f, |_, written| Ok(written)).await
    }

    /// Like [`Db::write`], then `then` on the same connection in the same blocking call once the
    /// transaction has committed and the write turn is given up (reading back what was written,
    /// say). One hop to the blocking pool instead of two: each hop is a thread woken and waited
    /// for, the largest share of the server's time in the application rush.
    pub async fn write_then<T, U, F, G>(&self, f: F, then: G) -> AppResult<U>
    where
        T: Send + 'static,
        U: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        G: FnOnce(&mut DbConn, T) -> AppResult<U> + Send + 'static,
    {
        let turn = match &self.writer {
            Some(w) => Some(w.clone().lock_owned().await),
            None => None,
        };
        self.run(move |c| {
            let written = write_tx(c, f);
            drop(turn);
            then(c, written?)
        })
        .await
    }
}

/// A transaction that will write. On SQLite its first statement takes the write lock, so a
/// transaction never reads a snapshot and then fails to upgrade it (SQLITE_BUSY_SNAPSHOT);
/// concurrent writers wait on `busy_timeout` instead.
pub fn write_tx<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> AppResult<T>) -> AppResult<T> {
    conn.transaction(|c| {
        if matches!(c, DbConn::Sqlite(_)) {
            diesel::sql_query("UPDATE audit_head SET id = id WHERE id = 1").execute(c)?;
        }
        f(c)
    })
}

pub fn kind_of(conn: &DbConn) -> DbKind {
    match conn {
        DbConn::Pg(_) => DbKind::Postgres,
        DbConn::Sqlite(_) => DbKind::Sqlite,
    }
}

/// Applies pending migrations; returns how many ran.
pub fn migrate(target: &DbTarget) -> anyhow::Result<usize> {
    let ran = match target {
        DbTarget::Postgres(url) => {
            let mut c = diesel::PgConnection::establish(url)
                .map_err(|e| anyhow::anyhow!("cannot connect to PostgreSQL at {}: {e}", redact(url)))?;
            // Instances starting together queue here instead of racing through the same migration.
            c.batch_execute("SELECT pg_advisory_lock(7826431)")?;
            let ran = c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len());
            c.batch_execute("SELECT pg_advisory_unlock(7826431)")?;
            ran.map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
        }
        DbTarget::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())
                .map_err(|e| anyhow::anyhow!("cannot open SQLite file {}: {e}", path.display()))?;
            c.batch_execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = OFF;")?;
            let n = c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
                .len();
            c.batch_execute("PRAGMA foreign_keys = ON;")?;
            n
        }
    };
    Ok(ran)
}

/// Hides the password in a database URL for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

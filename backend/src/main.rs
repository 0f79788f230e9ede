//! `tangui`: the server and its administrative commands.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Many short-lived allocations per request; mimalloc handles them with less contention than glibc.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use backend::config::Config;
use backend::models::audit::{self, ChainCheck};
use backend::services::account_admin;
use backend::{build_state, db, router, seed};

/// 摊规通 Tangui: the server and its administrative commands.
///
/// Settings come from the environment (DATABASE_URL, default sqlite://data/tangui.db; TANGUI_BIND,
/// TANGUI_PUBLIC_URL, TANGUI_DIST, TANGUI_DATA_DIR, TANGUI_CONFIG for a TOML file with the same
/// keys, TANGUI_LOG_FORMAT json|pretty …); the README lists them all.
#[derive(Parser)]
#[command(name = "tangui", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Start the HTTP server (runs migrations first).
    Serve {
        /// Fill an empty database with the demo data and print the demo logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill an empty database with the demo data (150 zones, 6,145 stalls, demo accounts);
    /// refuses if zones already exist.
    SeedDemo,
    /// Create a city admin; the password is read from TANGUI_ADMIN_PASSWORD or the first line of
    /// standard input.
    CreateAdmin { username: String, display_name: String },
    /// Disable an account (someone who left) and end its sessions at once.
    DisableUser { login: String },
    /// Enable a disabled account again.
    EnableUser { login: String },
    /// Sign an account out everywhere.
    EndSessions { login: String },
    /// Clear an officer's authenticator (lost phone): they set up a new one at their next sign-in.
    ResetSecondFactor { login: String },
    /// Check the audit log's hash chain; names the first broken record. With --heads, also check
    /// it against heads published earlier (a copy of /api/v1/transparency/audit-heads), which
    /// catches a log that was rewritten and chained again.
    VerifyAudit {
        #[arg(long)]
        heads: Option<std::path::PathBuf>,
    },
    /// Run a closed allocation round's draw, printing progress. The outside value is the one from
    /// the source the round notice named (e.g. the numbers drawn by witnesses at the ceremony).
    DrawRound {
        round: i64,
        #[arg(long, default_value = "")]
        outside_value: String,
    },
    /// Re-run a drawn round from its published inputs and seed and say whether the stored results
    /// match; with --file, the same from a published record.json, without a database.
    VerifyRound {
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        round: Option<i64>,
        /// A record published at /api/v1/rounds/<id>/record.json.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Copy the database (SQLite online copy, or pg_dump) and the uploaded files into a new
    /// directory (default data/backups/tangui-<time>), with a manifest of row counts and the
    /// audit chain.
    Backup { dir: Option<std::path::PathBuf> },
    /// Restore such a backup into the empty database DATABASE_URL names and check that every
    /// counted row and the audit chain came back.
    Restore { dir: std::path::PathBuf },
    /// Print the OpenAPI document.
    Openapi,
    /// Print a fresh key for TANGUI_SECRET_KEY (64 hex digits from the OS random source).
    NewKey,
    /// Seal every ID number, phone and stored file again under the current key. Rotation: add the
    /// new key to TANGUI_OLD_SECRET_KEYS on every server, then make it TANGUI_SECRET_KEY and move
    /// the old one to TANGUI_OLD_SECRET_KEYS, run this, and drop the old key when it reports none left.
    Rekey,
}

fn init_logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json { builder.json().init() } else { builder.init() }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Usage errors and --help come before the settings are read.
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tangui: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logs(config.log_json);
    match run(config, cli.command).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tangui: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, command: Cmd) -> anyhow::Result<ExitCode> {
    match command {
        Cmd::Serve { demo } => serve(config, demo).await,
        Cmd::Migrate => {
            let target = db::DbTarget::parse(&config.database_url);
            let n = tokio::task::spawn_blocking(move || db::migrate(&target)).await??;
            println!("migrations applied: {n} ({})", db::redact(&config.database_url));
            Ok(ExitCode::SUCCESS)
        }
        Cmd::NewKey => {
            println!("{}", backend::vault::new_master_key());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Rekey => {
            let state = build_state(config).await?;
            let done = backend::services::sealing::rekey(&state).await?;
            println!(
                "sealed again under key {}: {} rows, {} files; left unreadable (key not in the ring): {}",
                state.vault.current().id,
                done.rows,
                done.files,
                done.unreadable
            );
            Ok(if done.unreadable == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Cmd::SeedDemo => {
            let state = build_state(config).await?;
            match seed::seed_demo(&state).await? {
                Some(report) => println!("{report}"),
                None => println!("the database already has zones; demo data not added"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::CreateAdmin { username, display_name: name } => {
            let password = match std::env::var("TANGUI_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let state = build_state(config).await?;
            match seed::create_admin(&state, &username, &name, &password).await {
                Ok(id) => {
                    println!("created city admin {username} (id {id})");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    for fe in e.to_problem().errors {
                        eprintln!("{}: {} / {}", fe.field, fe.message.zh, fe.message.en);
                    }
                    eprintln!("tangui: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Cmd::DisableUser { login } => account_command(config, &login, account_admin::CliAction::Disable).await,
        Cmd::EnableUser { login } => account_command(config, &login, account_admin::CliAction::Enable).await,
        Cmd::EndSessions { login } => account_command(config, &login, account_admin::CliAction::EndSessions).await,
        Cmd::ResetSecondFactor { login } => {
            account_command(config, &login, account_admin::CliAction::ResetSecondFactor).await
        }
        Cmd::Backup { dir } => {
            let out = dir.unwrap_or_else(|| backend::backup::default_dir(&config));

            let o = out.clone();
            let m = tokio::task::spawn_blocking(move || backend::backup::backup(&config, &o)).await??;
            println!(
                "backup of the {} database written to {}: {} audit records (chain intact), {} uploaded files",
                m.database,
                out.display(),
                m.audit_records,
                m.uploads
            );
            for (table, n) in &m.counts {
                println!("  {table:<24} {n}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Restore { dir: from } => {
            let m = tokio::task::spawn_blocking(move || backend::backup::restore(&config, &from)).await??;
            println!(
                "restored the backup of {}: every counted row and {} audit records are back, chain intact",
                m.created_at, m.audit_records
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::VerifyAudit { heads } => {
            let published: Vec<audit::Checkpoint> = match &heads {
                Some(path) => serde_json::from_slice(&std::fs::read(path)?)
                    .map_err(|e| anyhow::anyhow!("{}: not a list of published heads: {e}", path.display()))?,
                None => Vec::new(),
            };
            let state = build_state(config).await?;
            let result = state.db.run(|c| Ok(audit::verify_chain(c)?)).await?;
            let mut ok = match result {
                ChainCheck::Intact { records } => {
                    println!("audit chain intact: {records} records");
                    true
                }
                ChainCheck::Broken { id, reason } => {
                    println!("audit chain BROKEN at record {id}: {reason}");
                    false
                }
            };
            if heads.is_some() {
                match state.db.run(move |c| Ok(audit::verify_heads(c, &published)?)).await? {
                    audit::HeadsCheck::Agree { heads } => println!("the log agrees with all {heads} published heads"),
                    audit::HeadsCheck::Rewritten { day, after, records } => {
                        println!(
                            "audit log REWRITTEN: the head published on {day} ({records} records) is gone; \
                             the change lies after record {after} and at or before record {records}"
                        );
                        ok = false;
                    }
                }
            }
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Cmd::DrawRound { round: id, outside_value } => {
            let state = build_state(config).await?;
            let board = state.draws.clone();
            let watcher = {
                let board = board.clone();
                tokio::spawn(async move {
                    let mut last = String::new();
                    loop {
                        if let Some(p) = board.get(id) {
                            let line = format!("{} {}/{}", p.stage, p.done, p.total);
                            if line != last {
                                eprintln!("  {line}");
                                last = line;
                            }
                        }
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                })
            };
            let admin = backend::auth::Actor {
                user_id: admin_id(&state).await?,
                role: common::Role::CityAdmin,
                district: None,
                session_id: 0,
                assisted_by: None,
            };
            let started = std::time::Instant::now();
            let input = common::dto::rounds::DrawInput { outside_value };
            let r = backend::services::rounds::draw(&state, &admin, id, input, board).await;
            watcher.abort();
            match r {
                Ok(v) => {
                    let placed = v.results.iter().filter(|l| l.stall_number.is_some()).count();
                    println!(
                        "round {id} drawn in {:.0} ms: {} applicants, {placed} placed, {} waitlisted; seed {}",
                        started.elapsed().as_secs_f64() * 1000.0,
                        v.results.len(),
                        v.results.len() - placed,
                        v.seed.unwrap_or_default()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("tangui: draw failed, nothing was changed: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Cmd::VerifyRound { round, file } => match (round, file) {
            (_, Some(path)) => {
                let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
                match backend::services::rounds::verify_record(&record) {
                    Ok(msg) => {
                        println!("MATCH: {msg}");
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(why) => {
                        println!("MISMATCH: {why}");
                        Ok(ExitCode::FAILURE)
                    }
                }
            }
            (Some(id), None) => {
                let state = build_state(config).await?;
                match state.db.run(move |c| backend::services::rounds::verify(c, id)).await? {
                    Ok(()) => {
                        println!(
                            "MATCH: round {id}: recomputed from the published inputs and seed, the results are identical"
                        );
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(why) => {
                        println!("MISMATCH: round {id}: {why}");
                        Ok(ExitCode::FAILURE)
                    }
                }
            }
            // clap requires one of the two.
            (None, None) => Ok(ExitCode::from(2)),
        },
        Cmd::Openapi => {
            println!("{}", serde_json::to_string_pretty(&router::openapi_json())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `disable-user`, `enable-user`, `end-sessions`, `reset-second-factor`.
async fn account_command(config: Config, login: &str, action: account_admin::CliAction) -> anyhow::Result<ExitCode> {
    let state = build_state(config).await?;
    match account_admin::from_cli(&state, login, action).await {
        Ok(said) => {
            println!("{said}");
            Ok(ExitCode::SUCCESS)
        }
        Err(backend::error::AppError::NotFound) => {
            eprintln!("tangui: no account signs in as {login}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("tangui: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<ExitCode> {
    let bind = config.bind.clone();
    let public = config.public_url.clone();
    let state = build_state(config).await?;
    tracing::info!(database = state.db.kind.as_str(), "database ready");
    if demo && let Some(report) = seed::seed_demo(&state).await? {
        println!("{report}");
    }
    let listener =
        tokio::net::TcpListener::bind(&bind).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let app = router::build(state.clone());
    if state.config.run_jobs {
        backend::jobs::spawn(state.clone(), std::time::Duration::from_secs(state.config.job_interval_secs));
        backend::services::sms::spawn_courier(state.clone());
    }
    println!("\n摊规通 Tangui is running: {public}\n");
    if demo {
        println!("{}", seed::DEMO_LOGINS);
    }
    tokio::select! {
        r = backend::serve(listener, app) => r?,
        _ = tokio::signal::ctrl_c() => tracing::info!("shutting down"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The first city admin, acting for CLI commands that change data (so the audit log names one).
async fn admin_id(state: &backend::app::AppState) -> anyhow::Result<i64> {
    use backend::db::schema::users;
    use diesel::prelude::*;
    let id = state
        .db
        .run(|c| {
            Ok(users::table
                .filter(users::role.eq("city_admin"))
                .order(users::id.asc())
                .select(users::id)
                .first::<i64>(c)
                .optional()?)
        })
        .await?;
    id.ok_or_else(|| anyhow::anyhow!("no city admin account exists; create one with `tangui create-admin`"))
}

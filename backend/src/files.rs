//! Uploaded files (application documents, inspection photos, complaint photos), stored once by
//! their SHA-256 and sealed with the personal-data key (`vault`), so neither the disk, the
//! database nor their backups hold an ID card or a photo in clear.
//!
//! With PostgreSQL they live in the database (`stored_files`), so instances behind a load
//! balancer need no shared disk and `pg_dump` backs them up with everything else. With SQLite they
//! live under `data_dir/uploads/ab/abcdef…`, written to a temporary name and renamed, so a crash
//! never leaves a half file under the real name. A PostgreSQL deployment that started on disk
//! still reads its older files from there.

use std::path::{Path, PathBuf};

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::db::schema::stored_files;
use crate::db::{DbConn, DbTarget};
use crate::error::{AppError, AppResult};
use crate::vault::Keyring;

mod jpeg;

fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("uploads").join(&sha256[..2]).join(sha256)
}

fn valid(sha256: &str) -> bool {
    sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether files go into the database (PostgreSQL) rather than onto the disk.
fn in_database(app: &App) -> bool {
    matches!(DbTarget::parse(&app.config.database_url), DbTarget::Postgres(_))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("has a parent");
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!("{name}.part-{}", crate::auth::rand_bytes::random_hex(4)));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn internal(e: impl Into<anyhow::Error>) -> AppError {
    AppError::Internal(e.into())
}

/// What `store` kept: the SHA-256 of the bytes in clear (the file's name) and their length.
pub struct Stored {
    pub sha256: String,
    pub size: i64,
}

/// Stores an upload sealed (if not already there); a photo is cleaned first (`clean_photo`).
/// The picture, the hash, the sealing and, on disk, the write happen in one call on the blocking
/// pool: every hop there is a thread woken and waited for, which was almost a third of the
/// server's CPU in the application rush (`xtask/bench/results/rush-profile.md`).
pub async fn store(app: &App, bytes: Vec<u8>, photo: bool) -> AppResult<Stored> {
    let vault = app.vault.clone();
    let disk = (!in_database(app)).then(|| app.config.data_dir.clone());
    let (stored, sealed) = tokio::task::spawn_blocking(move || -> AppResult<(Stored, Option<Vec<u8>>)> {
        let bytes = if photo { clean_photo_blocking(&bytes)? } else { bytes };
        let stored = Stored { sha256: hex::encode(Sha256::digest(&bytes)), size: bytes.len() as i64 };
        let Some(dir) = disk else {
            let sealed = vault.seal_bytes(&bytes);
            return Ok((stored, Some(sealed)));
        };
        let path = path_of(&dir, &stored.sha256);
        if path.exists() {
            // Stored again, a file is fresh: the sweep leaves it a day for its row to arrive.
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(std::time::SystemTime::now()))
                .map_err(internal)?;
        } else {
            write_atomically(&path, &vault.seal_bytes(&bytes)).map_err(internal)?;
        }
        Ok((stored, None))
    })
    .await
    .map_err(internal)??;
    if let Some(sealed) = sealed {
        let h = stored.sha256.clone();
        app.db
            .write(move |c| {
                if let DbConn::Pg(pg) = c {
                    diesel::insert_into(stored_files::table)
                        .values((
                            stored_files::sha256.eq(&h),
                            stored_files::sealed.eq(&sealed),
                            stored_files::created_at.eq(crate::clock::now()),
                        ))
                        .on_conflict(stored_files::sha256)
                        .do_update()
                        .set(stored_files::created_at.eq(crate::clock::now()))
                        .execute(pg)?;
                }
                Ok(())
            })
            .await?;
    }
    Ok(stored)
}

/// The bytes in clear.
pub async fn read(app: &App, sha256: &str) -> AppResult<Vec<u8>> {
    if !valid(sha256) {
        return Err(AppError::NotFound);
    }
    let mut stored = None;
    if in_database(app) {
        let h = sha256.to_string();
        stored = app
            .db
            .run(move |c| {
                Ok(stored_files::table.find(h).select(stored_files::sealed).first::<Vec<u8>>(c).optional()?)
            })
            .await?;
    }
    let stored = match stored {
        Some(s) => s,
        None => tokio::fs::read(path_of(&app.config.data_dir, sha256)).await.map_err(|_| AppError::NotFound)?,
    };
    app.vault.open_bytes(&stored).map_err(internal)
}

/// Whether no row refers to the file any more (files are shared by identical uploads).
pub fn unreferenced(c: &mut crate::db::DbConn, sha256: &str) -> diesel::QueryResult<bool> {
    use crate::db::schema::{application_documents as docs, evidence};
    let in_docs: i64 = docs::table.filter(docs::sha256.eq(sha256)).count().get_result(c)?;
    let in_evidence: i64 = evidence::table.filter(evidence::sha256.eq(sha256)).count().get_result(c)?;
    Ok(in_docs + in_evidence == 0)
}

/// How long a file no row refers to is kept: an upload of the same picture may be on its way
/// (the file is stored before its row is written).
pub const SWEEP_GRACE_HOURS: i64 = 24;

/// Deletes the stored files no row refers to and that were not stored again within `grace`;
/// returns how many. Run by the scheduled job `files.sweep`, so a document deleted, expired or
/// closed with its account leaves no file behind.
pub async fn sweep(app: &App, grace: chrono::Duration) -> AppResult<usize> {
    use crate::db::schema::{application_documents as docs, evidence};
    use diesel::dsl::{exists, not};
    let cutoff = crate::clock::now() - grace;
    // In the database: one statement, so a file stored again meanwhile (fresh `created_at`) stays.
    let mut n = app
        .db
        .write(move |c| {
            Ok(diesel::delete(
                stored_files::table
                    .filter(stored_files::created_at.lt(cutoff))
                    .filter(not(exists(docs::table.filter(docs::sha256.eq(stored_files::sha256)))))
                    .filter(not(exists(evidence::table.filter(evidence::sha256.eq(stored_files::sha256))))),
            )
            .execute(c)?)
        })
        .await?;
    // On the disk: files older than the grace whose hash no row names.
    let root = app.config.data_dir.join("uploads");
    let since = std::time::SystemTime::now() - std::time::Duration::from_secs(grace.num_seconds().max(0) as u64);
    let old: Vec<(PathBuf, String)> = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                let stale = f.metadata().and_then(|m| m.modified()).is_ok_and(|t| t <= since);
                if valid(&name) && stale {
                    out.push((f.path(), name));
                }
            }
        }
        out
    })
    .await
    .map_err(internal)?;
    for (path, sha) in old {
        let s = sha.clone();
        if app.db.run(move |c| Ok(unreferenced(c, &s)?)).await? && tokio::fs::remove_file(&path).await.is_ok() {
            n += 1;
        }
    }
    Ok(n)
}

/// Seals again every stored file not sealed under the current key (`tangui rekey`), in the
/// database and on the disk; returns how many were written and how many could not be opened.
pub async fn reseal_all(app: &App) -> AppResult<(usize, usize)> {
    let vault = app.vault.clone();
    let (mut rows, mut unreadable) = app
        .db
        .run(move |c| {
            let (mut rows, mut unreadable) = (0, 0);
            let names: Vec<String> = stored_files::table.select(stored_files::sha256).load(c)?;
            for name in names {
                let stored: Vec<u8> = stored_files::table.find(&name).select(stored_files::sealed).first(c)?;
                if vault.is_current_bytes(&stored) {
                    continue;
                }
                match vault.open_bytes(&stored) {
                    Ok(plain) => {
                        diesel::update(stored_files::table.find(&name))
                            .set(stored_files::sealed.eq(vault.seal_bytes(&plain)))
                            .execute(c)?;
                        rows += 1;
                    }
                    Err(e) => {
                        tracing::error!(file = %name, error = %e, "a stored file could not be opened to seal it again");
                        unreadable += 1;
                    }
                }
            }
            Ok((rows, unreadable))
        })
        .await?;
    let (dir, vault) = (app.config.data_dir.clone(), app.vault.clone());
    let (r, u) =
        tokio::task::spawn_blocking(move || reseal_disk(&dir, &vault)).await.map_err(internal)?.map_err(internal)?;
    rows += r;
    unreadable += u;
    Ok((rows, unreadable))
}

fn reseal_disk(data_dir: &Path, vault: &Keyring) -> std::io::Result<(usize, usize)> {
    let (mut rows, mut unreadable) = (0, 0);
    let root = data_dir.join("uploads");
    let Ok(dirs) = std::fs::read_dir(&root) else { return Ok((0, 0)) };
    for dir in dirs.flatten() {
        for file in std::fs::read_dir(dir.path())?.flatten() {
            let path = file.path();
            if path.extension().is_some() || path.to_string_lossy().contains(".part-") {
                continue;
            }
            let stored = std::fs::read(&path)?;
            if vault.is_current_bytes(&stored) {
                continue;
            }
            match vault.open_bytes(&stored) {
                Ok(plain) => {
                    write_atomically(&path, &vault.seal_bytes(&plain))?;
                    rows += 1;
                }
                Err(e) => {
                    tracing::error!(file = %path.display(), error = %e, "a stored file could not be opened to seal it again");
                    unreadable += 1;
                }
            }
        }
    }
    Ok((rows, unreadable))
}

use common::application::MAX_PHOTO_SIDE;

/// A photo as it is stored: upright, no larger than `MAX_PHOTO_SIDE`, and without any metadata
/// (a phone's photo carries the place it was taken, the camera and the time). JPEG stays JPEG, PNG
/// stays PNG. A JPEG that is already upright and small enough only loses its metadata segments,
/// its picture copied as coded (`jpeg::strip`); any other picture is decoded and written again.
pub async fn clean_photo(bytes: Vec<u8>) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || clean_photo_blocking(&bytes)).await.map_err(|e| AppError::Internal(e.into()))?
}

fn unreadable() -> AppError {
    AppError::field(
        "file",
        "unreadable_image",
        "这张图片打不开，请重新拍照或换一张",
        "This picture cannot be read; take it again or choose another",
    )
}

fn clean_photo_blocking(bytes: &[u8]) -> AppResult<Vec<u8>> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
    if let Some(s) = jpeg::strip(bytes)
        && s.orientation == 1
        && u32::from(s.width.max(s.height)) <= MAX_PHOTO_SIDE
    {
        return Ok(s.bytes);
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|_| unreadable())?;
    let format = reader.format().ok_or_else(unreadable)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder.orientation().map_err(|_| unreadable())?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > MAX_PHOTO_SIDE {
        img = img.resize(MAX_PHOTO_SIDE, MAX_PHOTO_SIDE, image::imageops::FilterType::Triangle);
    }
    let mut out = Vec::new();
    if format == ImageFormat::Jpeg {
        let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&rgb)
            .map_err(|e| AppError::Internal(e.into()))?;
    } else {
        img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(out)
}

//! Uploaded files (application documents, inspection photos, complaint photos), stored once by
//! their SHA-256 under `data_dir/uploads/ab/abcdef…`. Written to a temporary name and renamed, so
//! a crash never leaves a half file under the real name. Sealed with the personal-data key
//! (`vault`): the disk and its backups hold no ID card or photo in clear.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};
use crate::vault::Keyring;

fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("uploads").join(&sha256[..2]).join(sha256)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("has a parent");
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!("{name}.part-{}", crate::auth::rand_bytes::random_hex(4)));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Stores the bytes sealed (if not already there) and returns the SHA-256 of the bytes in clear.
pub async fn store(data_dir: &Path, vault: Arc<Keyring>, bytes: Vec<u8>) -> AppResult<String> {
    let hash = hex::encode(Sha256::digest(&bytes));
    let path = path_of(data_dir, &hash);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        if path.exists() {
            return Ok(());
        }
        write_atomically(&path, &vault.seal_bytes(&bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(hash)
}

/// The bytes in clear.
pub async fn read(data_dir: &Path, vault: &Keyring, sha256: &str) -> AppResult<Vec<u8>> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let stored = tokio::fs::read(path_of(data_dir, sha256)).await.map_err(|_| AppError::NotFound)?;
    vault.open_bytes(&stored).map_err(|e| AppError::Internal(e.into()))
}

/// Whether no row refers to the file any more (files are shared by identical uploads).
pub fn unreferenced(c: &mut crate::db::DbConn, sha256: &str) -> diesel::QueryResult<bool> {
    use crate::db::schema::{application_documents as docs, evidence};
    use diesel::prelude::*;
    let in_docs: i64 = docs::table.filter(docs::sha256.eq(sha256)).count().get_result(c)?;
    let in_evidence: i64 = evidence::table.filter(evidence::sha256.eq(sha256)).count().get_result(c)?;
    Ok(in_docs + in_evidence == 0)
}

/// Deletes a stored file once no row refers to it any more (the caller has checked).
pub async fn remove(data_dir: &Path, sha256: &str) {
    if sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        let _ = tokio::fs::remove_file(path_of(data_dir, sha256)).await;
    }
}

/// Seals again every stored file not sealed under the current key (`tangui rekey`); returns
/// how many were written and how many could not be opened.
pub fn reseal_all(data_dir: &Path, vault: &Keyring) -> std::io::Result<(usize, usize)> {
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

/// The longest side a stored photo keeps: enough to read an ID card or see a blocked lane.
pub const MAX_PHOTO_SIDE: u32 = 2560;

/// A photo decoded and written again before it is stored: turned upright by its orientation
/// tag, no larger than `MAX_PHOTO_SIDE`, and without any metadata (a phone's photo carries the
/// place it was taken, the camera and the time). JPEG stays JPEG, PNG stays PNG.
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

//! Uploaded files (application documents, inspection photos, complaint photos), stored once by
//! their SHA-256 under `data_dir/uploads/ab/abcdef…`. Written to a temporary name and renamed, so
//! a crash never leaves a half file under the real name.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("uploads").join(&sha256[..2]).join(sha256)
}

/// Stores the bytes (if not already there) and returns their SHA-256.
pub async fn store(data_dir: &Path, bytes: Vec<u8>) -> AppResult<String> {
    let hash = hex::encode(Sha256::digest(&bytes));
    let path = path_of(data_dir, &hash);
    let name = hash.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().expect("has a parent");
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{name}.part-{}", crate::auth::rand_bytes::random_hex(4)));
        std::fs::write(&tmp, &bytes)?;
        std::fs::rename(&tmp, &path)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(hash)
}

pub async fn read(data_dir: &Path, sha256: &str) -> AppResult<Vec<u8>> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    tokio::fs::read(path_of(data_dir, sha256)).await.map_err(|_| AppError::NotFound)
}

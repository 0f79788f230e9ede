//! argon2id with OWASP parameters (m=19 MiB, t=2, p=1), hashed on blocking threads with at most
//! one hash per core but one at a time, so a login storm queues for its cores and leaves one free
//! for everything else (the map, submissions).

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

pub struct Hasher {
    permits: Arc<Semaphore>,
}

/// Verified against when the account does not exist, so timing does not reveal which logins exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("not-a-real-password-0").expect("hashing works"));

pub fn hash_blocking(password: &str) -> AppResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
}

/// Whether a stored hash was made with other parameters than today's (older, weaker settings):
/// then it is made again at the next sign-in, when the password is at hand.
pub fn needs_rehash(hash: &str) -> bool {
    let p = argon2::Params::default();
    let current = format!("$argon2id$v=19$m={},t={},p={}$", p.m_cost(), p.t_cost(), p.p_cost());
    !hash.starts_with(&current)
}

pub fn verify_blocking(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

impl Hasher {
    pub fn new() -> Hasher {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Hasher { permits: Arc::new(Semaphore::new(cores.saturating_sub(1).max(1))) }
    }

    async fn with_permit<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let _permit = self.permits.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
        tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(e.into()))
    }

    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.with_permit(move || hash_blocking(&password)).await?
    }

    /// `None` as the hash means "no such account": still spends the same time.
    pub async fn verify(&self, password: String, hash: Option<String>) -> AppResult<bool> {
        self.with_permit(move || match hash {
            Some(h) => verify_blocking(&password, &h),
            None => {
                verify_blocking(&password, &DUMMY_HASH);
                false
            }
        })
        .await
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_argon2id_owasp_and_verify() {
        let h = super::hash_blocking("tangui2026").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(super::verify_blocking("tangui2026", &h));
        assert!(!super::verify_blocking("tangui2027", &h));
        assert!(!super::needs_rehash(&h));
        let weaker = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(4096, 1, 1, None).unwrap(),
        );
        use argon2::password_hash::PasswordHasher;
        let old = weaker.hash_password(b"tangui2026").unwrap().to_string();
        assert!(super::needs_rehash(&old), "{old}");
    }
}

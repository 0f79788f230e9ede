//! Who is asking: passwords, sessions, the CSRF check and login throttling.

pub mod codes;
pub mod csrf;
pub mod limits;
pub mod password;
pub mod second_factor;
pub mod session;
pub mod throttle;

pub use session::{Actor, Admin, CurrentUser, MaybeUser, MerchantUser, Officer, Staff, VendorUser};

use rand_bytes::random_hex;

/// Random bytes from the OS, hex encoded (`n` bytes → `2n` characters).
pub mod rand_bytes {
    pub fn random_hex(n: usize) -> String {
        let mut buf = vec![0u8; n];
        getrandom::fill(&mut buf).expect("the OS random source is available");
        hex::encode(buf)
    }
}

/// A new session token: 256 bits from the OS.
pub fn new_token() -> String {
    random_hex(32)
}

/// SHA-256 hex of a token: what the database keeps instead of the token itself.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Compares secrets without leaking, through timing, how much of them matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! The staff second factor: time-based codes (TOTP, RFC 6238) from an authenticator app, and
//! one-time recovery codes for a lost phone. 等保 2.0 level 3 asks administrators for two kinds of
//! authentication; officers see ID documents of thousands of people, so they count as such.

use diesel::prelude::*;
use sha2::Digest;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::db::DbConn;
use crate::db::schema::recovery_codes as rc;

pub const ISSUER: &str = "Tangui";
pub const STEP_SECS: i64 = 30;
pub const RECOVERY_CODES: usize = 10;

/// A new secret: 160 random bits, base32 as authenticator apps take it.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    getrandom::fill(&mut b).expect("the OS random source is available");
    Secret::Raw(b.to_vec()).to_encoded().to_string()
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECS as u64, bytes, Some(ISSUER.into()), account.replace(':', "_")).ok()
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn url(secret: &str, account: &str) -> String {
    totp(secret, account).map(|t| t.get_url()).unwrap_or_default()
}

/// The code an authenticator shows at a Unix time (also what tests type).
pub fn code_at(secret: &str, unix: i64) -> String {
    totp(secret, "x").map(|t| t.generate(unix.max(0) as u64)).unwrap_or_default()
}

/// The time step a typed code belongs to — this one or one either side, for a phone clock a
/// little off — if it is right and newer than `last_step` (a code is good once).
pub fn accepted_step(secret: &str, typed: &str, unix: i64, last_step: Option<i64>) -> Option<i64> {
    let typed = typed.trim();
    if typed.len() != 6 {
        return None;
    }
    let now_step = unix / STEP_SECS;
    (now_step - 1..=now_step + 1)
        .find(|step| super::constant_time_eq(code_at(secret, step * STEP_SECS).as_bytes(), typed.as_bytes()))
        .filter(|step| last_step.is_none_or(|last| *step > last))
}

fn normalise(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

fn recovery_hash(user_id: i64, code: &str) -> String {
    hex::encode(sha2::Sha256::digest(format!("{user_id}:{}", normalise(code)).as_bytes()))
}

/// New recovery codes for the account (the old ones stop working); shown once, kept as hashes.
pub fn new_recovery_codes(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<String>> {
    // No 0/o, 1/l/i: codes are read off paper.
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    diesel::delete(rc::table.filter(rc::user_id.eq(user_id))).execute(conn)?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut b = [0u8; 10];
        getrandom::fill(&mut b).expect("the OS random source is available");
        let chars: String = b.iter().map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char).collect();
        let code = format!("{}-{}", &chars[..5], &chars[5..]);
        diesel::insert_into(rc::table)
            .values((rc::user_id.eq(user_id), rc::code_hash.eq(recovery_hash(user_id, &code))))
            .execute(conn)?;
        codes.push(code);
    }
    Ok(codes)
}

/// Uses up a recovery code if it is one of the account's unused ones.
pub fn use_recovery_code(
    conn: &mut DbConn,
    user_id: i64,
    typed: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(rc::table.filter(
        rc::user_id.eq(user_id).and(rc::code_hash.eq(recovery_hash(user_id, typed))).and(rc::used_at.is_null()),
    ))
    .set(rc::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Forgets the account's authenticator and recovery codes (a lost phone): the next sign-in sets
/// up a new one.
pub fn clear(conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
    use crate::db::schema::users;
    diesel::update(users::table.find(user_id))
        .set((users::totp_secret.eq(None::<String>), users::totp_last_step.eq(None::<i64>)))
        .execute(conn)?;
    diesel::delete(rc::table.filter(rc::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

/// How many unused recovery codes the account has left.
pub fn recovery_codes_left(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    rc::table.filter(rc::user_id.eq(user_id).and(rc::used_at.is_null())).count().get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_good_in_its_step_and_the_next_but_only_once() {
        let s = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&s, t);
        let step = accepted_step(&s, &code, t, None).unwrap();
        assert_eq!(step, t / STEP_SECS);
        assert_eq!(accepted_step(&s, &code, t + 30, None), Some(step), "a phone 30 s slow");
        assert_eq!(accepted_step(&s, &code, t, Some(step)), None, "used once");
        assert_eq!(accepted_step(&s, &code, t + 120, None), None, "too old");
        assert_eq!(accepted_step(&s, "12345", t, None), None);
    }

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s → 94287082 (last six digits).
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        assert_eq!(code_at(&secret, 59), "287082");
    }
}

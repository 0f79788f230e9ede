//! One-time codes sent by text to prove that a person holds a phone: six digits, good for five
//! minutes, five tries and one use. Only a hash of the code is kept.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::Digest;

use super::limits::{Limit, take};
use crate::db::DbConn;
use crate::db::schema::phone_codes as pc;
use crate::error::{AppError, AppResult};
use crate::vault::{self, Keyring};

pub const CODE_MINUTES: i64 = 5;
pub const MAX_TRIES: i32 = 5;

/// What a code proves the phone for; a code for one purpose is no good for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Reset,
    /// An officer at a service counter moves an account to this phone.
    Reclaim,
    /// A signed-in vendor or shop moves their account to this phone.
    PhoneChange,
    /// At a counter, a person with a phone agrees to be filed for.
    Consent,
    /// A person filed for at a counter takes the account over with this phone.
    Takeover,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Reset => "reset",
            Purpose::Reclaim => "reclaim",
            Purpose::PhoneChange => "phone_change",
            Purpose::Consent => "consent",
            Purpose::Takeover => "takeover",
        }
    }
}

pub fn code_hash(phone: &str, purpose: Purpose, code: &str) -> String {
    hex::encode(sha2::Sha256::digest(format!("{phone}:{}:{code}", purpose.as_str()).as_bytes()))
}

/// Six random digits from the OS (rejection sampling, so every code is equally likely).
pub fn new_code() -> String {
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).expect("the OS random source is available");
        let n = u32::from_le_bytes(b);
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// Writes a new code for the phone after taking a place under both limits; returns the code.
pub fn store(
    conn: &mut DbConn,
    vault: &Keyring,
    phone: &str,
    purpose: Purpose,
    ip: &str,
    limits: (Limit, Limit),
    now: NaiveDateTime,
) -> AppResult<String> {
    // The table and the counters know the phone only by its look-up hash.
    let phone = &vault.lookup(vault::PHONE, phone);
    take(conn, limits.0, phone, now)?;
    take(conn, limits.1, ip, now)?;
    let code = new_code();
    diesel::insert_into(pc::table)
        .values((
            pc::phone.eq(phone),
            pc::purpose.eq(purpose.as_str()),
            pc::code_hash.eq(code_hash(phone, purpose, &code)),
            pc::client_ip.eq(ip),
            pc::created_at.eq(now),
            pc::expires_at.eq(now + Duration::minutes(CODE_MINUTES)),
        ))
        .execute(conn)?;
    diesel::delete(pc::table.filter(pc::expires_at.lt(now - Duration::days(1)))).execute(conn)?;
    Ok(code)
}

/// What a typed code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Right; the row to mark used once the action is done.
    Right(i64),
    Wrong,
    /// None sent, expired, used, or tried too often.
    Spent,
}

impl Checked {
    /// The row id when right, else the field error to show beside the code box.
    pub fn into_result(self) -> AppResult<i64> {
        match self {
            Checked::Right(id) => Ok(id),
            Checked::Wrong => Err(AppError::field("code", "wrong_code", "验证码不正确", "That code is not right")),
            Checked::Spent => Err(AppError::field(
                "code",
                "code_spent",
                "验证码已失效，请重新获取",
                "This code has expired or was used up; ask for a new one",
            )),
        }
    }
}

/// Checks a typed code against the newest live code for the phone; a wrong try is counted.
/// Call inside a write transaction and let it commit whatever the answer.
pub fn check(
    conn: &mut DbConn,
    vault: &Keyring,
    phone: &str,
    purpose: Purpose,
    code: &str,
    now: NaiveDateTime,
) -> AppResult<Checked> {
    // Under any key of the ring: a code sent by a server still on the older key is good here.
    let keys = vault.lookups(vault::PHONE, phone);
    let live: Option<(i64, String, String, i32)> = pc::table
        .filter(pc::phone.eq_any(&keys).and(pc::purpose.eq(purpose.as_str())))
        .filter(pc::used_at.is_null().and(pc::expires_at.gt(now)))
        .order(pc::id.desc())
        .select((pc::id, pc::phone, pc::code_hash, pc::attempts))
        .first(conn)
        .optional()?;
    let Some((id, key, hash, tries)) = live else { return Ok(Checked::Spent) };
    if tries >= MAX_TRIES {
        return Ok(Checked::Spent);
    }
    let typed = code_hash(&key, purpose, code.trim());
    if super::constant_time_eq(typed.as_bytes(), hash.as_bytes()) {
        Ok(Checked::Right(id))
    } else {
        diesel::update(pc::table.find(id)).set(pc::attempts.eq(tries + 1)).execute(conn)?;
        Ok(Checked::Wrong)
    }
}

/// Marks a code used, in the transaction of the action it proved; a code used meanwhile (two
/// tabs, two requests) is refused.
pub fn spend(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<()> {
    let n = diesel::update(pc::table.find(id).filter(pc::used_at.is_null())).set(pc::used_at.eq(now)).execute(conn)?;
    if n == 1 { Ok(()) } else { Checked::Spent.into_result().map(|_| ()) }
}

//! Permits and filing certificates (许可证 / 备案凭证): what a stall allocation, a cross-storefront
//! filing or an outdoor promotion yields, each with an unguessable verify code.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::permits;

/// Crockford base32 (no I, L, O, U): easy to read out and type from a printed certificate.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 20 characters = 100 random bits: not enumerable, not guessable.
pub fn new_verify_code() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect()
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Permit {
    pub id: i64,
    pub kind: String,
    pub holder_id: i64,
    pub status: String,
    pub verify_code: String,
    pub filing_id: Option<i64>,
    pub application_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub stall_id: Option<i64>,
    pub district_code: String,
    pub title: String,
    pub location: String,
    pub trade: String,
    pub hours: String,
    pub conditions: String,
    pub geometry: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub status_reason: String,
    pub revocation_proposed: bool,
    pub reminded_on: Option<NaiveDate>,
    pub version: i32,
}

/// What a new permit says.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct NewPermit {
    pub kind: String,
    pub holder_id: i64,
    pub filing_id: Option<i64>,
    pub application_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub stall_id: Option<i64>,
    pub district_code: String,
    pub title: String,
    pub location: String,
    pub trade: String,
    pub hours: String,
    pub conditions: Vec<String>,
    pub geometry: Option<Vec<[f64; 2]>>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

impl NewPermit {
    pub fn insert(&self, c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Permit> {
        let id: i64 = diesel::insert_into(permits::table)
            .values((
                permits::kind.eq(&self.kind),
                permits::holder_id.eq(self.holder_id),
                permits::status.eq("valid"),
                permits::verify_code.eq(new_verify_code()),
                permits::filing_id.eq(self.filing_id),
                permits::application_id.eq(self.application_id),
                permits::zone_id.eq(self.zone_id),
                permits::stall_id.eq(self.stall_id),
                permits::district_code.eq(&self.district_code),
                permits::title.eq(&self.title),
                permits::location.eq(&self.location),
                permits::trade.eq(&self.trade),
                permits::hours.eq(&self.hours),
                permits::conditions.eq(serde_json::to_string(&self.conditions).unwrap_or_default()),
                permits::geometry.eq(self.geometry.as_ref().map(|g| serde_json::to_string(g).unwrap_or_default())),
                permits::valid_from.eq(self.valid_from),
                permits::valid_until.eq(self.valid_until),
                permits::created_at.eq(now),
                permits::updated_at.eq(now),
            ))
            .returning(permits::id)
            .get_result(c)?;
        Permit::find(c, id)
    }
}

impl Permit {
    pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Permit> {
        permits::table.find(id).get_result(c)
    }

    pub fn by_code(c: &mut DbConn, code: &str) -> QueryResult<Option<Permit>> {
        permits::table.filter(permits::verify_code.eq(code)).first(c).optional()
    }

    pub fn for_holder(c: &mut DbConn, holder: i64) -> QueryResult<Vec<Permit>> {
        permits::table.filter(permits::holder_id.eq(holder)).order(permits::id.desc()).load(c)
    }

    pub fn conditions(&self) -> Vec<String> {
        serde_json::from_str(&self.conditions).unwrap_or_default()
    }

    pub fn geometry(&self) -> Option<Vec<[f64; 2]>> {
        self.geometry.as_deref().and_then(|g| serde_json::from_str(g).ok())
    }

    /// The status as the public sees it: a valid permit past its last day is expired.
    pub fn effective_status(&self, today: NaiveDate) -> &str {
        if self.status == "valid" && self.valid_until < today { "expired" } else { &self.status }
    }
}

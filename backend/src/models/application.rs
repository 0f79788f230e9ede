//! Stall applications and their documents. Staff queries take the [`Actor`] and filter by
//! district in SQL: an officer can only ever load applications of their own district.

use chrono::{NaiveDate, NaiveDateTime};
use common::application::{ApplicationStatus, DocKind, PriorityGroup, ReturnItem, StallApplicationInput};
use common::dto::applications::DocumentView;
use common::{District, Role, TradeCategory};
use diesel::prelude::*;

use crate::auth::Actor;
use crate::db::schema::{application_documents as docs, stall_applications as apps};
use crate::db::{DbConn, MultiBackend};

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = apps)]
pub struct Application {
    pub id: i64,
    pub applicant_id: i64,
    pub status: String,
    pub category: String,
    pub preferences: String,
    pub priority_groups: String,
    pub note: String,
    pub district_code: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDate>,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub decision_reason: String,
    pub return_items: String,
    pub round_id: Option<i64>,
    pub draw_position: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The public number in the round's draw (`R3-00012`), given when the round's list is frozen.
    pub draw_number: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = docs)]
pub struct Document {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
}

impl Document {
    pub fn to_view(&self) -> DocumentView {
        DocumentView {
            id: self.id,
            kind: DocKind::parse(&self.kind).unwrap_or(DocKind::Other),
            filename: self.filename.clone(),
            content_type: self.content_type.clone(),
            size_bytes: self.size_bytes,
            sha256: self.sha256.clone(),
            uploaded_at: self.uploaded_at,
        }
    }

    pub fn for_application(conn: &mut DbConn, application_id: i64) -> QueryResult<Vec<Document>> {
        docs::table.filter(docs::application_id.eq(application_id)).order(docs::id.asc()).load(conn)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert(
        conn: &mut DbConn,
        application_id: i64,
        kind: DocKind,
        filename: &str,
        content_type: &str,
        size: i64,
        sha256: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(docs::table)
            .values((
                docs::application_id.eq(application_id),
                docs::kind.eq(kind.as_str()),
                docs::filename.eq(filename),
                docs::content_type.eq(content_type),
                docs::size_bytes.eq(size),
                docs::sha256.eq(sha256),
                docs::uploaded_at.eq(now),
            ))
            .returning(docs::id)
            .get_result(conn)
    }
}

/// Applications the actor may see: applicants their own, officers their district's submitted
/// cases, admins all.
pub fn visible_to(actor: &Actor) -> apps::BoxedQuery<'static, MultiBackend> {
    let q = apps::table.into_boxed();
    match (actor.role, actor.district) {
        (Role::CityAdmin, _) => q,
        (Role::DistrictOfficer, Some(d)) => {
            q.filter(apps::district_code.eq(d.code())).filter(apps::status.ne(ApplicationStatus::Draft.as_str()))
        }
        _ => q.filter(apps::applicant_id.eq(actor.user_id)),
    }
}

impl Application {
    pub fn status(&self) -> ApplicationStatus {
        ApplicationStatus::parse(&self.status).unwrap_or(ApplicationStatus::Withdrawn)
    }

    pub fn input(&self) -> StallApplicationInput {
        StallApplicationInput {
            category: TradeCategory::parse(&self.category),
            preferences: serde_json::from_str(&self.preferences).unwrap_or_default(),
            priority_groups: serde_json::from_str::<Vec<PriorityGroup>>(&self.priority_groups).unwrap_or_default(),
            note: self.note.clone(),
        }
    }

    pub fn return_items(&self) -> Vec<ReturnItem> {
        serde_json::from_str(&self.return_items).unwrap_or_default()
    }

    pub fn district(&self) -> Option<District> {
        self.district_code.as_deref().and_then(District::from_code)
    }

    /// Loads an application the actor may see (404 otherwise, so ids cannot be probed).
    pub fn find_visible(conn: &mut DbConn, actor: &Actor, id: i64) -> QueryResult<Application> {
        // The applicant's own case is the hot path (every vendor request): a fixed query, so its
        // prepared statement is reused; staff go through the boxed district filter.
        match actor.role {
            Role::Vendor | Role::Merchant => {
                apps::table.filter(apps::id.eq(id).and(apps::applicant_id.eq(actor.user_id))).get_result(conn)
            }
            _ => visible_to(actor).filter(apps::id.eq(id)).get_result(conn),
        }
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Application> {
        apps::table.find(id).get_result(conn)
    }

    /// The applicant's open application, if any.
    pub fn open_for(conn: &mut DbConn, applicant_id: i64) -> QueryResult<Option<Application>> {
        let open: Vec<&str> = ApplicationStatus::OPEN.iter().map(|s| s.as_str()).collect();
        apps::table
            .filter(apps::applicant_id.eq(applicant_id).and(apps::status.eq_any(open)))
            .get_result(conn)
            .optional()
    }

    pub fn for_applicant(conn: &mut DbConn, applicant_id: i64) -> QueryResult<Vec<Application>> {
        apps::table.filter(apps::applicant_id.eq(applicant_id)).order(apps::id.desc()).load(conn)
    }

    /// The review queue: cases awaiting a decision, soonest deadline first.
    pub fn queue(conn: &mut DbConn, actor: &Actor, statuses: &[&str]) -> QueryResult<Vec<Application>> {
        visible_to(actor)
            .filter(apps::status.eq_any(statuses.to_vec()))
            .order((apps::deadline.asc(), apps::id.asc()))
            .limit(500)
            .load(conn)
    }

    /// Sets the status only if it is still `from` (so two officers deciding at once cannot both win).
    pub fn transition(
        conn: &mut DbConn,
        id: i64,
        from: &[ApplicationStatus],
        to: ApplicationStatus,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let n = diesel::update(apps::table.find(id).filter(apps::status.eq_any(from)))
            .set((apps::status.eq(to.as_str()), apps::updated_at.eq(now), apps::version.eq(apps::version + 1)))
            .execute(conn)?;
        Ok(n == 1)
    }
}

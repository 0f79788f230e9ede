//! The authorisation matrix: every route of the router (read from the OpenAPI document it is
//! generated from) × every kind of caller — nobody, the owner, another owner, an officer of the
//! resource's district, an officer of another district, a city admin — with the expected answer
//! for each cell. A route added without a decision here fails the test.
//!
//! Denied cells must answer 401 (nobody signed in), 403 or 404 (a resource of someone else is not
//! even shown to exist) and change nothing; allowed cells must get past authorisation (any answer
//! but 401/403, and not 404 unless the route consumes its resource). A denied role is also sent a
//! body that is not valid: who may ask is decided before what was asked.

use crate::api_test;
use crate::applications::{JPEG, submitted, zones};
use crate::filings::cross_store;
use crate::util::*;
use axum::http::Method;
use common::{District, Role};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    Nobody,
    VendorA,
    VendorB,
    MerchantA,
    MerchantB,
    OfficerA,
    OfficerB,
    Admin,
}

pub const EVERYONE: [Who; 8] =
    [Who::Nobody, Who::VendorA, Who::VendorB, Who::MerchantA, Who::MerchantB, Who::OfficerA, Who::OfficerB, Who::Admin];

impl Who {
    fn role(self) -> Option<Role> {
        match self {
            Who::Nobody => None,
            Who::VendorA | Who::VendorB => Some(Role::Vendor),
            Who::MerchantA | Who::MerchantB => Some(Role::Merchant),
            Who::OfficerA | Who::OfficerB => Some(Role::DistrictOfficer),
            Who::Admin => Some(Role::CityAdmin),
        }
    }
}

/// Who may use a route. "A" resources belong to VendorA or MerchantA and lie in 思明 (OfficerA's
/// district); OfficerB works in 湖里.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    Public,
    SignedIn,
    Roles(&'static [Role]),
    /// Only the resource's owner.
    Owner(Who),
    /// The owner, an officer of the resource's district, or an admin.
    OwnerOrStaff(Who),
    /// An officer of the resource's district, or an admin.
    DistrictStaff,
    /// Only an officer of the resource's district (a service counter's work; admins have none).
    DistrictOfficer,
    /// Only the SMS gateway, which carries the shared secret; no person's session opens it.
    Gateway,
}

impl Access {
    pub fn allows(self, who: Who) -> bool {
        let staff_here = matches!(who, Who::OfficerA | Who::Admin);
        match self {
            Access::Public => true,
            Access::SignedIn => who != Who::Nobody,
            Access::Roles(roles) => who.role().is_some_and(|r| roles.contains(&r)),
            Access::Owner(owner) => who == owner,
            Access::OwnerOrStaff(owner) => who == owner || staff_here,
            Access::DistrictStaff => staff_here,
            Access::DistrictOfficer => who == Who::OfficerA,
            Access::Gateway => false,
        }
    }

    /// Whether the decision is about the role alone (then a garbage body must not matter).
    fn by_role(self) -> bool {
        matches!(self, Access::SignedIn | Access::Roles(_))
    }
}

const STAFF: &[Role] = &[Role::DistrictOfficer, Role::CityAdmin];
const OFFICER: &[Role] = &[Role::DistrictOfficer];
const ADMIN: &[Role] = &[Role::CityAdmin];
const VENDOR: &[Role] = &[Role::Vendor];
const MERCHANT: &[Role] = &[Role::Merchant];
/// Accounts that sign in by phone (staff sign in by username).
const BY_PHONE: &[Role] = &[Role::Vendor, Role::Merchant];

enum Body {
    None,
    Json(Value),
    Bytes(&'static str, &'static [u8]),
}

pub struct Rule {
    pub method: Method,
    /// The route as the OpenAPI document names it.
    pub route: &'static str,
    /// The concrete path: `{name}` replaced from the fixture.
    pub path: &'static str,
    pub access: Access,
    body: Body,
    /// Allowed callers may find the resource gone after an earlier allowed call.
    consumes: bool,
}

fn rule(method: Method, route: &'static str, access: Access) -> Rule {
    Rule { method, route, path: route, access, body: Body::None, consumes: false }
}

impl Rule {
    fn at(mut self, path: &'static str) -> Rule {
        self.path = path;
        self
    }
    fn json(mut self, v: Value) -> Rule {
        self.body = Body::Json(v);
        self
    }
    fn bytes(mut self, content_type: &'static str, b: &'static [u8]) -> Rule {
        self.body = Body::Bytes(content_type, b);
        self
    }
    fn consumes(mut self) -> Rule {
        self.consumes = true;
        self
    }
}

/// Every route's decision, reads before writes and the route that deletes last.
pub fn rules(f: &HashMap<&'static str, String>) -> Vec<Rule> {
    use Access::*;
    use Method as M;
    use Who::{MerchantA, VendorA};
    let id = |k: &str| f[k].parse::<i64>().unwrap();
    vec![
        rule(M::GET, "/api/v1/health", Public),
        rule(M::GET, "/api/v1/districts", Public),
        rule(M::GET, "/api/v1/stats/overview", Public),
        rule(M::GET, "/api/v1/transparency/audit-heads", Public),
        rule(M::GET, "/api/v1/public/zones.geojson", Public),
        rule(M::GET, "/api/v1/public/districts.geojson", Public),
        rule(M::GET, "/api/v1/public/basemap-tiles", Public),
        rule(M::GET, "/api/v1/open-data", Public),
        rule(M::GET, "/api/v1/open-data/zones.csv", Public),
        rule(M::GET, "/api/v1/open-data/stalls.csv", Public),
        rule(M::GET, "/api/v1/open-data/monthly.csv", Public),
        rule(M::GET, "/api/v1/open-data/monthly.json", Public),
        rule(M::GET, "/api/v1/open-data/rounds.csv", Public),
        rule(M::GET, "/api/v1/zones", Public),
        rule(M::GET, "/api/v1/zones/{id}", Public).at("/api/v1/zones/{zone}"),
        rule(M::GET, "/api/v1/zones/{id}/stalls", Public).at("/api/v1/zones/{zone}/stalls"),
        rule(M::GET, "/api/v1/calendar", Public),
        rule(M::GET, "/api/v1/policy", Public),
        rule(M::GET, "/api/v1/policy/versions", Public),
        rule(M::GET, "/api/v1/policy/versions/{version}", Public).at("/api/v1/policy/versions/1"),
        rule(M::POST, "/api/v1/policy/self-check", Public).json(json!({})),
        rule(M::POST, "/api/v1/policy/evaluate", Public).json(json!({})),
        rule(M::GET, "/api/v1/street-segments", Public),
        rule(M::GET, "/api/v1/rounds", Public),
        rule(M::GET, "/api/v1/rounds/{id}", Public).at("/api/v1/rounds/{round}"),
        rule(M::GET, "/api/v1/rounds/{id}/record.json", Public).at("/api/v1/rounds/{round}/record.json"),
        rule(M::GET, "/api/v1/rounds/specification", Public),
        rule(M::GET, "/api/v1/rounds/{id}/list.json", Public).at("/api/v1/rounds/{round}/list.json"),
        rule(M::GET, "/api/v1/rounds/{id}/list.csv", Public).at("/api/v1/rounds/{round}/list.csv"),
        rule(M::GET, "/api/v1/rounds/{id}/list/{number}", Public).at("/api/v1/rounds/{round}/list/1"),
        rule(M::GET, "/api/v1/public/permits/{code}", Public).at("/api/v1/public/permits/{code}"),
        rule(M::GET, "/api/v1/public/permits/{code}/helpers/{id}/photo", Public)
            .at("/api/v1/public/permits/{code}/helpers/{helper}/photo"),
        rule(M::GET, "/api/v1/public/complaints/{token}", Public).at("/api/v1/public/complaints/{token}"),
        rule(M::POST, "/api/v1/complaints/by-token/{token}/reopen", Public)
            .at("/api/v1/complaints/by-token/{token}/reopen")
            .json(json!({})),
        rule(M::POST, "/api/v1/complaints", Public).json(json!({})),
        rule(M::GET, "/open311/v2/services.json", Public),
        rule(M::GET, "/open311/v2/services.xml", Public),
        rule(M::GET, "/open311/v2/services/{file}", Public).at("/open311/v2/services/noise.xml"),
        rule(M::GET, "/open311/v2/requests.json", Public),
        rule(M::GET, "/open311/v2/requests.xml", Public),
        rule(M::GET, "/open311/v2/requests/{file}", Public).at("/open311/v2/requests/{complaint}.json"),
        rule(M::GET, "/open311/v2/tokens/{file}", Public).at("/open311/v2/tokens/{token}.xml"),
        rule(M::GET, "/open311/v2/media/{file}", Public).at("/open311/v2/media/{complaint}.jpg"),
        rule(M::POST, "/open311/v2/requests.json", Public).json(json!({})),
        rule(M::POST, "/open311/v2/requests.xml", Public).json(json!({})),
        rule(M::POST, "/api/v1/evidence", SignedIn).bytes("text/plain", b"not an image"),
        rule(M::POST, "/api/v1/public/complaints/{token}/photo", Public)
            .at("/api/v1/public/complaints/{token}/photo")
            .bytes("text/plain", b"not an image"),
        rule(M::POST, "/api/v1/auth/register", Public).json(json!({})),
        rule(M::POST, "/api/v1/auth/login", Public).json(json!({})),
        rule(M::POST, "/api/v1/auth/codes", Public).json(json!({})),
        rule(M::POST, "/api/v1/auth/reset", Public).json(json!({})),
        rule(M::POST, "/api/v1/auth/password-strength", Public).json(json!({ "password": "x" })),
        // The second step of a staff sign-in (here: already passed, so enrolling again conflicts).
        rule(M::POST, "/api/v1/auth/second-factor/enrol", Roles(STAFF)),
        rule(M::POST, "/api/v1/auth/second-factor", Roles(STAFF)).json(json!({})),
        rule(M::POST, "/api/v1/accounts/reclaim", Roles(STAFF)).json(json!({})),
        // The service counter (an officer of a district; admins keep no counter).
        rule(M::GET, "/api/v1/assisted/consent-form.pdf", Roles(OFFICER)),
        rule(M::POST, "/api/v1/assisted/accounts", Roles(OFFICER)).json(json!({})),
        rule(M::GET, "/api/v1/assisted/accounts", Roles(OFFICER)),
        rule(M::GET, "/api/v1/assisted/notices", Roles(OFFICER)),
        rule(M::POST, "/api/v1/assisted/notices/{id}/handed", DistrictOfficer)
            .at("/api/v1/assisted/notices/{counter_notice}/handed")
            .json(json!({ "how": "printed" })),
        rule(M::POST, "/api/v1/assisted/takeover", Public).json(json!({})),
        // Only a counter acting for a shop gets the receipt; anyone else is told so (409).
        rule(M::GET, "/api/v1/assisted/receipt.pdf", SignedIn),
        rule(M::GET, "/api/v1/applications/{id}/summary.pdf", OwnerOrStaff(VendorA)).at("/api/v1/applications/{app}/summary.pdf"),
        // Reads of one's own things.
        rule(M::GET, "/api/v1/me", SignedIn),
        rule(M::GET, "/api/v1/me/notifications", SignedIn),
        rule(M::GET, "/api/v1/me/notifications/unread", SignedIn),
        rule(M::GET, "/api/v1/me/applications", SignedIn),
        rule(M::GET, "/api/v1/me/permits", SignedIn),
        rule(M::GET, "/api/v1/me/filings", SignedIn),
        rule(M::POST, "/api/v1/me/password", SignedIn).json(json!({})),
        rule(M::POST, "/api/v1/me/phone", Roles(BY_PHONE)).json(json!({})),
        rule(M::GET, "/api/v1/me/document-looks", SignedIn),
        rule(M::GET, "/api/v1/me/export", SignedIn),
        rule(M::POST, "/api/v1/me/close", Roles(BY_PHONE)).json(json!({})),
        rule(M::POST, "/api/v1/me/notifications/read-all", SignedIn),
        // Owned resources, read.
        rule(M::GET, "/api/v1/applications/{id}", OwnerOrStaff(VendorA)).at("/api/v1/applications/{app}"),
        rule(M::GET, "/api/v1/applications/{id}/documents/{doc_id}", OwnerOrStaff(VendorA))
            .at("/api/v1/applications/{app}/documents/{doc}"),
        rule(M::GET, "/api/v1/permits/{id}", OwnerOrStaff(VendorA)).at("/api/v1/permits/{permit}"),
        rule(M::GET, "/api/v1/permits/{id}/certificate.pdf", OwnerOrStaff(VendorA))
            .at("/api/v1/permits/{permit}/certificate.pdf"),
        rule(M::GET, "/api/v1/evidence/{id}", OwnerOrStaff(VendorA)).at("/api/v1/evidence/{evidence}"),
        rule(M::GET, "/api/v1/filings/{id}", OwnerOrStaff(MerchantA)).at("/api/v1/filings/{filing}"),
        rule(M::GET, "/api/v1/complaints/{id}", DistrictStaff).at("/api/v1/complaints/{complaint}"),
        // Staff work.
        rule(M::GET, "/api/v1/review/applications", Roles(STAFF)),
        rule(M::GET, "/api/v1/review/filings", Roles(STAFF)),
        rule(M::GET, "/api/v1/review/cases", Roles(STAFF)),
        rule(M::GET, "/api/v1/admin/outbox", Roles(STAFF)),
        rule(M::POST, "/api/v1/admin/outbox/{id}/retry", DistrictStaff).at("/api/v1/admin/outbox/{outbox}/retry"),
        // The gateway's callbacks: without the secret in the URL, nobody gets in.
        rule(M::GET, "/api/v1/sms/dlr", Gateway).at("/api/v1/sms/dlr?id=1&type=1"),
        rule(M::GET, "/api/v1/sms/incoming", Gateway).at("/api/v1/sms/incoming?from=13800000001&text=1%201"),
        // A permit of 思明 by its certificate code: its district's officers and admins only.
        rule(M::GET, "/api/v1/review/permits/{code}", DistrictStaff).at("/api/v1/review/permits/{code}"),
        rule(M::GET, "/api/v1/review/complaints", Roles(STAFF)),
        rule(M::GET, "/api/v1/review/supervision", Roles(STAFF)),
        rule(M::GET, "/api/v1/dashboard", Roles(STAFF)),
        rule(M::GET, "/api/v1/dashboard/export.xlsx", Roles(STAFF)),
        rule(M::GET, "/api/v1/dashboard/csv/{table}", Roles(STAFF)).at("/api/v1/dashboard/csv/overdue.csv"),
        rule(M::GET, "/api/v1/users", Roles(STAFF)),
        rule(M::GET, "/api/v1/sensitive-sites", Roles(STAFF)),
        rule(M::POST, "/api/v1/zones/siting-check", Roles(ADMIN)).json(json!({})),
        rule(M::GET, "/api/v1/zones/{id}/history", Roles(STAFF)).at("/api/v1/zones/{zone}/history"),
        rule(M::GET, "/api/v1/rounds/{id}/objections", Roles(ADMIN)).at("/api/v1/rounds/{round}/objections"),
        rule(M::GET, "/api/v1/rounds/{id}/progress", Roles(ADMIN)).at("/api/v1/rounds/{round}/progress"),
        rule(M::GET, "/api/v1/zones/export.geojson", Roles(ADMIN)),
        rule(M::GET, "/api/v1/street-segments/export", Roles(ADMIN)),
        rule(M::GET, "/api/v1/policy/draft", Roles(ADMIN)),
        // Staff decisions on a resource of 思明.
        rule(M::POST, "/api/v1/applications/{id}/decision", DistrictStaff)
            .at("/api/v1/applications/{app}/decision")
            .json(json!({ "decision": "eligible" })),
        rule(M::POST, "/api/v1/filings/{id}/decision", DistrictStaff)
            .at("/api/v1/filings/{filing}/decision")
            .json(json!({ "decision": "approve" })),
        rule(M::POST, "/api/v1/complaints/{id}/status", DistrictStaff)
            .at("/api/v1/complaints/{complaint}/status")
            .json(json!({ "status": "in_progress", "note": "已派人核查" })),
        rule(M::POST, "/api/v1/inspections", DistrictStaff).json(json!({ "permit_id": id("permit"),
            "checklist": [{ "id": "clean", "ok": true }], "notes": "巡查", "violations": [], "evidence_ids": [],
            "location": [118.0826, 24.4566] })),
        rule(M::POST, "/api/v1/appeals/{id}/decision", DistrictStaff)
            .at("/api/v1/appeals/{appeal}/decision")
            .json(json!({ "overturn": true, "note": "证据不足" })),
        rule(M::POST, "/api/v1/helpers/{id}/decision", DistrictStaff)
            .at("/api/v1/helpers/{helper2}/decision")
            .json(json!({ "approve": true })),
        rule(M::POST, "/api/v1/permit-reviews/{id}/close", DistrictStaff)
            .at("/api/v1/permit-reviews/{review}/close")
            .json(json!({ "note": "核查为家属代为经营，已提醒登记帮工" })),
        rule(M::POST, "/api/v1/permits/{id}/succession", DistrictStaff)
            .at("/api/v1/permits/{permit}/succession")
            .json(json!({ "to_phone": f["phone_b"], "relation": "child", "cause": "deceased", "document_ids": [] })),
        rule(M::POST, "/api/v1/transfers/{id}/decision", DistrictStaff)
            .at("/api/v1/transfers/{transfer}/decision")
            .json(json!({ "approve": false, "note": "材料不全" })),
        rule(M::POST, "/api/v1/permits/{id}/dismiss-proposal", Roles(ADMIN))
            .at("/api/v1/permits/{permit}/dismiss-proposal")
            .json(json!({ "reason": "无待处理建议" })),
        // Owners acting on their own things.
        rule(M::PUT, "/api/v1/applications/{id}", Owner(VendorA))
            .at("/api/v1/applications/{app}")
            .json(json!({ "input": { "category": "cooked_food", "preferences": [id("zone")] } })),
        rule(M::POST, "/api/v1/applications/{id}/documents", Owner(VendorA))
            .at("/api/v1/applications/{app}/documents?kind=other&filename=x.jpg")
            .bytes("application/octet-stream", JPEG),
        rule(M::POST, "/api/v1/applications/{id}/submit", Owner(VendorA)).at("/api/v1/applications/{app}/submit"),
        rule(M::POST, "/api/v1/rounds/{id}/objections", Owner(VendorA))
            .at("/api/v1/rounds/{round}/objections")
            .json(json!({ "text": "请说明候补顺序" })),
        rule(M::POST, "/api/v1/violations/{id}/appeal", Owner(VendorA))
            .at("/api/v1/violations/{violation}/appeal")
            .json(json!({ "reason": "当时正在收摊" })),
        rule(M::POST, "/api/v1/me/notifications/{id}/read", Owner(VendorA))
            .at("/api/v1/me/notifications/{notification}/read"),
        rule(M::POST, "/api/v1/permits/{id}/renew", Owner(VendorA)).at("/api/v1/permits/{permit}/renew"),
        rule(M::POST, "/api/v1/permits/{id}/helpers", Owner(VendorA)).at("/api/v1/permits/{permit}/helpers").json(
            json!({ "name": "林小燕", "id_number": "350203197811110038", "relation": "spouse", "photo_id": id("helper_photo") }),
        ),
        rule(M::DELETE, "/api/v1/helpers/{id}", Owner(VendorA)).at("/api/v1/helpers/{helper2}"),
        rule(M::POST, "/api/v1/permits/{id}/check-in", Owner(VendorA))
            .at("/api/v1/permits/{permit}/check-in")
            .json(json!({ "location": [118.0826, 24.4566] })),
        rule(M::PUT, "/api/v1/filings/{id}", Owner(MerchantA))
            .at("/api/v1/filings/{filing}")
            .json(cross_store(id("segment"), 1.2)),
        rule(M::POST, "/api/v1/offers/{id}/decline", Owner(VendorA)).at("/api/v1/offers/{offer}/decline"),
        rule(M::POST, "/api/v1/offers/{id}/accept", Owner(VendorA)).at("/api/v1/offers/{offer}/accept"),
        rule(M::POST, "/api/v1/permits/{id}/transfer", Owner(VendorA))
            .at("/api/v1/permits/{permit}/transfer")
            .json(json!({ "to_phone": f["phone_b"], "relation": "child", "note": "交由儿子经营" })),
        rule(M::POST, "/api/v1/applications/{id}/withdraw", Owner(VendorA)).at("/api/v1/applications/{app}/withdraw"),
        // Creating one's own.
        rule(M::POST, "/api/v1/applications", Roles(VENDOR)).json(json!({})),
        rule(M::POST, "/api/v1/filings", Roles(MERCHANT)).json(json!({})),
        // City administration.
        rule(M::POST, "/api/v1/users", Roles(ADMIN)).json(json!({})),
        rule(M::POST, "/api/v1/users/{id}/disabled", Roles(ADMIN)).at("/api/v1/users/{spare}/disabled").json(json!({})),
        rule(M::DELETE, "/api/v1/users/{id}/sessions", Roles(ADMIN)).at("/api/v1/users/{spare}/sessions"),
        rule(M::DELETE, "/api/v1/users/{id}/second-factor", Roles(ADMIN)).at("/api/v1/users/{spare}/second-factor"),
        rule(M::POST, "/api/v1/zones", Roles(ADMIN)).json(json!({})),
        rule(M::PUT, "/api/v1/zones/{id}", Roles(ADMIN)).at("/api/v1/zones/{zone}").json(json!({})),
        rule(M::POST, "/api/v1/zones/{id}/status", Roles(ADMIN)).at("/api/v1/zones/{zone}/status").json(json!({})),
        rule(M::PUT, "/api/v1/zones/{id}/stalls", Roles(ADMIN)).at("/api/v1/zones/{zone}/stalls").json(json!({})),
        rule(M::PATCH, "/api/v1/stalls/{id}", Roles(ADMIN)).at("/api/v1/stalls/{stall}").json(json!({})),
        rule(M::POST, "/api/v1/zones/import", Roles(ADMIN)).bytes("application/geo+json", b"{}"),
        rule(M::POST, "/api/v1/sensitive-sites", Roles(ADMIN)).bytes("application/geo+json", b"{}"),
        rule(M::POST, "/api/v1/street-segments/import", Roles(ADMIN)).bytes("application/geo+json", b"{}"),
        rule(M::PUT, "/api/v1/street-segments/{id}", Roles(ADMIN))
            .at("/api/v1/street-segments/{segment}")
            .json(json!({})),
        rule(M::PUT, "/api/v1/calendar/{date}", Roles(ADMIN)).at("/api/v1/calendar/2026-12-25").json(json!({})),
        rule(M::DELETE, "/api/v1/calendar/{date}", Roles(ADMIN)).at("/api/v1/calendar/2026-12-26"),
        rule(M::PUT, "/api/v1/policy/draft", Roles(ADMIN)).json(json!({})),
        rule(M::POST, "/api/v1/policy/draft/publish", Roles(ADMIN)),
        rule(M::POST, "/api/v1/rounds", Roles(ADMIN)).json(json!({})),
        rule(M::POST, "/api/v1/rounds/{id}/open", Roles(ADMIN)).at("/api/v1/rounds/{round}/open"),
        rule(M::POST, "/api/v1/rounds/{id}/close", Roles(ADMIN)).at("/api/v1/rounds/{round}/close"),
        rule(M::POST, "/api/v1/rounds/{id}/draw", Roles(ADMIN)).at("/api/v1/rounds/{round}/draw"),
        rule(M::POST, "/api/v1/rounds/{id}/confirm", Roles(ADMIN)).at("/api/v1/rounds/{round}/confirm"),
        rule(M::POST, "/api/v1/objections/{id}/answer", Roles(ADMIN))
            .at("/api/v1/objections/{objection}/answer")
            .json(json!({})),
        // Acting for someone at the counter turns the officer's session into theirs, so it is
        // ended by the next rule before anything else runs as that officer.
        rule(M::POST, "/api/v1/assisted/accounts/{id}/act", DistrictOfficer).at("/api/v1/assisted/accounts/{assisted}/act"),
        rule(M::DELETE, "/api/v1/assisted/acting", SignedIn),
        // Ends of things, last.
        rule(M::POST, "/api/v1/filings/{id}/revoke", DistrictStaff)
            .at("/api/v1/filings/{filing}/revoke")
            .json(json!({ "reason": "多次占道经营" })),
        rule(M::POST, "/api/v1/permits/{id}/surrender", Owner(VendorA))
            .at("/api/v1/permits/{permit}/surrender")
            .json(json!({ "reason": "不再经营" })),
        rule(M::POST, "/api/v1/permits/{id}/revoke", Roles(ADMIN))
            .at("/api/v1/permits/{permit}/revoke")
            .json(json!({ "reason": "严重违规" })),
        rule(M::DELETE, "/api/v1/applications/{id}/documents/{doc_id}", Owner(VendorA))
            .at("/api/v1/applications/{app}/documents/{doc}")
            .consumes(),
        rule(M::POST, "/api/v1/auth/logout", Public),
    ]
}

/// Everything the matrix acts on, each belonging to an "A" caller in 思明.
pub async fn fixture(app: &TestApp) -> (HashMap<Who, Client>, HashMap<&'static str, String>) {
    let (sm, _) = zones(app).await;
    let admin = app.admin().await;
    let officer_a = app.officer(District::Siming).await;
    let officer_b = app.officer(District::Huli).await;
    let (vendor_b, vendor_b_id) = app.vendor().await;
    let (merchant_a, _) = app.user(Role::Merchant, None).await;
    let (merchant_b, _) = app.user(Role::Merchant, None).await;
    // An officer nobody calls as: the admin ends its sessions and resets its second factor.
    let (_, spare) = app.user(Role::DistrictOfficer, Some(District::Jimei)).await;
    // Someone a 思明 counter filed for (without a phone), with a notice waiting to be handed over.
    let counter = app.officer(District::Siming).await;
    let (assisted, _) = crate::assisted::filed_at_counter(app, &counter, 90).await;
    counter.delete("/api/v1/assisted/acting").await.assert_status(204);
    let counter_notice =
        counter.get("/api/v1/assisted/notices").await.value()[0]["id"].as_i64().expect("a counter notice");
    let mut f: HashMap<&'static str, String> = HashMap::new();

    // VendorA: an application found eligible, then a drawn round gives an offer and an objection.
    let (vendor_a, app_id) = submitted(app, &sm).await;
    officer_a
        .post(&format!("/api/v1/applications/{app_id}/decision"), &json!({ "decision": "eligible" }))
        .await
        .assert_status(200);
    let round = admin
        .post(
            "/api/v1/rounds",
            &json!({ "name": "授权测试批次", "zone_ids": sm, "opens_at": "2026-11-01T09:00:00",
            "closes_at": "2026-11-30T17:00:00", "outside_source": "摇号现场三名见证人各摇出的两位数号码", "reserved_percent": 20, "notice_days": 0, "offer_days": 5 }),
        )
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    for step in ["open", "close", "draw"] {
        admin
            .post(&format!("/api/v1/rounds/{round}/{step}"), &json!({ "outside_value": "07 31 58" }))
            .await
            .assert_status(200);
    }
    let objection =
        vendor_a.post(&format!("/api/v1/rounds/{round}/objections"), &json!({ "text": "请公开规则" })).await;
    objection.assert_status(201);
    let oid = objection.value()["id"].as_i64().unwrap();
    admin
        .post(&format!("/api/v1/objections/{oid}/answer"), &json!({ "answer": "规则见公示页" }))
        .await
        .assert_status(200);
    admin.post(&format!("/api/v1/rounds/{round}/confirm"), &json!({})).await.assert_status(200);
    let mine = vendor_a.get(&format!("/api/v1/applications/{app_id}")).await.value();
    let offer = mine["offer"]["id"].as_i64().expect("VendorA has an offer");
    let doc = mine["documents"][0]["id"].as_i64().unwrap();

    // VendorA's permit in 思明, with a photographed violation under appeal and a transfer asked for.
    let me = vendor_a.get("/api/v1/me").await.value();
    let (permit, stall) = app.grant_stall(me["id"].as_i64().unwrap(), District::Siming).await;
    // Recorded by a colleague of OfficerA, so OfficerA may decide the appeal (whoever records a
    // breach never decides the appeal against it).
    let recorder = app.officer(District::Siming).await;
    let photo = recorder
        .raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true)
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    let inspection = json!({ "permit_id": permit, "checklist": [{ "id": "clear-paths", "ok": false }],
        "notes": "占用盲道", "violations": ["V-PATHS"], "evidence_ids": [photo], "location": [118.0826, 24.4566] });
    recorder.post("/api/v1/inspections", &inspection).await.assert_status(201);
    // Two helpers: one the district approved (its photo is public), one waiting; and a
    // subletting review opened by two inspections that found someone else at the stall.
    let helper_photo = vendor_a
        .raw(Method::POST, "/api/v1/evidence", Some("application/octet-stream"), JPEG.to_vec(), true)
        .await
        .value()["id"]
        .as_i64()
        .unwrap();
    let mut helpers = Vec::new();
    for (name, id_number) in [("陈阿妹", "350203198503150024"), ("陈小弟", "35020319900720004X")] {
        let pv = vendor_a
            .post(
                &format!("/api/v1/permits/{permit}/helpers"),
                &json!({ "name": name, "id_number": id_number, "relation": "sibling", "photo_id": helper_photo }),
            )
            .await;
        pv.assert_status(200);
        helpers.push(pv.value()["helpers"].as_array().unwrap().last().unwrap()["id"].as_i64().unwrap());
    }
    recorder
        .post(&format!("/api/v1/helpers/{}/decision", helpers[0]), &json!({ "approve": true }))
        .await
        .assert_status(200);
    for _ in 0..2 {
        let visit = json!({ "permit_id": permit, "checklist": [{ "id": "holder-present", "ok": false }],
            "notes": "非持证人经营", "violations": [], "evidence_ids": [], "present": "someone_else" });
        recorder.post("/api/v1/inspections", &visit).await.assert_status(201);
    }
    let pv = vendor_a.get(&format!("/api/v1/permits/{permit}")).await.value();
    let violation = pv["ledger"][0]["id"].as_i64().unwrap();
    vendor_a
        .post(&format!("/api/v1/violations/{violation}/appeal"), &json!({ "reason": "已整改" }))
        .await
        .assert_status(200);
    let phone_b = vendor_b.get("/api/v1/me").await.value()["phone"].as_str().unwrap().to_string();
    vendor_a
        .post(
            &format!("/api/v1/permits/{permit}/transfer"),
            &json!({ "to_phone": phone_b, "relation": "child", "note": "交由儿子经营" }),
        )
        .await
        .assert_status(200);
    let queue = officer_a.get("/api/v1/review/supervision").await.value();
    let appeal = queue["appeals"][0]["id"].as_i64().unwrap();
    let transfer = queue["transfers"][0]["id"].as_i64().unwrap();
    let notification = vendor_a.get("/api/v1/me/notifications").await.value()["items"][0]["id"].as_i64().unwrap();
    // The text about that permit's violation, in 思明's outbox.
    let subject = format!("permit:{permit}");
    let outbox: i64 = app
        .state
        .db
        .run(move |c| {
            use backend::db::schema::{notifications as n, outbox as o};
            use diesel::prelude::*;
            Ok(o::table.inner_join(n::table).filter(n::subject.eq(subject)).select(o::id).first(c)?)
        })
        .await
        .unwrap();

    // MerchantA's filing on a 思明 street, and a public complaint from 思明.
    let segs = app.anon().get("/api/v1/street-segments").await.value();
    let segment =
        segs.as_array().unwrap().iter().find(|s| s["name"].as_str().unwrap().starts_with("禾祥西路")).unwrap()["id"]
            .as_i64()
            .unwrap();
    let filing = merchant_a.post("/api/v1/filings", &cross_store(segment, 1.2)).await;
    filing.assert_status(201);
    let complaint = app
        .anon()
        .post(
            "/api/v1/complaints",
            &json!({ "service_code": "blocking", "description": "占用盲道",
            "location": [118.0826, 24.4566], "address": "中山路" }),
        )
        .await;
    complaint.assert_status(201);
    assert_eq!(complaint.value()["district"], "350203");
    // With a photo, so that Open311's media_url has something to serve.
    let token = complaint.value()["token"].as_str().unwrap().to_string();
    app.anon()
        .raw(Method::POST, &format!("/api/v1/public/complaints/{token}/photo"), Some("image/jpeg"), JPEG.to_vec(), true)
        .await
        .assert_status(201);

    for (k, v) in [
        ("app", app_id),
        ("doc", doc),
        ("round", round),
        ("offer", offer),
        ("objection", objection.value()["id"].as_i64().unwrap()),
        ("permit", permit),
        ("stall", stall),
        ("evidence", photo),
        ("violation", violation),
        ("appeal", appeal),
        ("helper", helpers[0]),
        ("helper2", helpers[1]),
        ("helper_photo", helper_photo),
        ("review", pv["reviews"][0]["id"].as_i64().expect("a subletting review")),
        ("transfer", transfer),
        ("notification", notification),
        ("outbox", outbox),
        ("segment", segment),
        ("filing", filing.value()["id"].as_i64().unwrap()),
        ("complaint", complaint.value()["id"].as_i64().unwrap()),
        ("zone", sm[0]),
        ("vendor_b", vendor_b_id),
        ("spare", spare),
        ("assisted", assisted),
        ("counter_notice", counter_notice),
    ] {
        f.insert(k, v.to_string());
    }
    f.insert("code", pv["verify_code"].as_str().unwrap().to_string());
    f.insert("token", complaint.value()["token"].as_str().unwrap().to_string());
    f.insert("phone_b", phone_b);
    let callers = HashMap::from([
        (Who::Nobody, app.anon()),
        (Who::VendorA, vendor_a),
        (Who::VendorB, vendor_b),
        (Who::MerchantA, merchant_a),
        (Who::MerchantB, merchant_b),
        (Who::OfficerA, officer_a),
        (Who::OfficerB, officer_b),
        (Who::Admin, admin),
    ]);
    (callers, f)
}

pub fn fill(path: &str, f: &HashMap<&'static str, String>) -> String {
    let mut out = path.to_string();
    for (k, v) in f {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    assert!(!out.contains('{'), "no fixture value for a placeholder in {path}");
    out
}

async fn send(c: &Client, method: &Method, path: &str, body: &Body) -> u16 {
    let r = match body {
        Body::None if *method == Method::GET || *method == Method::DELETE => {
            c.raw(method.clone(), path, None, Vec::new(), true).await
        }
        Body::None => c.raw(method.clone(), path, Some("application/json"), b"{}".to_vec(), true).await,
        Body::Json(v) => c.raw(method.clone(), path, Some("application/json"), v.to_string().into_bytes(), true).await,
        Body::Bytes(ct, b) => c.raw(method.clone(), path, Some(ct), b.to_vec(), true).await,
    };
    r.status.as_u16()
}

/// Rows of tables a denied request must leave alone.
const WATCHED: [&str; 12] = [
    "users",
    "stall_applications",
    "application_documents",
    "permits",
    "shop_filings",
    "complaints",
    "inspections",
    "violations",
    "allocation_rounds",
    "zones",
    "audit_log",
    "notifications",
];

pub async fn watched_counts(app: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for t in WATCHED {
        v.push(app.count(t).await);
    }
    v
}

/// The (method, route) pairs of the OpenAPI document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = backend::router::openapi_json();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

api_test!(every_route_has_an_authorisation_decision_and_keeps_it, |app| {
    let app = app.with_demo().await;
    let (callers, f) = fixture(&app).await;
    let rules = rules(&f);

    let decided: BTreeSet<(String, String)> =
        rules.iter().map(|r| (r.method.to_string(), r.route.to_string())).collect();
    let documented = documented();
    let undecided: Vec<_> = documented.difference(&decided).collect();
    assert!(undecided.is_empty(), "routes without an authorisation decision in tests/api/authz.rs: {undecided:?}");
    let unknown: Vec<_> = decided.difference(&documented).collect();
    assert!(unknown.is_empty(), "decisions for routes the router does not have: {unknown:?}");

    let mut wrong = Vec::new();
    let mut cells = 0;
    for r in &rules {
        let path = fill(r.path, &f);
        let (denied, allowed): (Vec<Who>, Vec<Who>) = EVERYONE.iter().partition(|w| !r.access.allows(**w));
        for who in denied {
            let before = watched_counts(&app).await;
            // The gateway's callbacks know no sessions: without the secret they do not exist.
            let expect: &[u16] = match (r.access, who) {
                (Access::Gateway, _) => &[404],
                (_, Who::Nobody) => &[401],
                _ => &[403, 404],
            };
            let mut got = vec![send(&callers[&who], &r.method, &path, &r.body).await];
            if r.access.by_role() && r.method != Method::GET && r.method != Method::DELETE {
                // Refused for who they are, whatever they send.
                got.push(send(&callers[&who], &r.method, &path, &Body::Json(json!({ "nonsense": [1, 2] }))).await);
            }
            cells += 1;
            if got.iter().any(|s| !expect.contains(s)) {
                wrong.push(format!("{} {path} as {who:?}: expected {expect:?}, got {got:?}", r.method));
            }
            if watched_counts(&app).await != before {
                wrong.push(format!("{} {path} as {who:?} was refused but changed data", r.method));
            }
        }
        for who in allowed {
            let s = send(&callers[&who], &r.method, &path, &r.body).await;
            cells += 1;
            if s == 401 || s == 403 || (s == 404 && !r.consumes) || s >= 500 {
                wrong.push(format!("{} {path} as {who:?}: allowed, got {s}", r.method));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {cells} cells wrong:\n{}", wrong.len(), wrong.join("\n"));
    assert!(cells > 700, "{cells} cells");
});

/// The `id`s of the rows a list answers with, found at `pointer` (an array of objects).
fn row_ids(v: &Value, pointer: &str) -> Vec<i64> {
    let rows = v.pointer(pointer).and_then(Value::as_array).unwrap_or_else(|| panic!("no array at {pointer} in {v}"));
    rows.iter().map(|r| r["id"].as_i64().expect("a row with an id")).collect()
}

// Not only the status codes: what each list holds. For every list endpoint, the caller of the
// resource's side finds the row and the caller of the other district or owner does not.
api_test!(lists_hold_no_rows_of_another_district_or_owner, |app| {
    let app = app.with_demo().await;
    let (callers, f) = fixture(&app).await;
    let id = |k: &str| f[k].parse::<i64>().unwrap();
    let officer_a = callers[&Who::OfficerA].get("/api/v1/me").await.value()["id"].as_i64().unwrap();
    // The queues hold work still to do: a filing on a restricted street of 思明 waits for review.
    let segs = app.anon().get("/api/v1/street-segments").await.value();
    let restricted =
        segs.as_array().unwrap().iter().find(|s| s["name"].as_str().unwrap().starts_with("莲前东路")).unwrap()["id"]
            .as_i64()
            .unwrap();
    let waiting = callers[&Who::MerchantA].post("/api/v1/filings", &cross_store(restricted, 0.8)).await;
    waiting.assert_status(201);
    assert_eq!(waiting.value()["status"], "pending_review");
    let waiting = waiting.value()["id"].as_i64().unwrap();
    let status = callers[&Who::VendorA].get(&format!("/api/v1/applications/{}", f["app"])).await.value()["status"]
        .as_str()
        .unwrap()
        .to_string();
    let queue = format!("/api/v1/review/applications?status={status}");
    let lists: [(&str, &str, &str, i64, Who, Who); 15] = [
        ("/api/v1/me/applications", "", "app", id("app"), Who::VendorA, Who::VendorB),
        ("/api/v1/me/permits", "", "permit", id("permit"), Who::VendorA, Who::VendorB),
        ("/api/v1/me/filings", "", "filing", id("filing"), Who::MerchantA, Who::MerchantB),
        ("/api/v1/me/notifications", "/items", "notification", id("notification"), Who::VendorA, Who::VendorB),
        (&queue, "/items", "app", id("app"), Who::OfficerA, Who::OfficerB),
        ("/api/v1/review/filings", "", "filing", waiting, Who::OfficerA, Who::OfficerB),
        ("/api/v1/review/complaints", "", "complaint", id("complaint"), Who::OfficerA, Who::OfficerB),
        ("/api/v1/review/cases?tab=all&kind=stall", "/items", "app", id("app"), Who::OfficerA, Who::OfficerB),
        (
            "/api/v1/review/cases?tab=all&kind=cross_store",
            "/items",
            "filing",
            id("filing"),
            Who::OfficerA,
            Who::OfficerB,
        ),
        (
            "/api/v1/review/cases?tab=all&kind=complaint",
            "/items",
            "complaint",
            id("complaint"),
            Who::OfficerA,
            Who::OfficerB,
        ),
        ("/api/v1/review/supervision", "/appeals", "appeal", id("appeal"), Who::OfficerA, Who::OfficerB),
        ("/api/v1/review/supervision", "/transfers", "transfer", id("transfer"), Who::OfficerA, Who::OfficerB),
        ("/api/v1/admin/outbox", "/items", "outbox", id("outbox"), Who::OfficerA, Who::OfficerB),
        ("/api/v1/users", "/users", "officer", officer_a, Who::OfficerA, Who::OfficerB),
        ("/api/v1/assisted/notices", "", "counter notice", id("counter_notice"), Who::OfficerA, Who::OfficerB),
    ];
    let mut wrong = Vec::new();
    for (path, pointer, what, row, this_side, other_side) in lists {
        let mine = callers[&this_side].get(path).await;
        mine.assert_status(200);
        if !row_ids(&mine.value(), pointer).contains(&row) {
            wrong.push(format!("{path}{pointer} as {this_side:?} lacks its {what} {row}"));
        }
        let theirs = callers[&other_side].get(path).await;
        theirs.assert_status(200);
        if row_ids(&theirs.value(), pointer).contains(&row) {
            wrong.push(format!("{path}{pointer} as {other_side:?} shows the {what} {row} of another"));
        }
        // The admin sees the whole city (a counter's queue is its district's own work).
        if !path.starts_with("/api/v1/me/")
            && !path.starts_with("/api/v1/assisted/")
            && !row_ids(&callers[&Who::Admin].get(path).await.value(), pointer).contains(&row)
        {
            wrong.push(format!("{path}{pointer} as Admin lacks the {what} {row}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
});

// Open311 (GeoReport v2) routes are public in the matrix above; here: they read no session, and
// answer everyone alike, with nothing of the reporter's.
api_test!(open311_routes_are_public_and_the_same_for_everyone, |app| {
    let app = app.with_demo().await;
    let (callers, f) = fixture(&app).await;
    let complaint = &f["complaint"];
    let reads = [
        "/open311/v2/services.json".to_string(),
        "/open311/v2/requests.json".to_string(),
        format!("/open311/v2/requests/{complaint}.json"),
        format!("/open311/v2/requests/{complaint}.xml"),
        "/open311/v2/requests.xml?status=open".to_string(),
        "/open311/v2/services/blocking.json".to_string(),
        format!("/open311/v2/media/{complaint}.jpg"),
    ];
    for path in &reads {
        let public = callers[&Who::Nobody].get(path).await;
        public.assert_status(200);
        assert!(!public.text().contains(&f["token"]), "{path} shows a report's private token");
        for who in EVERYONE {
            let r = callers[&who].get(path).await;
            assert_eq!((r.status, r.text()), (public.status, public.text()), "{path} as {who:?}");
        }
    }
    let list = callers[&Who::Nobody].get("/open311/v2/requests.json").await.value();
    assert!(list.as_array().unwrap().iter().any(|r| r["service_request_id"] == complaint.as_str()), "{list}");
    // Anyone may report, signed in or not, without a CSRF token; a report is a report.
    for who in [Who::Nobody, Who::VendorB, Who::OfficerB] {
        let before = app.count("complaints").await;
        let r = callers[&who]
            .raw(
                Method::POST,
                "/open311/v2/requests.json",
                Some("application/x-www-form-urlencoded"),
                b"service_code=noise&description=%E5%A4%9C%E9%97%B4%E5%99%AA%E9%9F%B3&lat=24.4566&long=118.0826"
                    .to_vec(),
                false,
            )
            .await;
        assert_eq!(r.status, 201, "as {who:?}: {}", r.text());
        assert_eq!(app.count("complaints").await, before + 1);
    }
});

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::District;
use crate::application::ReturnItem;
use crate::dto::applications::CaseEvent;
use crate::policy::{Evaluation, PolicyApplication};

/// A shop's filing as the shop and officers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingView {
    pub id: i64,
    pub kind: String,
    /// `filed`, `pending_review`, `approved`, `returned`, `rejected`, `revoked`, `withdrawn`.
    pub status: String,
    pub district: District,
    pub application: PolicyApplication,
    /// The server's evaluation at submission (the one that counts), with the pack version used.
    pub evaluation: Evaluation,
    pub policy_version: u32,
    pub merchant: String,
    pub submitted_at: NaiveDateTime,
    pub deadline: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub decision_reason: String,
    pub return_items: Vec<ReturnItem>,
    pub permit: Option<PermitSummary>,
    pub history: Vec<CaseEvent>,
    /// The notices sent about this case, with what became of each text message.
    #[serde(default)]
    pub notices: Vec<crate::dto::lifecycle::NoticeDelivery>,
    pub version: i32,
    /// The street filed against (cross-storefront), as it stood when the page was read.
    #[serde(default)]
    pub segment: Option<SegmentView>,
    /// The shop's contact: the person and phone the officer calls. Only for the shop itself and
    /// the officers who handle the filing.
    #[serde(default)]
    pub contact: Option<FilingContact>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub credit_code: Option<String>,
}

/// What an officer sets when approving on a restricted street (核定): a smaller area, fewer
/// windows, and conditions in words. Each may only narrow what the shop filed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalConditions {
    #[serde(default)]
    pub frontage_m: Option<f64>,
    #[serde(default)]
    pub depth_m: Option<f64>,
    /// The windows allowed, out of those filed; absent = as filed.
    #[serde(default)]
    pub windows: Option<Vec<crate::policy::TimeWindow>>,
    #[serde(default)]
    pub note: String,
}

impl ApprovalConditions {
    /// Checks the conditions against what was filed: only narrower, never wider.
    pub fn validate(&self, filed: &PolicyApplication) -> Vec<crate::FieldError> {
        let mut e = crate::validate::Errors::new();
        if self.note.chars().count() > 300 {
            e.add("conditions.note", "too_long", "核定条件最多 300 字", "Conditions: at most 300 characters");
        }
        let PolicyApplication::CrossStore(f) = filed else {
            if self.frontage_m.is_some() || self.depth_m.is_some() || self.windows.is_some() {
                e.add(
                    "conditions",
                    "not_applicable",
                    "外摆促销只能附加文字条件",
                    "An outdoor promotion takes conditions in words only",
                );
            }
            return e.0;
        };
        for (field, v, filed_v, zh, en) in [
            ("conditions.frontage_m", self.frontage_m, f.frontage_m, "核定门面长度", "Approved frontage"),
            ("conditions.depth_m", self.depth_m, f.depth_m, "核定深度", "Approved depth"),
        ] {
            if let Some(v) = v
                && (!v.is_finite() || v <= 0.0 || v > filed_v + 1e-9)
            {
                e.add(
                    field,
                    "range",
                    format!("{zh}须大于 0，且不超过申报的 {filed_v} 米"),
                    format!("{en} must be above 0 and at most the {filed_v} m filed"),
                );
            }
        }
        if let Some(ws) = &self.windows {
            if ws.is_empty() {
                e.add("conditions.windows", "required", "请至少保留一个时段", "Keep at least one window");
            }
            if ws.iter().any(|w| !f.windows.iter().any(|x| x.start == w.start && x.end == w.end)) {
                e.add(
                    "conditions.windows",
                    "not_filed",
                    "只能从商户申报的时段中选择",
                    "Choose only among the windows the shop filed",
                );
            }
        }
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitSummary {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub verify_code: String,
    pub title: String,
    pub location: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// A row of an officer's filing queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilingQueueItem {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub merchant: String,
    pub place: String,
    pub district: District,
    pub submitted_at: NaiveDateTime,
    pub deadline: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    /// Rules the officer must look at (for_officer).
    pub for_officer: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum FilingDecision {
    Approve {
        #[serde(default)]
        conditions: Option<ApprovalConditions>,
    },
    Reject {
        reason: String,
    },
    Return {
        items: Vec<ReturnItem>,
    },
}

impl FilingDecision {
    /// The shape of the decision; conditions are checked against the filing by
    /// [`ApprovalConditions::validate`].
    pub fn validate(&self) -> Vec<crate::FieldError> {
        match self {
            FilingDecision::Approve { .. } => Vec::new(),
            FilingDecision::Reject { reason } => {
                crate::application::Decision::Ineligible { reason: reason.clone() }.validate()
            }
            FilingDecision::Return { items } => {
                crate::application::Decision::Return { items: items.clone() }.validate()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeRequest {
    pub reason: String,
}

/// The public verify page's answer for a permit or filing certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitPublic {
    pub code: String,
    pub kind: String,
    /// `valid`, `suspended`, `revoked`, `expired` or `surrendered`.
    pub status: String,
    pub holder: String,
    pub title: String,
    pub location: String,
    pub trade: String,
    pub hours: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub district: District,
    pub zone_id: Option<i64>,
    pub conditions: Vec<String>,
    /// Approved helpers who may work the stall (masked names, face photos).
    #[serde(default)]
    pub helpers: Vec<crate::dto::lifecycle::PublicHelper>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyVersionSummary {
    pub version: u32,
    pub status: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyDraft {
    pub pack: crate::policy::PolicyPack,
    #[serde(default)]
    pub note: String,
}

/// A street segment as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentView {
    pub id: i64,
    pub name: String,
    pub district: District,
    pub road_class: String,
    pub class: crate::policy::StreetClass,
    pub sidewalk_m: f64,
    pub near_homes: bool,
    /// The centre line, [lon, lat] WGS84.
    pub line: Vec<[f64; 2]>,
    pub note: String,
}

impl SegmentView {
    pub fn facts(&self) -> crate::policy::SegmentFacts {
        crate::policy::SegmentFacts {
            id: self.id,
            name: self.name.clone(),
            class: self.class,
            sidewalk_m: self.sidewalk_m,
            district: self.district,
            near_homes: self.near_homes,
        }
    }
}

/// A filing's status in words.
pub fn filing_status_name(status: &str) -> crate::Text {
    let (zh, en) = match status {
        "filed" => ("已备案（生效）", "Filed, in effect"),
        "pending_review" => ("待审核", "Awaiting review"),
        "approved" => ("已批准", "Approved"),
        "returned" => ("退回补正", "Returned for correction"),
        "rejected" => ("不予办理", "Not allowed"),
        "revoked" => ("已撤销", "Revoked"),
        "withdrawn" => ("已撤回", "Withdrawn"),
        _ => ("其他", "Other"),
    };
    crate::Text::new(zh, en)
}

/// A filing kind in words.
pub fn filing_kind_name(kind: &str) -> crate::Text {
    match kind {
        "cross_store" => crate::Text::new("跨店经营", "Cross-storefront trading"),
        _ => crate::Text::new("外摆促销", "Outdoor promotion"),
    }
}

/// The permit code in what a scanned QR code carried: a certificate's QR holds the verify URL
/// (`…/verify/CODE`); a bare code is taken as it is.
pub fn code_from_scan(scanned: &str) -> String {
    let s = scanned.trim();
    let tail = s.rsplit_once("/verify/").map(|(_, t)| t).unwrap_or(s);
    tail.split(['?', '#', '/']).next().unwrap_or_default().trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn the_code_comes_out_of_the_verify_url() {
        assert_eq!(code_from_scan("https://tangui.example/verify/abcd1234efgh5678ijkl"), "ABCD1234EFGH5678IJKL");
        assert_eq!(code_from_scan("http://127.0.0.1:8080/verify/ABC?x=1"), "ABC");
        assert_eq!(code_from_scan("  ABCD1234EFGH5678IJKL "), "ABCD1234EFGH5678IJKL");
    }

    #[test]
    fn approval_conditions_only_narrow_what_was_filed() {
        let filed: PolicyApplication = serde_json::from_value(serde_json::json!({
            "kind": "cross_store", "segment_id": 1, "shop_name": "店", "address": "路", "trade": "catering",
            "frontage_m": 4.0, "depth_m": 1.0,
            "windows": [{ "start": "12:00:00", "end": "14:00:00" }, { "start": "18:00:00", "end": "22:00:00" }],
            "starts_on": "2027-01-01", "ends_on": "2027-06-30", "frontage_duties": true
        }))
        .unwrap();
        let narrower = ApprovalConditions { depth_m: Some(0.8), note: "只在午市".into(), ..Default::default() };
        assert!(narrower.validate(&filed).is_empty());
        let wider = ApprovalConditions { depth_m: Some(1.5), frontage_m: Some(0.0), ..Default::default() };
        let fields: Vec<String> = wider.validate(&filed).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["conditions.frontage_m", "conditions.depth_m"]);
        let other_window: crate::policy::TimeWindow =
            serde_json::from_value(serde_json::json!({ "start": "06:30:00", "end": "08:30:00" })).unwrap();
        let c = ApprovalConditions { windows: Some(vec![other_window]), ..Default::default() };
        assert_eq!(c.validate(&filed)[0].code, "not_filed");
        let none = ApprovalConditions { windows: Some(vec![]), ..Default::default() };
        assert_eq!(none.validate(&filed)[0].code, "required");
    }
}

//! After a permit is issued: its page for the holder and officers, inspections and the points
//! ledger, appeals, renewal, surrender and transfer, the inbox, and public complaints.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::dto::applications::CaseEvent;
use crate::policy::supervision::{Standing, ViolationStatus};
use crate::validate::Errors;
use crate::{District, FieldError, Text};

/// A permit as its holder and the officers of its district see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitView {
    pub id: i64,
    pub kind: String,
    /// `valid`, `suspended`, `revoked`, `expired` or `surrendered`.
    pub status: String,
    pub status_reason: String,
    pub verify_code: String,
    pub holder: String,
    pub title: String,
    pub location: String,
    pub trade: String,
    pub hours: String,
    pub district: District,
    pub zone_id: Option<i64>,
    pub stall_id: Option<i64>,
    pub filing_id: Option<i64>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub conditions: Vec<String>,
    pub standing: Standing,
    pub suspend_at_points: u32,
    pub revocation_proposed: bool,
    pub ledger: Vec<ViolationView>,
    pub inspections: Vec<InspectionView>,
    pub transfer: Option<TransferView>,
    /// Registered helpers (full names for the holder and staff), waiting, approved or refused.
    #[serde(default)]
    pub helpers: Vec<HelperView>,
    /// The holder may register another helper now.
    #[serde(default)]
    pub can_add_helper: bool,
    /// The relations a helper may have (the pack's `helper_relations`).
    #[serde(default)]
    pub helper_relations: Vec<String>,
    /// Who may take over on death or inability to work (the pack's `succession_relations`).
    #[serde(default)]
    pub succession_relations: Vec<String>,
    /// Open reviews (subletting suspected), for the holder and staff to see.
    #[serde(default)]
    pub reviews: Vec<PermitReviewView>,
    /// What the holder may do now.
    pub can_renew: bool,
    pub can_surrender: bool,
    pub can_transfer: bool,
    pub history: Vec<CaseEvent>,
    /// The notices sent about this case, with what became of each text message.
    #[serde(default)]
    pub notices: Vec<NoticeDelivery>,
    pub version: i32,
    /// The verification link as a QR code (SVG), for the holder to show on site, even offline.
    #[serde(default)]
    pub verify_qr_svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViolationView {
    pub id: i64,
    pub code: String,
    pub title: Text,
    pub points: u32,
    pub waived: bool,
    pub status: ViolationStatus,
    pub recorded_on: NaiveDate,
    pub appeal_until: NaiveDate,
    pub lapses_on: NaiveDate,
    pub inspection_id: i64,
    pub evidence_ids: Vec<i64>,
    pub notes: String,
    pub appeal: Option<AppealView>,
    pub can_appeal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealView {
    pub id: i64,
    pub reason: String,
    /// `pending`, `upheld` (the violation stands) or `overturned`.
    pub status: String,
    pub decision_note: String,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    /// The day the district must decide by (the pack's `appeal_decision_days`).
    pub decide_by: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionView {
    pub id: i64,
    pub at: NaiveDateTime,
    pub result: String,
    pub checklist: Vec<ChecklistAnswer>,
    pub notes: String,
    pub evidence_ids: Vec<i64>,
    pub violations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistAnswer {
    pub id: String,
    pub ok: bool,
}

/// What an officer records on site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionInput {
    /// A permit's verify code (scanned) or id.
    #[serde(default)]
    pub permit_code: Option<String>,
    #[serde(default)]
    pub permit_id: Option<i64>,
    /// Or a whole zone.
    #[serde(default)]
    pub zone_id: Option<i64>,
    pub checklist: Vec<ChecklistAnswer>,
    #[serde(default)]
    pub notes: String,
    /// Violation codes from the pack's catalogue.
    #[serde(default)]
    pub violations: Vec<String>,
    #[serde(default)]
    pub evidence_ids: Vec<i64>,
    #[serde(default)]
    pub location: Option<[f64; 2]>,
    /// Who was working the stall: `holder`, `helper:<id>` (a registered, approved helper) or
    /// `someone_else`. With a permit, answers the checklist's "holder or helper present".
    #[serde(default)]
    pub present: Option<String>,
}

/// Who an inspector found at the stall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Present {
    Holder,
    Helper(i64),
    SomeoneElse,
}

impl Present {
    pub fn parse(s: &str) -> Option<Present> {
        match s {
            "holder" => Some(Present::Holder),
            "someone_else" => Some(Present::SomeoneElse),
            _ => s.strip_prefix("helper:").and_then(|n| n.parse().ok()).map(Present::Helper),
        }
    }

    pub fn as_string(self) -> String {
        match self {
            Present::Holder => "holder".into(),
            Present::Helper(id) => format!("helper:{id}"),
            Present::SomeoneElse => "someone_else".into(),
        }
    }
}

/// The checklist item that `present` answers.
pub const HOLDER_PRESENT_ITEM: &str = "holder-present";

impl InspectionInput {
    pub fn validate(&self, known_violation: impl Fn(&str) -> bool) -> Vec<FieldError> {
        let mut e = Errors::new();
        let targets = [self.permit_code.is_some(), self.permit_id.is_some(), self.zone_id.is_some()];
        if targets.iter().filter(|t| **t).count() != 1 {
            e.add("permit_id", "target", "请选择一个许可或一个摊规点", "Choose one permit or one zone");
        }
        if self.zone_id.is_some() && !self.violations.is_empty() {
            e.add("violations", "zone", "违规须记在具体许可上", "Violations are recorded against a permit");
        }
        if self.notes.chars().count() > 2000 {
            e.add("notes", "too_long", "备注最多 2000 字", "Notes: at most 2000 characters");
        }
        for (i, v) in self.violations.iter().enumerate() {
            if !known_violation(v) {
                e.add(
                    &format!("violations[{i}]"),
                    "unknown",
                    format!("未知的违规代码 {v}"),
                    format!("Unknown violation code {v}"),
                );
            }
        }
        if self.violations.len() > 10 || self.evidence_ids.len() > 10 {
            e.add(
                "violations",
                "too_many",
                "一次最多 10 项违规、10 张照片",
                "At most 10 violations and 10 photos at once",
            );
        }
        if let Some(p) = &self.present {
            match Present::parse(p) {
                None => e.add("present", "unknown", "请选择在岗人员", "Choose who was at the stall"),
                Some(_) if self.zone_id.is_some() => {
                    e.add("present", "zone", "在岗人员须记在具体许可上", "Who was present is recorded against a permit")
                }
                Some(who) => {
                    let met = who != Present::SomeoneElse;
                    if self.checklist.iter().any(|c| c.id == HOLDER_PRESENT_ITEM && c.ok != met) {
                        e.add(
                            "present",
                            "contradicts_checklist",
                            "在岗人员与检查项“持证人本人或登记帮工在岗”不一致",
                            "Who was present contradicts the checklist item \"holder or registered helper present\"",
                        );
                    }
                }
            }
        }
        if let Some(p) = self.location
            && !crate::geo::XIAMEN_BBOX.contains(p)
        {
            e.add("location", "outside_xiamen", "位置不在厦门范围内", "The location is outside Xiamen");
        }
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionResult {
    pub inspection_id: i64,
    pub permit: Option<PermitView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealInput {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealDecision {
    /// true: the violation is set aside; false: it stands.
    pub overturn: bool,
    pub note: String,
}

impl AppealDecision {
    /// Either way the holder is told why.
    pub fn validate(&self) -> Vec<crate::FieldError> {
        let mut e = Errors::new();
        e.text("note", "处理意见", "Decision note", &self.note, 1000);
        e.0
    }
}

/// An appeal in an officer's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealQueueItem {
    pub id: i64,
    pub permit_id: i64,
    pub holder: String,
    pub violation: Text,
    pub points: u32,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub decide_by: Option<NaiveDate>,
    /// The reader recorded the violation, so someone else must decide (separation of duties).
    pub recorded_by_you: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    /// The family member's registered mobile number.
    pub to_phone: String,
    /// One of the pack's `transfer_relations`.
    pub relation: String,
    #[serde(default)]
    pub note: String,
}

/// Why a family member takes over a permit without the holder asking (顶替).
pub const SUCCESSION_CAUSES: [(&str, &str, &str); 2] = [
    ("deceased", "持证人去世", "The holder has died"),
    ("unable_to_work", "持证人丧失劳动能力", "The holder can no longer work"),
];

/// Succession, recorded by an officer with the family member and their documents in front of
/// them; another officer decides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuccessionRequest {
    /// The family member's registered mobile number (a vendor account).
    pub to_phone: String,
    /// One of the pack's `succession_relations`.
    pub relation: String,
    /// One of `SUCCESSION_CAUSES`.
    pub cause: String,
    /// Photos of the documents (death certificate or disability certificate, proof of the
    /// relation), uploaded by the officer to `/api/v1/evidence`.
    pub document_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

impl SuccessionRequest {
    pub fn validate(&self, relations: &[String]) -> Vec<FieldError> {
        let mut e = Errors::new();
        if !relations.contains(&self.relation) {
            e.add(
                "relation",
                "not_allowed",
                "按政策只有配偶、子女或父母可以顶替",
                "By the policy only a spouse, child or parent may take over",
            );
        }
        if !SUCCESSION_CAUSES.iter().any(|(c, ..)| *c == self.cause) {
            e.add("cause", "unknown", "请选择顶替原因", "Choose why the permit passes on");
        }
        if self.document_ids.is_empty() {
            e.add(
                "document_ids",
                "required",
                "请拍照上传证明材料（死亡证明或残疾证、亲属关系证明）",
                "Photograph the documents (death or disability certificate, proof of the relation)",
            );
        }
        if self.document_ids.len() > 10 {
            e.add("document_ids", "too_many", "最多 10 张", "At most 10 photos");
        }
        if self.note.chars().count() > 500 {
            e.add("note", "too_long", "说明最多 500 字", "Note: at most 500 characters");
        }
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferView {
    pub id: i64,
    pub to: String,
    pub relation: String,
    pub status: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferDecision {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

impl TransferDecision {
    /// A refusal says why; an approval may add a note.
    pub fn validate(&self) -> Vec<crate::FieldError> {
        let mut e = Errors::new();
        if self.approve {
            if self.note.chars().count() > 1000 {
                e.add("note", "too_long", "处理意见最多 1000 字", "Decision note: at most 1000 characters");
            }
        } else {
            e.text("note", "不予转让的理由", "Reason for refusing", &self.note, 1000);
        }
        e.0
    }
}

/// Staff work list: pending transfers, appeals and revocation proposals of the district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionQueue {
    pub appeals: Vec<AppealQueueItem>,
    #[serde(default)]
    pub helpers: Vec<HelperQueueItem>,
    #[serde(default)]
    pub reviews: Vec<PermitReviewView>,
    pub transfers: Vec<TransferQueueItem>,
    pub revocation_proposals: Vec<PermitSummaryRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferQueueItem {
    pub id: i64,
    pub permit_id: i64,
    pub from: String,
    pub to: String,
    pub relation: String,
    pub created_at: NaiveDateTime,
    /// `transfer` (the holder asked) or `succession` (recorded by an officer).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub document_ids: Vec<i64>,
    /// The reader recorded this succession, so someone else decides.
    #[serde(default)]
    pub recorded_by_you: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitSummaryRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub holder: String,
    pub title: String,
    pub location: String,
    pub valid_until: NaiveDate,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: Text,
    pub body: Text,
    pub link: String,
    pub created_at: NaiveDateTime,
    pub read: bool,
    /// What became of its text message (`queued`, `sent`, `delivered`, `failed`, `dead`, or
    /// `logged` when no gateway is configured); none
    /// when the account has no phone.
    #[serde(default)]
    pub sms_status: Option<String>,
}

/// A notice about a case, as the case page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDelivery {
    pub kind: String,
    pub title: Text,
    pub created_at: NaiveDateTime,
    pub sms_status: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// Every state an outgoing text message can be in, in the order the outbox page shows them.
pub const SMS_STATES: [&str; 7] = ["dead", "failed", "queued", "sending", "sent", "delivered", "logged"];

/// A text message's state in words.
pub fn sms_status_name(status: &str) -> Text {
    let (zh, en) = match status {
        "queued" => ("短信待发送", "Text queued"),
        "sending" => ("短信发送中", "Text being sent"),
        "sent" => ("短信已发出", "Text sent"),
        "delivered" => ("短信已送达", "Text delivered"),
        "failed" => ("短信未送达，将重试", "Text not delivered; retrying"),
        "dead" => ("短信未送达", "Text not delivered"),
        "logged" => ("未发短信（未配置短信网关）", "No text sent (no SMS gateway configured)"),
        _ => ("短信状态未知", "Text state unknown"),
    };
    Text::new(zh, en)
}

/// A state's short name, for the outbox page's filter (where every row is a text message).
pub fn sms_status_short(status: &str) -> Text {
    let (zh, en) = match status {
        "queued" => ("待发送", "Queued"),
        "sending" => ("发送中", "Sending"),
        "sent" => ("已发出", "Sent"),
        "delivered" => ("已送达", "Delivered"),
        "failed" => ("失败待重试", "Failed, retrying"),
        "dead" => ("已停止重试", "Gave up"),
        "logged" => ("仅写入日志", "Logged only"),
        _ => ("未知", "Unknown"),
    };
    Text::new(zh, en)
}

/// One text message in the outbox, for the admin's outbox page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    /// Masked (138****0001): the page is for the gateway's health, not for reading numbers.
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub body: String,
    pub last_error: String,
    pub last_answer: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub next_attempt_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxPage {
    pub items: Vec<OutboxRow>,
    pub total: i64,
    /// Messages per state, for the whole outbox.
    pub counts: Vec<(String, i64)>,
    /// Whether a gateway is configured (otherwise messages are written to the log).
    pub gateway: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<NotificationView>,
}

/// The kinds of problem the public can report (Open311 services).
pub const COMPLAINT_SERVICES: [(&str, &str, &str); 7] = [
    ("blocking", "占道、堵塞通行", "Blocking the way"),
    ("hygiene", "卫生脏乱", "Dirty or littered"),
    ("noise", "噪声扰民", "Noise"),
    ("hours", "超时经营", "Trading outside hours"),
    ("unlicensed", "无证或冒用许可", "Unlicensed or a borrowed permit"),
    ("subletting", "疑似转租、转让摊位", "Stall seemingly sublet or passed on"),
    ("other", "其他问题", "Other"),
];

/// A complaint's kind of problem in words.
pub fn complaint_service_name(code: &str) -> crate::Text {
    COMPLAINT_SERVICES
        .iter()
        .find(|s| s.0 == code)
        .map(|s| crate::Text::new(s.1, s.2))
        .unwrap_or_else(|| crate::Text::new("其他问题", "Other"))
}

/// A complaint's status in words.
pub fn complaint_status_name(status: &str) -> crate::Text {
    let (zh, en) = match status {
        "open" => ("待处理", "Open"),
        "in_progress" => ("处理中", "Being handled"),
        "resolved" => ("已解决", "Resolved"),
        "closed_no_action" => ("不予处理", "Closed without action"),
        _ => ("其他", "Other"),
    };
    crate::Text::new(zh, en)
}

/// A public complaint as filed (from the verify page, the zone page or Open311).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintInput {
    pub service_code: String,
    pub description: String,
    #[serde(default)]
    pub zone_id: Option<i64>,
    #[serde(default)]
    pub permit_code: Option<String>,
    #[serde(default)]
    pub location: Option<[f64; 2]>,
    #[serde(default)]
    pub address: String,
    /// Phone or e-mail for a call back (only staff see it).
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub evidence_id: Option<i64>,
}

impl ComplaintInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        if !COMPLAINT_SERVICES.iter().any(|(c, ..)| *c == self.service_code) {
            e.add("service_code", "unknown", "请选择问题类型", "Choose what kind of problem it is");
        }
        e.text("description", "问题描述", "Description", &self.description, 1000);
        if self.address.chars().count() > 200 {
            e.add("address", "too_long", "地址最多 200 字", "Address: at most 200 characters");
        }
        if self.contact.chars().count() > 100 {
            e.add("contact", "too_long", "联系方式最多 100 字", "Contact: at most 100 characters");
        }
        if self.zone_id.is_none() && self.permit_code.is_none() && self.location.is_none() {
            e.add(
                "location",
                "required",
                "请说明地点：选择所在的摊规点，或在地图上点出位置",
                "Say where: choose the vending zone, or tap the place on the map",
            );
        }
        if let Some(p) = self.location
            && !crate::geo::XIAMEN_BBOX.contains(p)
        {
            e.add("location", "outside_xiamen", "位置不在厦门范围内", "The location is outside Xiamen");
        }
        e.0
    }
}

/// A complaint as the reporter (by its token) and officers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintView {
    pub id: i64,
    pub service_code: String,
    pub description: String,
    pub district: District,
    pub address: String,
    pub zone_id: Option<i64>,
    pub permit_code: Option<String>,
    pub location: Option<[f64; 2]>,
    /// `open`, `in_progress`, `resolved`, `closed_no_action`.
    pub status: String,
    pub status_note: String,
    pub reopened: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Only for staff.
    pub contact: Option<String>,
    pub evidence_id: Option<i64>,
    pub history: Vec<CaseEvent>,
}

/// The answer to a new complaint: the reporter keeps the token to follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintReceipt {
    pub id: i64,
    pub token: String,
    pub district: District,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintUpdate {
    /// `in_progress`, `resolved` or `closed_no_action`.
    pub status: String,
    pub note: String,
}

impl ComplaintUpdate {
    /// The reporter is told what was done, whatever the outcome.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        if !["in_progress", "resolved", "closed_no_action"].contains(&self.status.as_str()) {
            e.add(
                "status",
                "unknown",
                "状态应为处理中、已解决或不予处理",
                "status must be in_progress, resolved or closed_no_action",
            );
        }
        e.text("note", "处理说明", "Note", &self.note, 1000);
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReopenRequest {
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceReceipt {
    pub id: i64,
    pub sha256: String,
    pub content_type: String,
}

/// A permit status in words (the holder's page, the public verify page).
pub fn permit_status_name(status: &str) -> crate::Text {
    let (zh, en) = match status {
        "valid" => ("有效", "Valid"),
        "suspended" => ("已暂停", "Suspended"),
        "revoked" => ("已撤销", "Revoked"),
        "expired" => ("已过期", "Expired"),
        "surrendered" => ("已注销", "Surrendered"),
        "ended" => ("已终止（摊规点关闭）", "Ended (zone closed)"),
        _ => ("其他", "Other"),
    };
    crate::Text::new(zh, en)
}

/// A helper registered by a stall permit holder (登记帮工).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelperInput {
    pub name: String,
    pub id_number: String,
    /// One of the pack's `helper_relations`.
    pub relation: String,
    /// A face photo uploaded first to `/api/v1/evidence`.
    pub photo_id: i64,
}

impl HelperInput {
    pub fn validate(&self, relations: &[String], today: chrono::NaiveDate) -> Vec<FieldError> {
        let mut e = Errors::new();
        e.text("name", "姓名", "Name", &self.name, 30);
        e.id_number("id_number", &self.id_number, today);
        if !relations.contains(&self.relation) {
            e.add("relation", "unknown", "请选择与持证人的关系", "Choose the relation to the holder");
        }
        if self.photo_id <= 0 {
            e.add("photo_id", "required", "请上传帮工本人正面照片", "Upload a photo of the helper's face");
        }
        e.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelperView {
    pub id: i64,
    pub name: String,
    pub relation: String,
    /// `pending`, `approved`, `refused` or `removed`.
    pub status: String,
    pub decision_note: String,
    pub photo_id: i64,
    pub created_at: NaiveDateTime,
}

/// A helper as the public verify page shows them: masked name, relation and face photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicHelper {
    pub id: i64,
    pub name: String,
    pub relation: String,
    pub photo_url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelperDecision {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

impl HelperDecision {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        if !self.approve && self.note.trim().is_empty() {
            e.add("note", "required", "不予登记须说明理由", "Give the reason for refusing");
        }
        if self.note.chars().count() > 500 {
            e.add("note", "too_long", "最多 500 字", "At most 500 characters");
        }
        e.0
    }
}

/// A helper waiting in an officer's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelperQueueItem {
    pub id: i64,
    pub permit_id: i64,
    pub holder: String,
    pub name: String,
    pub relation: String,
    pub photo_id: i64,
    pub created_at: NaiveDateTime,
}

/// A review a permit was put under by a rule (kind `subletting`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitReviewView {
    pub id: i64,
    pub permit_id: i64,
    pub kind: String,
    pub reason: Text,
    /// `open` or `closed`.
    pub status: String,
    pub outcome_note: String,
    pub opened_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewClosing {
    pub note: String,
}

/// A holder checking in at their stall, from the phone's position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInInput {
    /// WGS84 longitude, latitude.
    pub location: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInReceipt {
    pub day: NaiveDate,
    /// Already checked in today (nothing new recorded).
    pub already: bool,
    pub days_this_month: u32,
    pub min_attendance_days: u32,
}

//! Stall applications: what a vendor fills in, which documents it needs, which uploads are
//! accepted, and how an officer decides. The browser checks all of this as the vendor types; the
//! server checks it again on every save and on submit.

use serde::{Deserialize, Serialize};

use crate::validate::Errors;
use crate::{FieldError, Text, TradeCategory};

/// Groups served first, within the reserved share of stalls (低保, 残疾, 登记失业, 本地户籍/居住).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriorityGroup {
    LowIncome,
    Disabled,
    Unemployed,
    LocalResident,
}

impl PriorityGroup {
    pub const ALL: [PriorityGroup; 4] =
        [PriorityGroup::LowIncome, PriorityGroup::Disabled, PriorityGroup::Unemployed, PriorityGroup::LocalResident];

    pub fn name_zh(self) -> &'static str {
        match self {
            PriorityGroup::LowIncome => "最低生活保障家庭（低保）",
            PriorityGroup::Disabled => "残疾人",
            PriorityGroup::Unemployed => "登记失业人员",
            PriorityGroup::LocalResident => "本地户籍或居住满 6 个月",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PriorityGroup::LowIncome => "Low-income household (dibao)",
            PriorityGroup::Disabled => "Person with a disability",
            PriorityGroup::Unemployed => "Registered unemployed",
            PriorityGroup::LocalResident => "Local household registration or 6+ months' residence",
        }
    }

    /// The proof an applicant in this group uploads.
    pub fn proof(self) -> DocKind {
        match self {
            PriorityGroup::LowIncome => DocKind::LowIncomeProof,
            PriorityGroup::Disabled => DocKind::DisabilityCertificate,
            PriorityGroup::Unemployed => DocKind::UnemploymentRegistration,
            PriorityGroup::LocalResident => DocKind::ResidenceProof,
        }
    }

    /// Local residence is a tie-breaker elsewhere, not a hardship: only the first three are the
    /// priority tier of the draw.
    pub fn is_priority_tier(self) -> bool {
        !matches!(self, PriorityGroup::LocalResident)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    IdCard,
    HealthCertificate,
    LowIncomeProof,
    DisabilityCertificate,
    UnemploymentRegistration,
    ResidenceProof,
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 7] = [
        DocKind::IdCard,
        DocKind::HealthCertificate,
        DocKind::LowIncomeProof,
        DocKind::DisabilityCertificate,
        DocKind::UnemploymentRegistration,
        DocKind::ResidenceProof,
        DocKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::IdCard => "id_card",
            DocKind::HealthCertificate => "health_certificate",
            DocKind::LowIncomeProof => "low_income_proof",
            DocKind::DisabilityCertificate => "disability_certificate",
            DocKind::UnemploymentRegistration => "unemployment_registration",
            DocKind::ResidenceProof => "residence_proof",
            DocKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DocKind::IdCard => "身份证（正反面）",
            DocKind::HealthCertificate => "健康证",
            DocKind::LowIncomeProof => "低保证明",
            DocKind::DisabilityCertificate => "残疾人证",
            DocKind::UnemploymentRegistration => "失业登记证明",
            DocKind::ResidenceProof => "户籍或居住证明",
            DocKind::Other => "其他材料",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DocKind::IdCard => "ID card (both sides)",
            DocKind::HealthCertificate => "Health certificate",
            DocKind::LowIncomeProof => "Low-income (dibao) certificate",
            DocKind::DisabilityCertificate => "Disability certificate",
            DocKind::UnemploymentRegistration => "Unemployment registration",
            DocKind::ResidenceProof => "Household registration or residence proof",
            DocKind::Other => "Other document",
        }
    }
}

/// What the vendor fills in. Saved as a draft at any time; checked in full on submit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallApplicationInput {
    pub category: Option<TradeCategory>,
    /// Zone ids, most wanted first, at most five.
    pub preferences: Vec<i64>,
    #[serde(default)]
    pub priority_groups: Vec<PriorityGroup>,
    #[serde(default)]
    pub note: String,
}

pub const MAX_PREFERENCES: usize = 5;

impl StallApplicationInput {
    /// Problems that block saving even a draft (a draft may be incomplete, but not wrong).
    pub fn validate_draft(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        if self.preferences.len() > MAX_PREFERENCES {
            e.add("preferences", "too_many", "最多选择 5 个意向摊规点", "Choose at most 5 zones");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, z) in self.preferences.iter().enumerate() {
            if !seen.insert(z) {
                e.add(
                    &format!("preferences[{i}]"),
                    "duplicate",
                    "同一摊规点不能重复选择",
                    "The same zone is chosen twice",
                );
            }
        }
        if self.note.chars().count() > 500 {
            e.add("note", "too_long", "备注最多 500 字", "Note: at most 500 characters");
        }
        let mut groups = self.priority_groups.clone();
        groups.sort();
        groups.dedup();
        if groups.len() != self.priority_groups.len() {
            e.add("priority_groups", "duplicate", "优先类别重复", "A priority group is listed twice");
        }
        e.0
    }

    /// Everything required to submit, given the kinds of document already uploaded.
    pub fn validate_submit(&self, uploaded: &[DocKind]) -> Vec<FieldError> {
        let mut e = Errors(self.validate_draft());
        if self.category.is_none() {
            e.add("category", "required", "请选择经营品类", "Choose what you will sell");
        }
        if self.preferences.is_empty() {
            e.add("preferences", "required", "请至少选择一个意向摊规点", "Choose at least one zone");
        }
        for kind in self.required_documents() {
            if !uploaded.contains(&kind) {
                e.add(
                    &format!("documents.{}", kind.as_str()),
                    "missing_document",
                    format!("请上传{}", kind.name_zh()),
                    format!("Upload your {}", kind.name_en().to_lowercase()),
                );
            }
        }
        e.0
    }

    /// ID card always; a health certificate for food trades; a proof for each declared group.
    pub fn required_documents(&self) -> Vec<DocKind> {
        let mut kinds = vec![DocKind::IdCard];
        if self.category.is_some_and(TradeCategory::needs_health_certificate) {
            kinds.push(DocKind::HealthCertificate);
        }
        for g in &self.priority_groups {
            if !kinds.contains(&g.proof()) {
                kinds.push(g.proof());
            }
        }
        kinds
    }

    /// Whether the applicant belongs to the draw's priority tier.
    pub fn is_priority(&self) -> bool {
        self.priority_groups.iter().any(|g| g.is_priority_tier())
    }
}

/// Upload formats accepted, recognised from the file's first bytes (never from its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    Jpeg,
    Png,
    Pdf,
}

impl DocFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            DocFormat::Jpeg => "image/jpeg",
            DocFormat::Png => "image/png",
            DocFormat::Pdf => "application/pdf",
        }
    }

    pub fn sniff(head: &[u8]) -> Option<DocFormat> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocFormat::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(DocFormat::Png)
        } else if head.starts_with(b"%PDF-") {
            Some(DocFormat::Pdf)
        } else {
            None
        }
    }
}

pub const MAX_UPLOAD_BYTES: u64 = 5 * 1024 * 1024;

/// The longest side a stored photo keeps: enough to read an ID card or see a blocked lane. The
/// app scales a photo down to it on the phone before sending; the server to it on receipt.
pub const MAX_PHOTO_SIDE: u32 = 2560;

/// Checks an upload from its size and first bytes. The same check runs in the browser before
/// sending and on the server on receipt.
pub fn check_upload(field: &str, head: &[u8], size: u64) -> Result<DocFormat, FieldError> {
    if size == 0 {
        return Err(FieldError::new(
            field,
            "empty_file",
            "文件是空的，请重新选择",
            "The file is empty; choose it again",
        ));
    }
    if size > MAX_UPLOAD_BYTES {
        return Err(FieldError::new(
            field,
            "file_too_large",
            format!("文件不能超过 5 MB（当前 {:.1} MB）", size as f64 / 1048576.0),
            format!("Files must be at most 5 MB (this one is {:.1} MB)", size as f64 / 1048576.0),
        ));
    }
    DocFormat::sniff(head).ok_or_else(|| {
        FieldError::new(
            field,
            "file_type",
            "只接受 JPG、PNG 图片或 PDF 文件（按文件内容识别，改扩展名无效）",
            "Only JPG or PNG images or PDF files are accepted (checked from the content, not the name)",
        )
    })
}

/// The life of a stall application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Draft,
    Submitted,
    /// Sent back for correction, listing every problem at once (一次性告知).
    Returned,
    Eligible,
    Ineligible,
    Withdrawn,
    /// Frozen into an allocation round's list.
    InRound,
    /// Drawn a stall; the result is on public notice.
    Allocated,
    Waitlisted,
    Offered,
    Accepted,
    Declined,
    Expired,
}

impl ApplicationStatus {
    pub const OPEN: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::Returned,
        ApplicationStatus::Eligible,
        ApplicationStatus::InRound,
        ApplicationStatus::Allocated,
        ApplicationStatus::Waitlisted,
        ApplicationStatus::Offered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Returned => "returned",
            ApplicationStatus::Eligible => "eligible",
            ApplicationStatus::Ineligible => "ineligible",
            ApplicationStatus::Withdrawn => "withdrawn",
            ApplicationStatus::InRound => "in_round",
            ApplicationStatus::Allocated => "allocated",
            ApplicationStatus::Waitlisted => "waitlisted",
            ApplicationStatus::Offered => "offered",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::Declined => "declined",
            ApplicationStatus::Expired => "expired",
        }
    }

    /// Every status, in the order a case moves through them.
    pub const ALL: [ApplicationStatus; 13] = {
        use ApplicationStatus::*;
        [
            Draft, Submitted, Returned, Eligible, Ineligible, Withdrawn, InRound, Allocated, Waitlisted, Offered,
            Accepted, Declined, Expired,
        ]
    };

    pub fn parse(s: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "草稿",
            ApplicationStatus::Submitted => "待审核",
            ApplicationStatus::Returned => "退回补正",
            ApplicationStatus::Eligible => "审核通过，等待摇号",
            ApplicationStatus::Ineligible => "不符合条件",
            ApplicationStatus::Withdrawn => "已撤回",
            ApplicationStatus::InRound => "已进入摇号名单",
            ApplicationStatus::Allocated => "已摇中，公示中",
            ApplicationStatus::Waitlisted => "轮候中",
            ApplicationStatus::Offered => "待确认摊位",
            ApplicationStatus::Accepted => "已接受摊位",
            ApplicationStatus::Declined => "已放弃",
            ApplicationStatus::Expired => "逾期未确认",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "Draft",
            ApplicationStatus::Submitted => "Awaiting review",
            ApplicationStatus::Returned => "Returned for correction",
            ApplicationStatus::Eligible => "Eligible, awaiting the draw",
            ApplicationStatus::Ineligible => "Not eligible",
            ApplicationStatus::Withdrawn => "Withdrawn",
            ApplicationStatus::InRound => "In a draw",
            ApplicationStatus::Allocated => "Drawn, on public notice",
            ApplicationStatus::Waitlisted => "On the waiting list",
            ApplicationStatus::Offered => "Stall offered",
            ApplicationStatus::Accepted => "Stall accepted",
            ApplicationStatus::Declined => "Declined",
            ApplicationStatus::Expired => "Offer expired",
        }
    }

    pub fn is_editable(self) -> bool {
        matches!(self, ApplicationStatus::Draft | ApplicationStatus::Returned)
    }
}

/// One thing the officer asks the applicant to fix (一次性告知: all of them in one return).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnItem {
    /// A document kind (`health_certificate`) or field (`preferences`) it is about.
    pub item: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Eligible,
    Ineligible { reason: String },
    Return { items: Vec<ReturnItem> },
}

impl Decision {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        match self {
            Decision::Eligible => {}
            Decision::Ineligible { reason } => e.text("reason", "不符合条件的原因", "Reason", reason, 500),
            Decision::Return { items } => {
                if items.is_empty() {
                    e.add("items", "required", "退回时请列出需要补正的每一项", "List every item to correct");
                }
                if items.len() > 20 {
                    e.add("items", "too_many", "最多 20 项", "At most 20 items");
                }
                for (i, it) in items.iter().enumerate() {
                    e.text(&format!("items[{i}].message"), "补正说明", "What to correct", &it.message, 300);
                    if it.item.trim().is_empty() || it.item.len() > 60 {
                        e.add(&format!("items[{i}].item"), "required", "请指明是哪一项", "Say which item");
                    }
                }
            }
        }
        e.0
    }
}

/// Labels for a return item: a document kind's name, or the item text itself.
pub fn item_label(item: &str) -> Text {
    match DocKind::parse(item) {
        Some(k) => Text::new(k.name_zh(), k.name_en()),
        None => match item {
            "category" => Text::new("经营品类", "Trade"),
            "preferences" => Text::new("意向摊规点", "Zone preferences"),
            "priority_groups" => Text::new("优先类别", "Priority groups"),
            other => Text::new(other, other),
        },
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn input() -> StallApplicationInput {
        StallApplicationInput {
            category: Some(TradeCategory::CookedFood),
            preferences: vec![3, 7, 9],
            priority_groups: vec![PriorityGroup::LowIncome],
            note: String::new(),
        }
    }

    #[test]
    fn required_documents_follow_trade_and_groups() {
        assert_eq!(
            input().required_documents(),
            [DocKind::IdCard, DocKind::HealthCertificate, DocKind::LowIncomeProof]
        );
        let mut flowers = input();
        flowers.category = Some(TradeCategory::Flowers);
        flowers.priority_groups.clear();
        assert_eq!(flowers.required_documents(), [DocKind::IdCard]);
        assert!(input().is_priority());
        let mut local = input();
        local.priority_groups = vec![PriorityGroup::LocalResident];
        assert!(!local.is_priority());
    }

    #[test]
    fn submit_lists_every_missing_item() {
        let errs = input().validate_submit(&[DocKind::IdCard]);
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["documents.health_certificate", "documents.low_income_proof"]);
        let ok = input().validate_submit(&[DocKind::IdCard, DocKind::HealthCertificate, DocKind::LowIncomeProof]);
        assert!(ok.is_empty());
        let empty = StallApplicationInput { preferences: vec![1, 2, 3, 4, 5, 1], ..Default::default() };
        let fields: Vec<String> = empty.validate_submit(&[]).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["preferences", "preferences[5]", "category", "documents.id_card"]);
    }

    #[test]
    fn uploads_are_recognised_by_content() {
        assert_eq!(check_upload("f", b"\xFF\xD8\xFF\xE0rest", 10), Ok(DocFormat::Jpeg));
        assert_eq!(check_upload("f", b"\x89PNG\r\n\x1a\nrest", 10), Ok(DocFormat::Png));
        assert_eq!(check_upload("f", b"%PDF-1.7", 10), Ok(DocFormat::Pdf));
        assert_eq!(check_upload("f", b"GIF89a", 10).unwrap_err().code, "file_type");
        assert_eq!(check_upload("f", b"MZ\x90\x00 renamed.exe", 10).unwrap_err().code, "file_type");
        assert_eq!(check_upload("f", b"", 0).unwrap_err().code, "empty_file");
        assert_eq!(check_upload("f", b"%PDF-", MAX_UPLOAD_BYTES + 1).unwrap_err().code, "file_too_large");
    }

    #[test]
    fn decisions() {
        assert!(Decision::Eligible.validate().is_empty());
        assert_eq!(Decision::Ineligible { reason: " ".into() }.validate()[0].field, "reason");
        assert_eq!(Decision::Return { items: vec![] }.validate()[0].field, "items");
        let d = Decision::Return {
            items: vec![ReturnItem { item: "health_certificate".into(), message: "已过期".into() }],
        };
        assert!(d.validate().is_empty());
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"decision\":\"return\""));
        assert_eq!(item_label("health_certificate").zh, "健康证");
    }
}

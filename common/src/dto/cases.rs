//! The officer's workbench: every kind of case in one queue, with tabs, search, filters and
//! paging. The query is parsed and checked here so the page and the server read it alike.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::{District, FieldError, Text};

/// Which cases a tab holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseTab {
    /// Waiting for an officer (待办).
    #[default]
    Todo,
    /// Decided or closed (已办).
    Done,
    /// Everything the officer may see (全部).
    All,
}

impl CaseTab {
    pub const ALL: [CaseTab; 3] = [CaseTab::Todo, CaseTab::Done, CaseTab::All];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseTab::Todo => "todo",
            CaseTab::Done => "done",
            CaseTab::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<CaseTab> {
        CaseTab::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The kinds of case an officer handles from the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A vendor's stall application (摊位申请).
    Stall,
    /// A shop's cross-storefront filing (跨店经营).
    CrossStore,
    /// An outdoor promotion filing (外摆促销).
    OutdoorPromo,
    /// A public report (投诉).
    Complaint,
}

impl CaseKind {
    pub const ALL: [CaseKind; 4] = [CaseKind::Stall, CaseKind::CrossStore, CaseKind::OutdoorPromo, CaseKind::Complaint];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Stall => "stall",
            CaseKind::CrossStore => "cross_store",
            CaseKind::OutdoorPromo => "outdoor_promo",
            CaseKind::Complaint => "complaint",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn name(self) -> Text {
        match self {
            CaseKind::Stall => Text::new("摊位申请", "Stall application"),
            CaseKind::CrossStore => Text::new("跨店经营", "Cross-storefront"),
            CaseKind::OutdoorPromo => Text::new("外摆促销", "Outdoor promotion"),
            CaseKind::Complaint => Text::new("群众反映", "Public report"),
        }
    }

    /// The case number people read out on the phone: a letter for the kind and the id.
    pub fn number(self, id: i64) -> String {
        let letter = match self {
            CaseKind::Stall => 'S',
            CaseKind::CrossStore | CaseKind::OutdoorPromo => 'F',
            CaseKind::Complaint => 'C',
        };
        format!("{letter}{id:06}")
    }
}

/// `?tab=todo&kind=cross_store&q=中山&overdue=true&page=2`, as the workbench sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CaseQuery {
    #[serde(default)]
    pub tab: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// A status code of the case's own kind (e.g. `returned`).
    #[serde(default)]
    pub status: Option<String>,
    /// Case number, name or address.
    #[serde(default)]
    pub q: Option<String>,
    /// Part of the street or place name.
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub overdue: Option<bool>,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// A checked [`CaseQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFilter {
    pub tab: CaseTab,
    pub kind: Option<CaseKind>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub street: Option<String>,
    pub overdue: bool,
    pub page: u32,
    pub per_page: u32,
}

impl CaseQuery {
    pub const MAX_PER_PAGE: u32 = 100;

    pub fn check(&self) -> Result<CaseFilter, Vec<FieldError>> {
        let mut e = crate::validate::Errors::new();
        let tab = match self.tab.as_deref().filter(|s| !s.is_empty()) {
            None => CaseTab::Todo,
            Some(s) => CaseTab::parse(s).unwrap_or_else(|| {
                e.add("tab", "unknown", "标签页只能是待办、已办或全部", "The tab must be todo, done or all");
                CaseTab::Todo
            }),
        };
        let kind = match self.kind.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => CaseKind::parse(s).or_else(|| {
                e.add("kind", "unknown", "没有这种案件类型", "No such kind of case");
                None
            }),
        };
        let clean = |v: &Option<String>, field: &str, e: &mut crate::validate::Errors| {
            let v = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            if v.chars().count() > 60 {
                e.add(field, "too_long", "搜索内容最多 60 字", "Search text: at most 60 characters");
                return None;
            }
            Some(v.to_string())
        };
        let q = clean(&self.q, "q", &mut e);
        let street = clean(&self.street, "street", &mut e);
        let status = clean(&self.status, "status", &mut e);
        let page = self.page.unwrap_or(1);
        if page == 0 {
            e.add("page", "range", "页码从 1 开始", "Pages start at 1");
        }
        let per_page = self.per_page.unwrap_or(20);
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            e.add("per_page", "range", "每页 1–100 条", "1–100 per page");
        }
        if !e.0.is_empty() {
            return Err(e.0);
        }
        Ok(CaseFilter { tab, kind, status, q, street, overdue: self.overdue.unwrap_or(false), page, per_page })
    }
}

/// One case in the workbench.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRow {
    pub kind: CaseKind,
    pub id: i64,
    /// e.g. `F000042`.
    pub number: String,
    /// The applicant or shop (empty for an anonymous report).
    pub who: String,
    /// For a report: the kind of problem.
    pub topic: Option<Text>,
    /// Address, street or first-choice zone.
    pub place: String,
    pub district: Option<District>,
    /// The case's own status code; `status_name` says it in words.
    pub status: String,
    pub status_name: Text,
    pub submitted_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub deadline: Option<NaiveDate>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    /// What the officer must look at, in plain words (rules left to a person, documents).
    pub attention: Vec<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCounts {
    pub todo: i64,
    pub done: i64,
    pub all: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseList {
    pub items: Vec<CaseRow>,
    /// Matching cases in this tab with these filters (all pages).
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// How many cases each tab holds, before search and filters.
    pub counts: CaseCounts,
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn a_query_is_checked_whole() {
        let f = CaseQuery::default().check().unwrap();
        assert_eq!((f.tab, f.kind, f.page, f.per_page, f.overdue), (CaseTab::Todo, None, 1, 20, false));
        let q = CaseQuery {
            tab: Some("weird".into()),
            kind: Some("dragon".into()),
            q: Some("x".repeat(61)),
            page: Some(0),
            per_page: Some(500),
            ..Default::default()
        };
        let fields: Vec<String> = q.check().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["tab", "kind", "q", "page", "per_page"]);
        let f =
            CaseQuery { q: Some("  中山路 ".into()), street: Some(" ".into()), ..Default::default() }.check().unwrap();
        assert_eq!((f.q.as_deref(), f.street), (Some("中山路"), None));
    }

    #[test]
    fn case_numbers_name_their_kind() {
        assert_eq!(CaseKind::CrossStore.number(42), "F000042");
        assert_eq!(CaseKind::Stall.number(7), "S000007");
        assert_eq!(CaseKind::Complaint.number(1234567), "C1234567");
    }
}

//! Supervision after a permit is issued: the inspection checklist, the violation catalogue with
//! its points, 首违免罚 (a first minor breach is recorded without points), points lapsing after a
//! clean period, the thresholds that suspend a permit or propose its revocation, the appeal
//! window, renewal reminders and who a stall may pass to. One place for the arithmetic, so the
//! holder's ledger page and the server agree.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validate::Errors;
use crate::{FieldError, Text};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub id: String,
    pub text: Text,
}

/// One kind of breach and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViolationType {
    pub code: String,
    pub title: Text,
    pub points: u32,
    /// A minor breach: the first one of its kind in a clean period costs no points (首违免罚).
    pub minor: bool,
    pub source: String,
    #[serde(default)]
    pub borrowed_from: Option<String>,
    /// The checklist item this breach fails (recording it means that item is not met).
    #[serde(default)]
    pub checklist_item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionParams {
    pub checklist: Vec<ChecklistItem>,
    pub violations: Vec<ViolationType>,
    /// Counted points at or above this suspend the permit.
    pub suspend_at_points: u32,
    /// At or above this, revocation is proposed to an admin (never automatic).
    pub propose_revocation_at_points: u32,
    /// Points lapse when this many days pass without a new counted breach.
    pub clean_days: u32,
    /// Days the holder has to appeal a violation.
    pub appeal_days: u32,
    /// Reminders go out this many days before a permit ends.
    pub renewal_reminder_days: u32,
    /// Months a renewal adds.
    pub renewal_months: u32,
    /// Relations a stall may be transferred to (with an officer's approval).
    pub transfer_relations: Vec<String>,
    /// Days the district has to decide an appeal (by an officer other than the one who recorded
    /// the violation).
    #[serde(default = "default_appeal_decision_days")]
    pub appeal_decision_days: u32,
    /// Helpers a stall permit holder may register (approved or waiting).
    #[serde(default = "default_max_helpers")]
    pub max_helpers: u32,
    /// Relations a registered helper may have to the holder.
    #[serde(default = "default_helper_relations")]
    pub helper_relations: Vec<String>,
    /// Inspections that find "someone else" working the stall, within `sublet_window_days`,
    /// that open a subletting review.
    #[serde(default = "default_sublet_review_after")]
    pub sublet_review_after: u32,
    #[serde(default = "default_sublet_window_days")]
    pub sublet_window_days: u32,
    /// Days a month a stall must be worked (holder checks in at the stall); fewer flags the
    /// permit for review.
    #[serde(default = "default_min_attendance_days")]
    pub min_attendance_days: u32,
    /// Where the attendance rule comes from.
    #[serde(default = "default_attendance_source")]
    pub attendance_source: String,
    /// Relations who may take over a permit when the holder dies or can no longer work.
    #[serde(default = "default_succession_relations")]
    pub succession_relations: Vec<String>,
}

fn default_succession_relations() -> Vec<String> {
    ["spouse", "child", "parent"].map(String::from).to_vec()
}

fn default_min_attendance_days() -> u32 {
    15
}
fn default_attendance_source() -> String {
    "门户默认值；参考新加坡 NEA 熟食中心摊位每月最低营业天数的做法".into()
}

fn default_appeal_decision_days() -> u32 {
    20
}
fn default_max_helpers() -> u32 {
    2
}
fn default_helper_relations() -> Vec<String> {
    ["spouse", "child", "parent", "sibling", "employee"].map(String::from).to_vec()
}
fn default_sublet_review_after() -> u32 {
    2
}
fn default_sublet_window_days() -> u32 {
    30
}

impl Default for SupervisionParams {
    /// The numbers in `assets/policy/xiamen.toml` (kept equal by a test), for packs stored before
    /// supervision was part of the pack.
    fn default() -> Self {
        let t = |zh: &str, en: &str| Text::new(zh, en);
        let item = |id: &str, zh: &str, en: &str| ChecklistItem { id: id.into(), text: t(zh, en) };
        let v = |code: &str, zh: &str, en: &str, points: u32, minor: bool| ViolationType {
            code: code.into(),
            title: t(zh, en),
            points,
            minor,
            source: "门户默认值".into(),
            borrowed_from: Some("新加坡 NEA 小贩扣分制（12 个月内满 12 分暂停）".into()),
            checklist_item: match code {
                "V-BOUNDS" => Some("in-bounds".into()),
                "V-HOURS" => Some("hours".into()),
                "V-CLEAN" => Some("clean".into()),
                "V-PATHS" => Some("clear-paths".into()),
                "V-GAS" => Some("gas".into()),
                "V-SUBLET" => Some("holder-present".into()),
                _ => None,
            },
        };
        SupervisionParams {
            checklist: vec![
                item("in-bounds", "在摊位或标线范围内经营", "Trading inside the stall or marked area"),
                item("hours", "在核准时段内经营", "Trading within the permitted hours"),
                item("clean", "摊前三包落实，摊走地净", "Frontage kept clean; nothing left behind"),
                item("clear-paths", "盲道、消防通道畅通", "Tactile paving and fire lanes clear"),
                item("gas", "燃气设施合规（减压阀、软管、报警器）", "Gas fittings compliant (regulator, hose, alarm)"),
                item("holder-present", "持证人本人或登记帮工在岗", "The holder or a registered helper is present"),
            ],
            violations: vec![
                v("V-BOUNDS", "超出摊位或标线经营", "Trading beyond the stall or marked area", 3, true),
                v("V-HOURS", "超出核准时段经营", "Trading outside the permitted hours", 3, true),
                v("V-CLEAN", "摊前三包不落实、未做到摊走地净", "Frontage not kept clean", 2, true),
                v("V-NOISE", "使用高音喇叭招揽", "Loudspeakers used to attract customers", 2, true),
                v("V-PATHS", "占用盲道或消防通道", "Tactile paving or a fire lane blocked", 6, false),
                v("V-GAS", "燃气设施不合规", "Non-compliant gas fittings", 6, false),
                v("V-SUBLET", "转租、转让摊位", "Stall sublet or passed on", 12, false),
            ],
            suspend_at_points: 12,
            propose_revocation_at_points: 24,
            clean_days: 365,
            appeal_days: 15,
            renewal_reminder_days: 30,
            renewal_months: 12,
            transfer_relations: vec!["spouse".into(), "child".into(), "parent".into()],
            appeal_decision_days: default_appeal_decision_days(),
            max_helpers: default_max_helpers(),
            helper_relations: default_helper_relations(),
            sublet_review_after: default_sublet_review_after(),
            sublet_window_days: default_sublet_window_days(),
            min_attendance_days: default_min_attendance_days(),
            attendance_source: default_attendance_source(),
            succession_relations: default_succession_relations(),
        }
    }
}

impl SupervisionParams {
    pub fn violation(&self, code: &str) -> Option<&ViolationType> {
        self.violations.iter().find(|v| v.code == code)
    }

    /// The checklist items a set of recorded violations fails: an inspection cannot say "met"
    /// for an item and record its breach in the same visit.
    pub fn failed_items<'a>(&'a self, violations: &'a [String]) -> impl Iterator<Item = &'a str> + 'a {
        violations.iter().filter_map(|c| self.violation(c)).filter_map(|v| v.checklist_item.as_deref())
    }

    /// Checklist answers that contradict the violations recorded with them, as field errors.
    pub fn check_consistency(&self, checklist: &[(String, bool)], violations: &[String]) -> Vec<FieldError> {
        let failed: Vec<&str> = self.failed_items(violations).collect();
        checklist
            .iter()
            .enumerate()
            .filter(|(_, (id, ok))| *ok && failed.contains(&id.as_str()))
            .map(|(i, (id, _))| {
                let text = self.checklist.iter().find(|c| &c.id == id).map(|c| c.text.clone());
                let (zh, en) = text.map(|t| (t.zh, t.en)).unwrap_or_default();
                FieldError::new(
                    format!("checklist[{i}]"),
                    "contradicts_violation",
                    format!("“{zh}”已记录违规，不能同时勾选为符合"),
                    format!("“{en}” has a violation recorded, so it cannot also be ticked as met"),
                )
            })
            .collect()
    }

    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::new();
        let mut seen = std::collections::HashSet::new();
        for (i, v) in self.violations.iter().enumerate() {
            if v.code.trim().is_empty() || !seen.insert(v.code.clone()) {
                e.add(
                    &format!("supervision.violations[{i}].code"),
                    "duplicate",
                    "违规代码为空或重复",
                    "Violation code empty or repeated",
                );
            }
            if v.points > 100 {
                e.add(
                    &format!("supervision.violations[{i}].points"),
                    "range",
                    "单项扣分最多 100 分",
                    "At most 100 points per violation",
                );
            }
        }
        if self.suspend_at_points == 0 || self.propose_revocation_at_points < self.suspend_at_points {
            e.add(
                "supervision.suspend_at_points",
                "order",
                "暂停分值须大于 0，且不高于建议撤销分值",
                "The suspension threshold must be above 0 and not above the revocation threshold",
            );
        }
        if self.clean_days == 0 || self.appeal_days == 0 || self.renewal_months == 0 || self.appeal_decision_days == 0 {
            e.add(
                "supervision",
                "range",
                "清零天数、申诉期、申诉办理期限和续期月数须大于 0",
                "Clean period, appeal period, appeal decision period and renewal months must be above 0",
            );
        }
        e.0
    }

    /// What a new breach costs given the permit's ledger: its points, or none for the first
    /// minor breach of its kind among the violations still counting.
    pub fn charge(&self, code: &str, ledger: &[LedgerEntry]) -> Option<Charge> {
        let v = self.violation(code)?;
        let repeat = ledger.iter().any(|l| l.code == code && l.counts_towards_repeat());
        let waived = v.minor && !repeat;
        Some(Charge { points: if waived { 0 } else { v.points }, waived })
    }

    /// The last day the holder may appeal a violation recorded on `day`.
    pub fn appeal_until(&self, day: NaiveDate) -> NaiveDate {
        day.checked_add_days(Days::new(self.appeal_days.into())).unwrap_or(day)
    }

    /// The day by which an appeal lodged on `day` must be decided.
    pub fn decide_appeal_by(&self, day: NaiveDate) -> NaiveDate {
        day.checked_add_days(Days::new(self.appeal_decision_days.into())).unwrap_or(day)
    }

    /// The day points recorded on `day` lapse if nothing else happens.
    pub fn lapses_on(&self, day: NaiveDate) -> NaiveDate {
        day.checked_add_days(Days::new(self.clean_days.into())).unwrap_or(day)
    }

    /// Where the ledger leaves the permit.
    pub fn standing(&self, ledger: &[LedgerEntry]) -> Standing {
        let points: u32 = ledger.iter().filter(|l| l.status == ViolationStatus::Active).map(|l| l.points).sum();
        Standing {
            points,
            suspend: points >= self.suspend_at_points,
            propose_revocation: points >= self.propose_revocation_at_points,
            to_suspension: self.suspend_at_points.saturating_sub(points),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViolationStatus {
    /// Counts.
    Active,
    /// Under appeal: does not count until decided.
    Appealed,
    /// Set aside on appeal.
    Overturned,
    /// The clean period passed.
    Lapsed,
}

impl ViolationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationStatus::Active => "active",
            ViolationStatus::Appealed => "appealed",
            ViolationStatus::Overturned => "overturned",
            ViolationStatus::Lapsed => "lapsed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Appealed, Self::Overturned, Self::Lapsed].into_iter().find(|v| v.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ViolationStatus::Active => "计分中",
            ViolationStatus::Appealed => "申诉中（暂不计分）",
            ViolationStatus::Overturned => "申诉成立，已撤销",
            ViolationStatus::Lapsed => "已清零",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ViolationStatus::Active => "Counting",
            ViolationStatus::Appealed => "Under appeal (not counting)",
            ViolationStatus::Overturned => "Set aside on appeal",
            ViolationStatus::Lapsed => "Lapsed",
        }
    }
}

/// One line of a permit's points ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub code: String,
    pub points: u32,
    pub waived: bool,
    pub status: ViolationStatus,
}

impl LedgerEntry {
    /// A breach that makes the next one of its kind a repeat (not set aside, not lapsed).
    fn counts_towards_repeat(&self) -> bool {
        matches!(self.status, ViolationStatus::Active | ViolationStatus::Appealed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Charge {
    pub points: u32,
    pub waived: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    pub points: u32,
    pub suspend: bool,
    pub propose_revocation: bool,
    /// Points left before suspension (0 when suspended).
    pub to_suspension: u32,
}

/// Why a holder may not check in at their stall now: they must stand inside the zone's outline,
/// during its opening hours (Xiamen time). Empty when the check-in is allowed.
pub fn check_in_problems(
    polygon: &[Vec<[f64; 2]>],
    hours: &[crate::zone::HoursWindow],
    at: [f64; 2],
    local: chrono::NaiveDateTime,
) -> Vec<FieldError> {
    let mut e = Errors::new();
    // A few metres of slack: phone positions wander, and stalls sit on the outline's edge.
    let placed = at.iter().all(|v| v.is_finite()) && crate::geo::XIAMEN_BBOX.contains(at);
    if !placed || crate::geo::distance_point_polygon_m(at, polygon) > 15.0 {
        e.add(
            "location",
            "outside_zone",
            "您不在摊规点范围内，请到摊位上签到",
            "You are not inside the zone; check in at your stall",
        );
    }
    let (weekday, minute) = crate::time::weekday_minute(local);
    if !crate::zone::is_open(hours, weekday, minute) {
        e.add(
            "location",
            "outside_hours",
            "现在不是摊规点营业时段，请在营业时间内签到",
            "The zone is not open now; check in during its hours",
        );
    }
    e.0
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn entry(code: &str, points: u32, status: ViolationStatus) -> LedgerEntry {
        LedgerEntry { code: code.into(), points, waived: points == 0, status }
    }

    #[test]
    fn first_minor_breach_is_free_the_second_costs() {
        let p = SupervisionParams::default();
        let first = p.charge("V-HOURS", &[]).unwrap();
        assert_eq!(first, Charge { points: 0, waived: true });
        let ledger = [entry("V-HOURS", 0, ViolationStatus::Active)];
        assert_eq!(p.charge("V-HOURS", &ledger).unwrap(), Charge { points: 3, waived: false });
        // A different minor breach is its own first.
        assert!(p.charge("V-CLEAN", &ledger).unwrap().waived);
        // A lapsed or overturned one does not make a repeat.
        let old = [entry("V-HOURS", 3, ViolationStatus::Lapsed), entry("V-HOURS", 3, ViolationStatus::Overturned)];
        assert!(p.charge("V-HOURS", &old).unwrap().waived);
    }

    #[test]
    fn serious_breaches_are_never_waived() {
        let p = SupervisionParams::default();
        assert_eq!(p.charge("V-PATHS", &[]).unwrap(), Charge { points: 6, waived: false });
        assert!(p.charge("V-UNKNOWN", &[]).is_none());
    }

    #[test]
    fn thresholds_count_only_active_points() {
        let p = SupervisionParams::default();
        let mut ledger = vec![entry("V-PATHS", 6, ViolationStatus::Active)];
        let s = p.standing(&ledger);
        assert_eq!((s.points, s.suspend, s.to_suspension), (6, false, 6));
        ledger.push(entry("V-GAS", 6, ViolationStatus::Active));
        let s = p.standing(&ledger);
        assert!(s.suspend && !s.propose_revocation);
        assert_eq!(s.to_suspension, 0);
        // An appeal pauses the effect.
        ledger[1].status = ViolationStatus::Appealed;
        assert!(!p.standing(&ledger).suspend);
        ledger[1].status = ViolationStatus::Active;
        ledger.push(entry("V-SUBLET", 12, ViolationStatus::Active));
        assert!(p.standing(&ledger).propose_revocation);
        ledger.iter_mut().for_each(|l| l.status = ViolationStatus::Lapsed);
        assert_eq!(p.standing(&ledger).points, 0);
    }

    #[test]
    fn dates() {
        let p = SupervisionParams::default();
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(p.appeal_until(d), NaiveDate::from_ymd_opt(2026, 12, 12).unwrap());
        assert_eq!(p.lapses_on(d), NaiveDate::from_ymd_opt(2027, 11, 27).unwrap());
    }

    #[test]
    fn the_asset_has_the_default_numbers() {
        let pack: crate::policy::PolicyPack =
            toml::from_str(include_str!("../../../assets/policy/xiamen.toml")).unwrap();
        assert_eq!(pack.supervision, SupervisionParams::default());
    }

    #[test]
    fn validation() {
        let mut p = SupervisionParams::default();
        assert!(p.validate().is_empty());
        p.suspend_at_points = 30;
        p.violations[1].code = p.violations[0].code.clone();
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert!(fields.contains(&"supervision.suspend_at_points".to_string()));
        assert!(fields.contains(&"supervision.violations[1].code".to_string()));
    }

    #[test]
    fn check_in_needs_the_zone_and_its_hours() {
        use crate::zone::HoursWindow;
        let zone = vec![crate::geo::rectangle_polygon([118.085, 24.462], 40.0, 12.0, 0.0)];
        // Evenings, every day.
        let hours = [HoursWindow::new(&[1, 2, 3, 4, 5, 6, 7], "17:00", "22:00", None)];
        let evening = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(19, 30, 0).unwrap();
        let morning = evening.date().and_hms_opt(9, 0, 0).unwrap();
        assert!(check_in_problems(&zone, &hours, [118.085, 24.462], evening).is_empty());
        // A few metres outside the outline is still the stall (GPS wanders)…
        assert!(check_in_problems(&zone, &hours, [118.085, 24.46223], evening).is_empty());
        // …a street away is not.
        let far = check_in_problems(&zone, &hours, [118.085, 24.464], evening);
        assert_eq!(far.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), ["outside_zone"]);
        let early = check_in_problems(&zone, &hours, [118.085, 24.462], morning);
        assert_eq!(early.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), ["outside_hours"]);
    }
}

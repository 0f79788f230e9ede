//! The stall draw (摇号): a random serial dictatorship that anyone can re-run and check.
//!
//! Fairness here means nobody has to take the city's word for it. When a round opens the city
//! publishes a commitment (hash) of a secret seed and names where an *outside value* will come
//! from; at closing the applicant list is frozen and published with its fingerprint; at the draw
//! the outside value (for example numbers drawn by witnesses at the public ceremony) is entered
//! and the seed revealed. The city cannot steer the result by trying list variants offline,
//! because the outside value is not known when the list is frozen, and nobody else can, because
//! the seed is secret until then. Everything after that is arithmetic: the same inputs, seed and
//! outside value give the same result on the server, in any citizen's browser and in
//! `tangui verify-round`.
//!
//! The algorithm is specified for re-implementation in `docs/draw-specification.en.md` (中文:
//! `docs/draw-specification.zh.md`), with test vectors in `docs/draw-vectors.json` that
//! [`tests::specification_vectors`] checks against this code. In short:
//!
//! 0. Fingerprint: SHA-256 of the inputs as canonical JSON ([`canonical_inputs`]).
//! 1. Key: `tangui-rsd-v1`: SHA-256(seed ‖ fingerprint); `tangui-rsd-v2`: SHA-256(seed ‖
//!    fingerprint ‖ SHA-256(outside value)). The stream is ChaCha20 under that key, read as
//!    little-endian u64; a number below `k` by rejection sampling.
//! 2. Draw order: Fisher–Yates over the ids in ascending order.
//! 3. A reserved quota per zone: ⌊stalls × percent / 100⌋.
//! 4. Priority applicants, in draw order, take quota stalls of their trade in their preferred zones.
//! 5. Everyone unplaced, in draw order, takes the lowest free stall of their trade in their first
//!    preference zone that has one.
//! 6. Assignments and the waiting list, both in draw order.
//!
//! In `v1` an applicant is identified by the application id; in `v2` by the round's public draw
//! number, so the published list and results name nobody.

use std::collections::HashMap;
use std::fmt;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::TradeCategory;

/// The version new rounds are drawn with; published with every result. A change to any step
/// needs a new version, and the old ones keep verifying.
pub const ALGORITHM_VERSION: &str = "tangui-rsd-v2";

/// Longest outside value accepted, in characters.
pub const MAX_OUTSIDE_VALUE: usize = 200;

/// Which version of the algorithm a round is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Algorithm {
    /// Key from the seed and the fingerprint; applicants by application id.
    #[default]
    #[serde(rename = "tangui-rsd-v1")]
    V1,
    /// Adds the outside value to the key; applicants by draw number.
    #[serde(rename = "tangui-rsd-v2")]
    V2,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::V1 => "tangui-rsd-v1",
            Algorithm::V2 => "tangui-rsd-v2",
        }
    }

    pub fn parse(s: &str) -> Option<Algorithm> {
        [Algorithm::V1, Algorithm::V2].into_iter().find(|a| a.as_str() == s)
    }

    fn is_v1(&self) -> bool {
        *self == Algorithm::V1
    }

    /// The applicant key of the published inputs and results.
    pub fn id_key(self) -> &'static str {
        match self {
            Algorithm::V1 => "application_id",
            Algorithm::V2 => "draw_number",
        }
    }
}

/// A draw number as applicants and the public see it: `R3-04817` is number 4817 of round 3.
pub fn draw_number_label(round_id: i64, number: i64) -> String {
    format!("R{round_id}-{number:05}")
}

/// The number inside a label of this round (`R3-04817` or just `4817`), if it is one.
pub fn parse_draw_number(round_id: i64, text: &str) -> Option<i64> {
    let t = text.trim().to_ascii_uppercase();
    let digits = match t.strip_prefix(&format!("R{round_id}-")) {
        Some(rest) => rest,
        None if t.starts_with('R') => return None,
        None => t.as_str(),
    };
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// Most zone preferences an applicant may list.
pub const MAX_PREFERENCES: usize = 5;

/// Largest reserved share: a priority tier that could take every stall would not be a quota.
pub const MAX_RESERVED_PERCENT: u8 = 50;

/// How often [`draw_with_progress`] reports, in applicants.
const PROGRESS_EVERY: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawApplicant {
    /// The applicant in the draw: the application id (`v1`) or the draw number (`v2`).
    #[serde(rename = "application_id", alias = "draw_number")]
    pub id: i64,
    /// In a priority group (低保, 残疾 …) entitled to the reserved quota.
    pub priority: bool,
    pub category: TradeCategory,
    /// Zone ids, best first; at most [`MAX_PREFERENCES`].
    pub preferences: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawStall {
    pub stall_id: i64,
    pub zone_id: i64,
    /// The number painted on the ground, e.g. "A-01"; part of the fingerprint so it cannot be
    /// swapped after publication.
    pub number: String,
    pub category: TradeCategory,
}

/// Everything the draw depends on besides the seed; frozen and fingerprinted before the draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawInputs {
    #[serde(default, skip_serializing_if = "Algorithm::is_v1")]
    pub algorithm: Algorithm,
    pub round_id: i64,
    /// `v2`: where the outside value will come from, as the round notice names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outside_source: String,
    pub applicants: Vec<DrawApplicant>,
    pub stalls: Vec<DrawStall>,
    /// Share of each zone's stalls (rounded down) reserved for priority applicants, 0–50.
    pub reserved_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// The applicant's id in the draw (see [`DrawApplicant::id`]).
    #[serde(rename = "application_id", alias = "draw_number")]
    pub id: i64,
    pub stall_id: i64,
    pub zone_id: i64,
    /// 1 = the applicant's first choice (counting distinct zones as listed).
    pub preference_rank: u8,
    /// Taken from the priority quota in phase 1.
    pub reserved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawResult {
    /// [`ALGORITHM_VERSION`] of the code that drew it.
    pub algorithm: String,
    /// [`fingerprint`] of the inputs.
    pub fingerprint: String,
    /// Applicant ids in draw order.
    pub order: Vec<i64>,
    /// In draw order.
    pub assignments: Vec<Assignment>,
    /// Applicant ids left without a stall, in draw order: freed stalls are offered down this list.
    pub waitlist: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrawError {
    /// The seed is not 64 hex digits.
    BadSeed,
    /// A `v2` draw without its outside value (or one longer than [`MAX_OUTSIDE_VALUE`]).
    OutsideValue,
    /// `reserved_percent` above [`MAX_RESERVED_PERCENT`].
    ReservedPercent,
    DuplicateApplicant(i64),
    DuplicateStall(i64),
    /// The application lists more than [`MAX_PREFERENCES`] zones.
    TooManyPreferences(i64),
}

impl fmt::Display for DrawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrawError::BadSeed => write!(f, "The seed must be 64 hexadecimal digits (32 bytes)"),
            DrawError::OutsideValue => {
                write!(
                    f,
                    "The draw needs the outside value named in the round notice (1–{MAX_OUTSIDE_VALUE} characters)"
                )
            }
            DrawError::ReservedPercent => {
                write!(f, "The reserved share must be between 0 and {MAX_RESERVED_PERCENT} percent")
            }
            DrawError::DuplicateApplicant(id) => write!(f, "Application {id} appears more than once"),
            DrawError::DuplicateStall(id) => write!(f, "Stall {id} appears more than once"),
            DrawError::TooManyPreferences(id) => {
                write!(f, "Application {id} lists more than {MAX_PREFERENCES} zone preferences")
            }
        }
    }
}

impl std::error::Error for DrawError {}

impl DrawError {
    pub fn zh(&self) -> String {
        match self {
            DrawError::BadSeed => "随机种子必须是 64 位十六进制字符（32 字节）".into(),
            DrawError::OutsideValue => format!("摇号须填入批次公告所指定的外部随机数（1–{MAX_OUTSIDE_VALUE} 个字符）"),
            DrawError::ReservedPercent => format!("预留比例必须在 0% 至 {MAX_RESERVED_PERCENT}% 之间"),
            DrawError::DuplicateApplicant(id) => format!("申请 {id} 重复出现"),
            DrawError::DuplicateStall(id) => format!("摊位 {id} 重复出现"),
            DrawError::TooManyPreferences(id) => format!("申请 {id} 填报的意向摊区超过 {MAX_PREFERENCES} 个"),
        }
    }
}

/// The inputs as canonical JSON (step 0 of the algorithm): the bytes that are fingerprinted.
/// Written by hand, key by key, because the key order and the applicant key (`application_id`
/// in `v1`, `draw_number` in `v2`) are part of the specification.
pub fn canonical_inputs(inputs: &DrawInputs) -> Vec<u8> {
    fn text(out: &mut String, s: &str) {
        // serde_json escapes exactly `"`, `\` and control characters, leaving UTF-8 as is.
        out.push_str(&serde_json::to_string(s).expect("a string always serialises"));
    }
    let mut applicants: Vec<&DrawApplicant> = inputs.applicants.iter().collect();
    applicants.sort_by_key(|a| a.id);
    let mut stalls: Vec<&DrawStall> = inputs.stalls.iter().collect();
    stalls.sort_by_key(|s| s.stall_id);
    let v2 = inputs.algorithm == Algorithm::V2;
    let mut out = String::with_capacity(64 + applicants.len() * 90 + stalls.len() * 80);
    out.push('{');
    if v2 {
        out.push_str(r#""algorithm":"tangui-rsd-v2","#);
    }
    out.push_str(&format!(r#""round_id":{}"#, inputs.round_id));
    if v2 {
        out.push_str(r#","outside_source":"#);
        text(&mut out, &inputs.outside_source);
    }
    out.push_str(r#","applicants":["#);
    for (i, a) in applicants.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let prefs: Vec<String> = a.preferences.iter().map(i64::to_string).collect();
        out.push_str(&format!(
            r#"{{"{}":{},"priority":{},"category":"{}","preferences":[{}]}}"#,
            inputs.algorithm.id_key(),
            a.id,
            a.priority,
            a.category.as_str(),
            prefs.join(",")
        ));
    }
    out.push_str(r#"],"stalls":["#);
    for (i, st) in stalls.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(r#"{{"stall_id":{},"zone_id":{},"number":"#, st.stall_id, st.zone_id));
        text(&mut out, &st.number);
        out.push_str(&format!(r#","category":"{}"}}"#, st.category.as_str()));
    }
    out.push_str(&format!(r#"],"reserved_percent":{}}}"#, inputs.reserved_percent));
    out.into_bytes()
}

fn fingerprint_bytes(inputs: &DrawInputs) -> [u8; 32] {
    Sha256::digest(canonical_inputs(inputs)).into()
}

/// Lowercase hex SHA-256 of [`canonical_inputs`]; published before the draw.
pub fn fingerprint(inputs: &DrawInputs) -> String {
    hex::encode(fingerprint_bytes(inputs))
}

fn parse_seed(seed_hex: &str) -> Result<[u8; 32], DrawError> {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(seed_hex, &mut seed).map_err(|_| DrawError::BadSeed)?;
    Ok(seed)
}

/// Hex SHA-256 of the 32 seed bytes; published before the draw so the seed cannot be changed later.
pub fn commitment(seed_hex: &str) -> Result<String, DrawError> {
    Ok(hex::encode(Sha256::digest(parse_seed(seed_hex)?)))
}

/// The seed as it is stored and revealed. The caller supplies the bytes (the server from the OS
/// random source), so this crate needs no random source of its own and runs unchanged in the browser.
pub fn seed_from_bytes(bytes: [u8; 32]) -> String {
    hex::encode(bytes)
}

/// Draws: `outside_value` is required by `v2` and ignored by `v1`.
pub fn draw(inputs: &DrawInputs, seed_hex: &str, outside_value: Option<&str>) -> Result<DrawResult, DrawError> {
    draw_with_progress(inputs, seed_hex, outside_value, &mut |_, _| {})
}

/// The ChaCha20 key (step 1) as hex, for re-implementations to compare with.
pub fn draw_key(inputs: &DrawInputs, seed_hex: &str, outside_value: Option<&str>) -> Result<String, DrawError> {
    Ok(hex::encode(key(inputs, &parse_seed(seed_hex)?, &fingerprint_bytes(inputs), outside_value)?))
}

fn key(
    inputs: &DrawInputs,
    seed: &[u8; 32],
    fp: &[u8; 32],
    outside_value: Option<&str>,
) -> Result<[u8; 32], DrawError> {
    let mut h = Sha256::new().chain_update(seed).chain_update(fp);
    if inputs.algorithm == Algorithm::V2 {
        let value = outside_value.filter(|v| !v.is_empty() && v.chars().count() <= MAX_OUTSIDE_VALUE);
        let value = value.ok_or(DrawError::OutsideValue)?;
        h.update(Sha256::digest(value.as_bytes()));
    }
    Ok(h.finalize().into())
}

/// Uniform in `0..k` by rejection (step 1), so no outcome is favoured.
fn uniform_below(rng: &mut ChaCha20Rng, k: u64) -> u64 {
    debug_assert!(k > 0);
    // The largest multiple of k not above 2^64; values from it upwards would favour small results.
    let limit = (1u128 << 64) / u128::from(k) * u128::from(k);
    loop {
        let x = rng.next_u64();
        if u128::from(x) < limit {
            return x % k;
        }
    }
}

/// Distinct zones of a preference list with their 1-based rank.
fn ranked_preferences(prefs: &[i64]) -> impl Iterator<Item = (u8, i64)> + '_ {
    prefs.iter().enumerate().filter(|(i, z)| !prefs[..*i].contains(z)).zip(1u8..).map(|((_, zone), rank)| (rank, *zone))
}

/// Free stalls of one zone and category, ascending; everything before `next` is taken. Stalls are
/// always handed out lowest id first, so a cursor is all the bookkeeping needed.
struct FreeStalls {
    ids: Vec<i64>,
    next: usize,
}

impl FreeStalls {
    fn take(&mut self) -> Option<i64> {
        let id = *self.ids.get(self.next)?;
        self.next += 1;
        Some(id)
    }
}

/// [`draw`], reporting `(applicants processed, applicants)` during the final pass: every
/// 1000 applicants and once at the end (also when there are none), so a browser re-running a
/// large draw can show a progress bar.
pub fn draw_with_progress(
    inputs: &DrawInputs,
    seed_hex: &str,
    outside_value: Option<&str>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DrawResult, DrawError> {
    let seed = parse_seed(seed_hex)?;
    if inputs.reserved_percent > MAX_RESERVED_PERCENT {
        return Err(DrawError::ReservedPercent);
    }
    let mut applicants: Vec<&DrawApplicant> = inputs.applicants.iter().collect();
    applicants.sort_by_key(|a| a.id);
    if let Some(w) = applicants.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(DrawError::DuplicateApplicant(w[0].id));
    }
    let mut stalls: Vec<&DrawStall> = inputs.stalls.iter().collect();
    stalls.sort_by_key(|s| s.stall_id);
    if let Some(w) = stalls.windows(2).find(|w| w[0].stall_id == w[1].stall_id) {
        return Err(DrawError::DuplicateStall(w[0].stall_id));
    }
    if let Some(a) = applicants.iter().find(|a| a.preferences.len() > MAX_PREFERENCES) {
        return Err(DrawError::TooManyPreferences(a.id));
    }

    // 0–1. Fingerprint and RNG.
    let fp = fingerprint_bytes(inputs);
    let mut rng = ChaCha20Rng::from_seed(key(inputs, &seed, &fp, outside_value)?);

    // 2. Shuffle indices into the id-sorted list: the same permutation as shuffling the ids.
    let n = applicants.len();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = uniform_below(&mut rng, i as u64 + 1) as usize;
        order.swap(i, j);
    }

    // 3. Free stalls per (zone, category) and quotas per zone. Maps are only looked up, never
    // iterated, so their (per-process random) ordering cannot leak into the result.
    let mut free: HashMap<(i64, TradeCategory), FreeStalls> = HashMap::new();
    let mut zone_size: HashMap<i64, usize> = HashMap::new();
    for s in &stalls {
        free.entry((s.zone_id, s.category))
            .or_insert_with(|| FreeStalls { ids: Vec::new(), next: 0 })
            .ids
            .push(s.stall_id);
        *zone_size.entry(s.zone_id).or_default() += 1;
    }
    let percent = usize::from(inputs.reserved_percent);
    let mut quota: HashMap<i64, usize> = zone_size.iter().map(|(z, count)| (*z, count * percent / 100)).collect();

    let mut placed: Vec<Option<Assignment>> = vec![None; n];

    // 4. Phase 1: priority applicants, reserved quota only.
    for &i in &order {
        let a = applicants[i];
        if !a.priority {
            continue;
        }
        for (rank, zone) in ranked_preferences(&a.preferences) {
            let Some(left) = quota.get_mut(&zone).filter(|q| **q > 0) else { continue };
            let Some(stall_id) = free.get_mut(&(zone, a.category)).and_then(FreeStalls::take) else { continue };
            *left -= 1;
            placed[i] = Some(Assignment { id: a.id, stall_id, zone_id: zone, preference_rank: rank, reserved: true });
            break;
        }
    }

    // 5. Phase 2: everyone still without a stall.
    for (k, &i) in order.iter().enumerate() {
        if placed[i].is_none() {
            let a = applicants[i];
            placed[i] = ranked_preferences(&a.preferences).find_map(|(rank, zone)| {
                let stall_id = free.get_mut(&(zone, a.category)).and_then(FreeStalls::take)?;
                Some(Assignment { id: a.id, stall_id, zone_id: zone, preference_rank: rank, reserved: false })
            });
        }
        let done = k + 1;
        if done % PROGRESS_EVERY == 0 && done < n {
            progress(done, n);
        }
    }
    progress(n, n);

    // 6. Result, in draw order.
    let mut assignments = Vec::new();
    let mut waitlist = Vec::new();
    for &i in &order {
        match placed[i].take() {
            Some(a) => assignments.push(a),
            None => waitlist.push(applicants[i].id),
        }
    }
    Ok(DrawResult {
        algorithm: inputs.algorithm.as_str().into(),
        fingerprint: hex::encode(fp),
        order: order.iter().map(|&i| applicants[i].id).collect(),
        assignments,
        waitlist,
    })
}

fn describe_assignment(a: Option<&Assignment>) -> String {
    match a {
        None => "nothing".into(),
        Some(a) => format!(
            "applicant {} → stall {} (zone {}, choice {}{})",
            a.id,
            a.stall_id,
            a.zone_id,
            a.preference_rank,
            if a.reserved { ", reserved" } else { "" }
        ),
    }
}

fn describe_id(id: Option<&i64>) -> String {
    id.map_or_else(|| "nothing".into(), |id| format!("applicant {id}"))
}

/// Index of the first entry where two lists differ, counting a missing entry as a difference.
fn first_difference<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))
}

/// Re-runs the draw and compares it with a published result. `Err` names the first difference
/// (algorithm, fingerprint, order position, assignment or waitlist entry, 1-based), in English.
pub fn verify(
    inputs: &DrawInputs,
    seed_hex: &str,
    outside_value: Option<&str>,
    published: &DrawResult,
) -> Result<(), String> {
    verify_with_progress(inputs, seed_hex, outside_value, published, &mut |_, _| {})
}

/// [`verify`], reporting the re-run's progress as [`draw_with_progress`] does.
pub fn verify_with_progress(
    inputs: &DrawInputs,
    seed_hex: &str,
    outside_value: Option<&str>,
    published: &DrawResult,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), String> {
    if published.algorithm != inputs.algorithm.as_str() {
        return Err(format!(
            "The result says algorithm {:?} but the inputs are for {:?}",
            published.algorithm,
            inputs.algorithm.as_str()
        ));
    }
    let fp = fingerprint(inputs);
    if published.fingerprint != fp {
        return Err(format!(
            "Fingerprint differs: published {}, the inputs give {fp} (the inputs are not the ones that were drawn)",
            published.fingerprint
        ));
    }
    let expected = draw_with_progress(inputs, seed_hex, outside_value, progress).map_err(|e| e.to_string())?;
    if let Some(i) = first_difference(&published.order, &expected.order) {
        return Err(format!(
            "Draw order differs at position {}: published {}, recomputed {}",
            i + 1,
            describe_id(published.order.get(i)),
            describe_id(expected.order.get(i))
        ));
    }
    if let Some(i) = first_difference(&published.assignments, &expected.assignments) {
        return Err(format!(
            "Assignment {} differs: published {}, recomputed {}",
            i + 1,
            describe_assignment(published.assignments.get(i)),
            describe_assignment(expected.assignments.get(i))
        ));
    }
    if let Some(i) = first_difference(&published.waitlist, &expected.waitlist) {
        return Err(format!(
            "Waitlist differs at position {}: published {}, recomputed {}",
            i + 1,
            describe_id(published.waitlist.get(i)),
            describe_id(expected.waitlist.get(i))
        ));
    }
    Ok(())
}

/// A drawn round's published record (`record.json`): everything needed to re-run the draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawRecord {
    pub round_id: i64,
    pub algorithm: String,
    /// SHA-256 of the seed, published when the round opened.
    pub seed_commitment: String,
    /// Published at closing, with the list.
    pub fingerprint: String,
    /// Revealed at the draw.
    pub seed: String,
    /// `v2`: the value entered at the draw from the source named in the inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside_value: Option<String>,
    pub inputs: DrawInputs,
    pub result: DrawResult,
}

/// The checks of a record, in the order they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStep {
    /// The revealed seed hashes to the commitment published at opening.
    Commitment,
    /// The inputs hash to the fingerprint published at closing.
    Fingerprint,
    /// `v2`: an outside value is there, from the source the list named.
    OutsideValue,
    /// Re-running the draw gives the published result.
    Result,
}

impl RecordStep {
    pub const ALL: [RecordStep; 4] =
        [RecordStep::Commitment, RecordStep::Fingerprint, RecordStep::OutsideValue, RecordStep::Result];
}

impl DrawRecord {
    /// One check, so a page can show each as it passes; `Err` says what differs, in English.
    pub fn check(&self, step: RecordStep, progress: &mut dyn FnMut(usize, usize)) -> Result<(), String> {
        match step {
            RecordStep::Commitment => {
                let c = commitment(&self.seed).map_err(|e| e.to_string())?;
                if c != self.seed_commitment {
                    return Err(format!(
                        "The seed hashes to {c}, not to the commitment {} published when the round opened",
                        self.seed_commitment
                    ));
                }
                Ok(())
            }
            RecordStep::Fingerprint => {
                if self.inputs.round_id != self.round_id || self.inputs.algorithm.as_str() != self.algorithm {
                    return Err("The inputs belong to another round or algorithm".into());
                }
                let fp = fingerprint(&self.inputs);
                if fp != self.fingerprint {
                    return Err(format!(
                        "The list hashes to {fp}, not to the fingerprint {} published at closing",
                        self.fingerprint
                    ));
                }
                Ok(())
            }
            RecordStep::OutsideValue => match (self.inputs.algorithm, self.outside_value.as_deref()) {
                (Algorithm::V1, _) => Ok(()),
                (Algorithm::V2, Some(v)) if !v.is_empty() && v.chars().count() <= MAX_OUTSIDE_VALUE => Ok(()),
                (Algorithm::V2, _) => Err(DrawError::OutsideValue.to_string()),
            },
            RecordStep::Result => {
                verify_with_progress(&self.inputs, &self.seed, self.outside_value.as_deref(), &self.result, progress)
            }
        }
    }

    /// Every check; `Err` names the first that fails.
    pub fn verify(&self) -> Result<(), (RecordStep, String)> {
        RecordStep::ALL.into_iter().try_for_each(|step| self.check(step, &mut |_, _| {}).map_err(|e| (step, e)))
    }

    /// The record as published: in `v2` applicants appear under `draw_number`.
    pub fn to_public_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("a record always serialises");
        let key = self.inputs.algorithm.id_key();
        if key != "application_id" {
            for (part, list) in [("inputs", "applicants"), ("result", "assignments")] {
                for item in v[part][list].as_array_mut().into_iter().flatten() {
                    if let Some(obj) = item.as_object_mut()
                        && let Some(id) = obj.remove("application_id")
                    {
                        obj.insert(key.into(), id);
                    }
                }
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const FOOD: TradeCategory = TradeCategory::CookedFood;
    const FLOWERS: TradeCategory = TradeCategory::Flowers;

    fn app(id: i64, priority: bool, category: TradeCategory, preferences: &[i64]) -> DrawApplicant {
        DrawApplicant { id, priority, category, preferences: preferences.to_vec() }
    }

    fn stall(id: i64, zone: i64, category: TradeCategory) -> DrawStall {
        DrawStall { stall_id: id, zone_id: zone, number: format!("{zone}-{id:02}"), category }
    }

    fn inputs(applicants: Vec<DrawApplicant>, stalls: Vec<DrawStall>, reserved_percent: u8) -> DrawInputs {
        DrawInputs {
            algorithm: Algorithm::V1,
            round_id: 1,
            outside_source: String::new(),
            applicants,
            stalls,
            reserved_percent,
        }
    }

    /// Seed number `n`: its little-endian bytes, zero-padded to 32.
    fn seed(n: u64) -> String {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&n.to_le_bytes());
        seed_from_bytes(b)
    }

    /// `zones` zones (ids 1..) of `per_zone` food stalls each (ids zone*100 + k).
    fn food_zones(zones: i64, per_zone: i64) -> Vec<DrawStall> {
        (1..=zones).flat_map(|z| (1..=per_zone).map(move |k| stall(z * 100 + k, z, FOOD))).collect()
    }

    /// Everything the algorithm promises that can be checked from the outside.
    fn check(inputs: &DrawInputs, r: &DrawResult) {
        assert_eq!(r.algorithm, inputs.algorithm.as_str());
        assert_eq!(r.fingerprint, fingerprint(inputs));
        let apps: HashMap<i64, &DrawApplicant> = inputs.applicants.iter().map(|a| (a.id, a)).collect();
        let stalls: HashMap<i64, &DrawStall> = inputs.stalls.iter().map(|s| (s.stall_id, s)).collect();

        // `order` is a permutation of the applicants.
        let mut sorted = r.order.clone();
        sorted.sort_unstable();
        let mut ids: Vec<i64> = apps.keys().copied().collect();
        ids.sort_unstable();
        assert_eq!(sorted, ids);
        let position: HashMap<i64, usize> = r.order.iter().enumerate().map(|(i, id)| (*id, i)).collect();

        // Assignments and waitlist: disjoint, together everyone, each in draw order.
        let mut seen_apps = HashSet::new();
        let mut seen_stalls = HashSet::new();
        let mut reserved_in_zone: HashMap<i64, usize> = HashMap::new();
        for a in &r.assignments {
            assert!(seen_apps.insert(a.id), "application {} placed twice", a.id);
            assert!(seen_stalls.insert(a.stall_id), "stall {} given twice", a.stall_id);
            let who = apps[&a.id];
            let s = stalls[&a.stall_id];
            assert_eq!(s.zone_id, a.zone_id);
            assert_eq!(s.category, who.category, "category mismatch for application {}", a.id);
            let distinct: Vec<(u8, i64)> = ranked_preferences(&who.preferences).collect();
            assert!(distinct.contains(&(a.preference_rank, a.zone_id)));
            assert!(!a.reserved || who.priority, "reserved stall to a general applicant");
            if a.reserved {
                *reserved_in_zone.entry(a.zone_id).or_default() += 1;
            }
        }
        for id in &r.waitlist {
            assert!(seen_apps.insert(*id), "application {id} both placed and waitlisted");
        }
        assert_eq!(seen_apps.len(), apps.len());
        assert!(r.assignments.windows(2).all(|w| position[&w[0].id] < position[&w[1].id]));
        assert!(r.waitlist.windows(2).all(|w| position[&w[0]] < position[&w[1]]));

        // Quotas honoured.
        for (zone, n) in reserved_in_zone {
            let size = inputs.stalls.iter().filter(|s| s.zone_id == zone).count();
            assert!(n <= size * usize::from(inputs.reserved_percent) / 100, "zone {zone} over quota");
        }

        // Serial dictatorship: stalls are never freed, so any zone an applicant ranked above what
        // they got in phase 2 (or any zone at all, for the waitlist) must have no stall of their
        // category left at the end.
        let left: HashSet<(i64, TradeCategory)> = inputs
            .stalls
            .iter()
            .filter(|s| !seen_stalls.contains(&s.stall_id))
            .map(|s| (s.zone_id, s.category))
            .collect();
        let got: HashMap<i64, &Assignment> = r.assignments.iter().map(|a| (a.id, a)).collect();
        for a in &inputs.applicants {
            let limit = match got.get(&a.id) {
                Some(x) if x.reserved => continue,
                Some(x) => x.preference_rank,
                None => u8::MAX,
            };
            for (rank, zone) in ranked_preferences(&a.preferences).filter(|(rank, _)| *rank < limit) {
                assert!(
                    !left.contains(&(zone, a.category)),
                    "application {} passed over its choice {rank} (zone {zone}) that still has a free stall",
                    a.id
                );
            }
        }
    }

    fn sample() -> DrawInputs {
        inputs(
            vec![
                app(11, false, FOOD, &[1, 2]),
                app(12, true, FOOD, &[2]),
                app(13, false, FLOWERS, &[1, 2]),
                app(14, false, FOOD, &[2, 1]),
                app(15, true, FLOWERS, &[2, 1]),
                app(16, false, FOOD, &[3, 1]),
            ],
            vec![stall(101, 1, FOOD), stall(102, 1, FLOWERS), stall(201, 2, FOOD), stall(202, 2, FOOD)],
            50,
        )
    }

    #[test]
    fn same_inputs_and_seed_same_result() {
        let i = sample();
        let a = draw(&i, &seed(1), None).unwrap();
        let b = draw(&i.clone(), &seed(1), None).unwrap();
        assert_eq!(a, b);
        check(&i, &a);
    }

    #[test]
    fn another_seed_another_order() {
        let applicants = (1..=20).map(|id| app(id, false, FOOD, &[1])).collect();
        let i = inputs(applicants, food_zones(1, 5), 0);
        let a = draw(&i, &seed(1), None).unwrap();
        let b = draw(&i, &seed(2), None).unwrap();
        assert_ne!(a.order, b.order);
        assert_eq!(a.fingerprint, b.fingerprint);
        check(&i, &a);
        check(&i, &b);
    }

    #[test]
    fn known_vector() {
        // A fixed case, so any change to the algorithm (or to a dependency's output) shows up
        // here rather than in a citizen's failed re-check. Re-implementations can test against it.
        // (Cross-checked against an independent Python implementation written from the module docs.)
        let i = sample();
        assert_eq!(fingerprint(&i), "62f50fe2c5101cbdb3bf7a7d976518e326d607f4779ce4b3eec085dcf3413bb0");
        let r = draw(&i, &seed(7), None).unwrap();
        check(&i, &r);
        assert_eq!(r.order, vec![11, 14, 16, 15, 12, 13]);
        let got: Vec<(i64, i64, i64, u8, bool)> =
            r.assignments.iter().map(|a| (a.id, a.stall_id, a.zone_id, a.preference_rank, a.reserved)).collect();
        // Zones 1 and 2 have 2 stalls each, so 50% reserves one in each. Phase 1: 15 (flowers) finds
        // no flower stall in zone 2 and takes zone 1's; 12 takes zone 2's lowest food stall. Phase 2:
        // 11 and 14 take what is left; 16 (zone 3 has no stalls) and 13 wait.
        assert_eq!(
            got,
            vec![(11, 101, 1, 1, false), (14, 202, 2, 1, false), (15, 102, 1, 2, true), (12, 201, 2, 1, true)]
        );
        assert_eq!(r.waitlist, vec![16, 13]);
    }

    fn sample_v2() -> DrawInputs {
        let mut i = sample();
        i.algorithm = Algorithm::V2;
        i.round_id = 3;
        i.outside_source = "公开摇号现场由三名见证人各摇出的两位数号码，按摇出顺序以空格分隔".into();
        // In v2 the applicants are draw numbers 1..6 rather than application ids.
        for a in &mut i.applicants {
            a.id -= 10;
        }
        i
    }

    /// The test vectors of `docs/draw-vectors.json`, which the specification quotes, as this
    /// code computes them; `vectors_file_matches_the_code` keeps the file honest.
    fn specification_vectors() -> serde_json::Value {
        let cases: [(&str, DrawInputs, String, Option<&str>); 3] = [
            ("v1", sample(), seed(7), None),
            ("v2", sample_v2(), seed(7), Some("07 31 58")),
            ("v2, another outside value", sample_v2(), seed(7), Some("07 31 59")),
        ];
        let vectors: Vec<serde_json::Value> = cases
            .iter()
            .map(|(name, inputs, seed, outside)| {
                let key = draw_key(inputs, seed, *outside).unwrap();
                let mut k = [0u8; 32];
                hex::decode_to_slice(&key, &mut k).unwrap();
                let mut rng = ChaCha20Rng::from_seed(k);
                let first: Vec<String> = (0..4).map(|_| rng.next_u64().to_string()).collect();
                let result = draw(inputs, seed, *outside).unwrap();
                let record = DrawRecord {
                    round_id: inputs.round_id,
                    algorithm: inputs.algorithm.as_str().into(),
                    seed_commitment: commitment(seed).unwrap(),
                    fingerprint: fingerprint(inputs),
                    seed: seed.clone(),
                    outside_value: outside.map(str::to_string),
                    inputs: inputs.clone(),
                    result,
                }
                .to_public_json();
                serde_json::json!({
                    "name": name,
                    "record": record,
                    "canonical_inputs": String::from_utf8(canonical_inputs(inputs)).unwrap(),
                    "outside_value_sha256": outside.map(|v| hex::encode(Sha256::digest(v.as_bytes()))),
                    "key": key,
                    "first_random_numbers": first,
                })
            })
            .collect();
        serde_json::json!({ "vectors": vectors })
    }

    #[test]
    fn vectors_file_matches_the_code() {
        let file: serde_json::Value = serde_json::from_str(include_str!("../../docs/draw-vectors.json")).unwrap();
        assert_eq!(
            file["vectors"],
            specification_vectors()["vectors"],
            "docs/draw-vectors.json is out of date; regenerate it with \
             `cargo test -p common print_specification_vectors -- --ignored --nocapture`"
        );
        // And each published record in it verifies as a citizen's browser would check it.
        for v in file["vectors"].as_array().unwrap() {
            let record: DrawRecord = serde_json::from_value(v["record"].clone()).unwrap();
            assert_eq!(record.verify(), Ok(()), "{}", v["name"]);
            assert_eq!(String::from_utf8(canonical_inputs(&record.inputs)).unwrap(), v["canonical_inputs"]);
        }
    }

    #[test]
    #[ignore = "prints docs/draw-vectors.json"]
    fn print_specification_vectors() {
        println!("{}", serde_json::to_string_pretty(&specification_vectors()).unwrap());
    }

    #[test]
    fn v2_mixes_the_outside_value_and_names_draw_numbers() {
        let i = sample_v2();
        let s = seed(7);
        assert_eq!(draw(&i, &s, None), Err(DrawError::OutsideValue), "v2 will not draw without it");
        assert_eq!(draw(&i, &s, Some("")), Err(DrawError::OutsideValue));
        assert_eq!(draw(&i, &s, Some(&"9".repeat(MAX_OUTSIDE_VALUE + 1))), Err(DrawError::OutsideValue));
        let a = draw(&i, &s, Some("07 31 58")).unwrap();
        check(&i, &a);
        assert_eq!(a.algorithm, "tangui-rsd-v2");
        // Another outside value is another draw (seen over a few values: one could coincide).
        let differ = ["07 31 59", "12 02 44", "00 00 00"]
            .iter()
            .filter(|v| draw(&i, &s, Some(v)).unwrap().order != a.order)
            .count();
        assert!(differ >= 2, "{differ}");
        assert_eq!(verify(&i, &s, Some("07 31 58"), &a), Ok(()));
        assert!(verify(&i, &s, Some("07 31 59"), &a).unwrap_err().contains("differs"));
        // The source named at closing is part of the fingerprint; v1 ignores an outside value.
        let mut j = i.clone();
        j.outside_source.push('。');
        assert_ne!(fingerprint(&i), fingerprint(&j));
        assert_eq!(draw(&sample(), &s, Some("anything")), draw(&sample(), &s, None));
        let canon = String::from_utf8(canonical_inputs(&i)).unwrap();
        assert!(canon.starts_with(r#"{"algorithm":"tangui-rsd-v2","round_id":3,"outside_source":"公开"#), "{canon}");
        assert!(canon.contains(r#"{"draw_number":1,"priority":false"#) && !canon.contains("application_id"));
    }

    #[test]
    fn a_record_is_checked_step_by_step() {
        let i = sample_v2();
        let s = seed(7);
        let record = DrawRecord {
            round_id: 3,
            algorithm: "tangui-rsd-v2".into(),
            seed_commitment: commitment(&s).unwrap(),
            fingerprint: fingerprint(&i),
            seed: s.clone(),
            outside_value: Some("07 31 58".into()),
            inputs: i.clone(),
            result: draw(&i, &s, Some("07 31 58")).unwrap(),
        };
        assert_eq!(record.verify(), Ok(()));
        // As published, applicants are draw numbers, and the JSON reads back to the same record.
        let public = record.to_public_json();
        assert!(public["inputs"]["applicants"][0].get("draw_number").is_some());
        assert!(public["result"]["assignments"][0].get("draw_number").is_some());
        assert!(!public.to_string().contains("application_id"));
        assert_eq!(serde_json::from_value::<DrawRecord>(public).unwrap(), record);

        let failing = |f: &dyn Fn(&mut DrawRecord)| {
            let mut r = record.clone();
            f(&mut r);
            r.verify().unwrap_err().0
        };
        assert_eq!(failing(&|r| r.seed = seed(8)), RecordStep::Commitment);
        assert_eq!(failing(&|r| r.inputs.applicants[2].preferences.reverse()), RecordStep::Fingerprint);
        assert_eq!(failing(&|r| r.outside_value = None), RecordStep::OutsideValue);
        assert_eq!(failing(&|r| r.outside_value = Some("07 31 59".into())), RecordStep::Result);
        assert_eq!(failing(&|r| r.result.waitlist.reverse()), RecordStep::Result);
    }

    #[test]
    fn draw_numbers_read_back() {
        assert_eq!(draw_number_label(3, 4817), "R3-04817");
        assert_eq!(draw_number_label(12, 123_456), "R12-123456");
        assert_eq!(parse_draw_number(3, "R3-04817"), Some(4817));
        assert_eq!(parse_draw_number(3, " r3-04817 "), Some(4817));
        assert_eq!(parse_draw_number(3, "4817"), Some(4817));
        assert_eq!(parse_draw_number(3, "R4-04817"), None, "another round's number");
        for bad in ["", "R3-", "R3-0", "-1", "R3-12a", "1234567890"] {
            assert_eq!(parse_draw_number(3, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rng_is_standard_chacha20() {
        // RFC 8439 §A.1 test vector #1: all-zero key and nonce, block 0 begins 76 b8 e0 ad a0 f1 3d 90.
        let mut rng = ChaCha20Rng::from_seed([0; 32]);
        assert_eq!(rng.next_u64().to_le_bytes(), [0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]);
        assert_eq!(rng.next_u64().to_le_bytes(), [0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28]);
    }

    #[test]
    fn canonical_json_shape() {
        let i = DrawInputs {
            algorithm: Algorithm::V1,
            round_id: 7,
            outside_source: String::new(),
            applicants: vec![app(12, false, FLOWERS, &[]), app(11, true, FOOD, &[3, 1])],
            stalls: vec![DrawStall { stall_id: 5, zone_id: 3, number: "A-01 \"东\"".into(), category: FOOD }],
            reserved_percent: 10,
        };
        assert_eq!(
            String::from_utf8(canonical_inputs(&i)).unwrap(),
            r#"{"round_id":7,"applicants":[{"application_id":11,"priority":true,"category":"cooked_food","preferences":[3,1]},{"application_id":12,"priority":false,"category":"flowers","preferences":[]}],"stalls":[{"stall_id":5,"zone_id":3,"number":"A-01 \"东\"","category":"cooked_food"}],"reserved_percent":10}"#
        );
        assert_eq!(fingerprint(&i), hex::encode(Sha256::digest(canonical_inputs(&i))));
        assert_eq!(fingerprint(&i).len(), 64);
        assert_eq!(fingerprint(&i), fingerprint(&i).to_lowercase());
    }

    #[test]
    fn any_change_to_an_applicant_changes_the_fingerprint() {
        let base = sample();
        let fp = fingerprint(&base);
        let mut c = base.clone();
        c.applicants[0].category = FLOWERS;
        assert_ne!(fingerprint(&c), fp);
        let mut c = base.clone();
        c.applicants[0].preferences = vec![2, 1];
        assert_ne!(fingerprint(&c), fp);
        let mut c = base.clone();
        c.applicants[0].priority = true;
        assert_ne!(fingerprint(&c), fp);
        let mut c = base.clone();
        c.applicants.pop();
        assert_ne!(fingerprint(&c), fp);
        let mut c = base.clone();
        c.stalls[0].number = "X".into();
        assert_ne!(fingerprint(&c), fp);
        let mut c = base.clone();
        c.reserved_percent = 10;
        assert_ne!(fingerprint(&c), fp);
        let mut c = base;
        c.round_id = 2;
        assert_ne!(fingerprint(&c), fp);
    }

    #[test]
    fn input_order_does_not_matter() {
        let a = sample();
        let mut b = a.clone();
        b.applicants.reverse();
        b.stalls.reverse();
        b.stalls.swap(0, 2);
        assert_eq!(canonical_inputs(&a), canonical_inputs(&b));
        assert_eq!(fingerprint(&a), fingerprint(&b));
        for s in 0..20 {
            assert_eq!(draw(&a, &seed(s), None).unwrap(), draw(&b, &seed(s), None).unwrap());
        }
    }

    #[test]
    fn reserved_quota_per_zone() {
        // 2 zones × 10 stalls, 30% → 3 reserved per zone. 10 priority applicants want zone 1 then 2,
        // 30 general applicants want the same.
        let mut applicants: Vec<DrawApplicant> = (1..=10).map(|id| app(id, true, FOOD, &[1, 2])).collect();
        applicants.extend((11..=40).map(|id| app(id, false, FOOD, &[1, 2])));
        let i = inputs(applicants, food_zones(2, 10), 30);
        for s in 0..50 {
            let r = draw(&i, &seed(s), None).unwrap();
            check(&i, &r);
            let reserved: Vec<&Assignment> = r.assignments.iter().filter(|a| a.reserved).collect();
            assert_eq!(reserved.iter().filter(|a| a.zone_id == 1).count(), 3);
            assert_eq!(reserved.iter().filter(|a| a.zone_id == 2).count(), 3);
            // The reserved stalls go to the first six priority applicants in draw order, three
            // in their first choice and then three in their second…
            let priority_in_order: Vec<i64> = r.order.iter().copied().filter(|id| *id <= 10).collect();
            let got: Vec<i64> = reserved.iter().map(|a| a.id).collect();
            assert_eq!(got, priority_in_order[..6]);
            assert!(reserved[..3].iter().all(|a| a.zone_id == 1 && a.preference_rank == 1));
            assert!(reserved[3..].iter().all(|a| a.zone_id == 2 && a.preference_rank == 2));
            // …wherever they stand: general applicants drawn earlier do not take them.
            assert_eq!(r.assignments.len(), 20);
            assert_eq!(r.waitlist.len(), 20);
        }
    }

    #[test]
    fn priority_applicants_beat_earlier_general_ones_to_the_quota() {
        // One zone of 10 stalls, 30% → 3 reserved; 3 priority applicants among 30.
        let applicants = (1..=30).map(|id| app(id, id % 10 == 0, FOOD, &[1])).collect();
        let i = inputs(applicants, food_zones(1, 10), 30);
        let mut late = 0;
        for s in 0..100 {
            let r = draw(&i, &seed(s), None).unwrap();
            check(&i, &r);
            for id in [10, 20, 30] {
                let a = r.assignments.iter().find(|a| a.id == id).expect("priority applicant placed");
                assert!(a.reserved);
                if r.order.iter().position(|x| *x == id).unwrap() >= 10 {
                    late += 1;
                }
            }
            // The lowest stall ids go to the reserved tier (phase 1 runs first).
            let mut reserved_stalls: Vec<i64> =
                r.assignments.iter().filter(|a| a.reserved).map(|a| a.stall_id).collect();
            reserved_stalls.sort_unstable();
            assert_eq!(reserved_stalls, vec![101, 102, 103]);
        }
        // Many of them were drawn after the 10th place, where a general applicant would have missed out.
        assert!(late > 50);
    }

    #[test]
    fn unused_quota_is_ordinary_stalls() {
        // 50% of 10 reserved, but only one priority applicant: the other 4 go to general applicants.
        let mut applicants: Vec<DrawApplicant> = (1..=12).map(|id| app(id, false, FOOD, &[1])).collect();
        applicants.push(app(99, true, FOOD, &[1]));
        let i = inputs(applicants, food_zones(1, 10), 50);
        let r = draw(&i, &seed(3), None).unwrap();
        check(&i, &r);
        assert_eq!(r.assignments.len(), 10);
        assert_eq!(r.assignments.iter().filter(|a| a.reserved).count(), 1);
        assert_eq!(r.waitlist.len(), 3);
    }

    #[test]
    fn priority_applicant_without_quota_competes_in_phase_two() {
        // 10% of 5 stalls rounds down to no quota at all: priority applicants just take their turn.
        let applicants = (1..=8).map(|id| app(id, id <= 4, FOOD, &[1])).collect();
        let i = inputs(applicants, food_zones(1, 5), 10);
        for s in 0..20 {
            let r = draw(&i, &seed(s), None).unwrap();
            check(&i, &r);
            assert!(r.assignments.iter().all(|a| !a.reserved));
            let first_five: Vec<i64> = r.order[..5].to_vec();
            assert_eq!(r.assignments.iter().map(|a| a.id).collect::<Vec<_>>(), first_five);
        }
    }

    #[test]
    fn category_must_fit() {
        // Zone 1 has only a flower stall; the food applicant must fall through to zone 2 or wait.
        let i = inputs(
            vec![app(1, false, FOOD, &[1, 2]), app(2, false, FOOD, &[1]), app(3, false, FLOWERS, &[2, 1])],
            vec![stall(10, 1, FLOWERS), stall(20, 2, FOOD)],
            0,
        );
        for s in 0..20 {
            let r = draw(&i, &seed(s), None).unwrap();
            check(&i, &r);
            assert!(r.waitlist.contains(&2));
            let a1 = r.assignments.iter().find(|a| a.id == 1).unwrap();
            assert_eq!((a1.stall_id, a1.zone_id, a1.preference_rank), (20, 2, 2));
            let a3 = r.assignments.iter().find(|a| a.id == 3).unwrap();
            assert_eq!((a3.stall_id, a3.preference_rank), (10, 2));
        }
    }

    #[test]
    fn lowest_stall_id_first_and_one_each() {
        let stalls = vec![stall(7, 1, FOOD), stall(3, 1, FOOD), stall(5, 1, FOOD)];
        let applicants = (1..=5).map(|id| app(id, false, FOOD, &[1, 1, 1])).collect();
        let i = inputs(applicants, stalls, 0);
        let r = draw(&i, &seed(9), None).unwrap();
        check(&i, &r);
        assert_eq!(r.assignments.iter().map(|a| a.stall_id).collect::<Vec<_>>(), vec![3, 5, 7]);
        assert_eq!(r.assignments.iter().map(|a| a.id).collect::<Vec<_>>(), r.order[..3]);
        assert_eq!(r.waitlist, r.order[3..]);
    }

    #[test]
    fn missing_zones_and_repeats_are_skipped() {
        // Zone 9 has no stalls; the repeated zone 2 counts once, so zone 1 is the third distinct choice.
        let i = inputs(vec![app(1, false, FOOD, &[9, 2, 2, 1]), app(2, false, FOOD, &[])], vec![stall(10, 1, FOOD)], 0);
        let r = draw(&i, &seed(1), None).unwrap();
        check(&i, &r);
        assert_eq!(r.assignments.len(), 1);
        assert_eq!(r.assignments[0].id, 1);
        assert_eq!(r.assignments[0].preference_rank, 3);
        assert_eq!(r.waitlist, vec![2]);
    }

    #[test]
    fn waitlist_is_everyone_unplaced_in_draw_order() {
        let applicants =
            (1..=30).map(|id| app(id, id % 7 == 0, if id % 3 == 0 { FLOWERS } else { FOOD }, &[1, 2])).collect();
        let mut stalls = food_zones(2, 4);
        stalls.push(stall(900, 2, FLOWERS));
        let i = inputs(applicants, stalls, 25);
        for s in 0..30 {
            let r = draw(&i, &seed(s), None).unwrap();
            check(&i, &r);
            let placed: HashSet<i64> = r.assignments.iter().map(|a| a.id).collect();
            let expected: Vec<i64> = r.order.iter().copied().filter(|id| !placed.contains(id)).collect();
            assert_eq!(r.waitlist, expected);
            assert_eq!(r.assignments.len(), 9);
        }
    }

    #[test]
    fn empty_inputs() {
        let i = inputs(vec![], vec![], 0);
        let mut calls = vec![];
        let r = draw_with_progress(&i, &seed(1), None, &mut |d, n| calls.push((d, n))).unwrap();
        assert!(r.order.is_empty() && r.assignments.is_empty() && r.waitlist.is_empty());
        assert_eq!(calls, vec![(0, 0)]);
        let i = inputs(vec![app(1, true, FOOD, &[1])], vec![], 50);
        assert_eq!(draw(&i, &seed(1), None).unwrap().waitlist, vec![1]);
    }

    #[test]
    fn progress_reports() {
        let applicants = (1..=2500).map(|id| app(id, false, FOOD, &[1])).collect();
        let i = inputs(applicants, food_zones(1, 10), 0);
        let mut calls = vec![];
        let r = draw_with_progress(&i, &seed(1), None, &mut |d, n| calls.push((d, n))).unwrap();
        assert_eq!(calls, vec![(1000, 2500), (2000, 2500), (2500, 2500)]);
        assert_eq!(r, draw(&i, &seed(1), None).unwrap());
    }

    #[test]
    fn verify_accepts_the_real_result() {
        let i = sample();
        let r = draw(&i, &seed(5), None).unwrap();
        assert_eq!(verify(&i, &seed(5), None, &r), Ok(()));
        // A round trip through the published JSON changes nothing.
        let published: DrawResult = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(verify(&i, &seed(5), None, &published), Ok(()));
    }

    #[test]
    fn verify_names_the_difference() {
        let applicants = (1..=12).map(|id| app(id, id == 3, FOOD, &[1, 2])).collect();
        let i = inputs(applicants, food_zones(2, 3), 34);
        let s = seed(11);
        let r = draw(&i, &s, None).unwrap();
        check(&i, &r);
        assert_eq!(r.assignments.len(), 6);

        let mut t = r.clone();
        t.assignments.swap(1, 2);
        let e = verify(&i, &s, None, &t).unwrap_err();
        assert!(e.starts_with("Assignment 2 differs"), "{e}");

        let mut t = r.clone();
        t.assignments[4].stall_id = 999;
        let e = verify(&i, &s, None, &t).unwrap_err();
        assert!(e.starts_with("Assignment 5 differs") && e.contains("stall 999"), "{e}");

        let mut t = r.clone();
        t.waitlist.remove(2);
        let e = verify(&i, &s, None, &t).unwrap_err();
        assert!(e.starts_with("Waitlist differs at position 3"), "{e}");

        let mut t = r.clone();
        t.waitlist.pop();
        let e = verify(&i, &s, None, &t).unwrap_err();
        assert!(e.starts_with("Waitlist differs at position 6") && e.contains("published nothing"), "{e}");

        let mut t = r.clone();
        t.order.swap(0, 5);
        let e = verify(&i, &s, None, &t).unwrap_err();
        assert!(e.starts_with("Draw order differs at position 1"), "{e}");

        let mut t = r.clone();
        t.assignments[0].reserved = !t.assignments[0].reserved;
        assert!(verify(&i, &s, None, &t).unwrap_err().starts_with("Assignment 1 differs"));

        // Inputs changed after the fingerprint was published.
        let mut j = i.clone();
        j.applicants[0].preferences = vec![2];
        let e = verify(&j, &s, None, &r).unwrap_err();
        assert!(e.starts_with("Fingerprint differs"), "{e}");

        // Another seed than the one drawn with.
        assert!(verify(&i, &seed(12), None, &r).is_err());

        let mut t = r;
        t.algorithm = "other-v9".into();
        assert!(verify(&i, &s, None, &t).unwrap_err().contains("other-v9"));
        assert!(verify(&i, "zz", None, &t).is_err());
    }

    #[test]
    fn bad_inputs_are_rejected() {
        let i = sample();
        for bad in ["", "00", &"0".repeat(63), &"0".repeat(65), &"g".repeat(64), &format!(" {}", &"0".repeat(63))] {
            assert_eq!(draw(&i, bad, None), Err(DrawError::BadSeed), "{bad:?}");
            assert_eq!(commitment(bad), Err(DrawError::BadSeed));
        }
        // Upper-case hex is the same seed.
        assert_eq!(draw(&i, &"AB".repeat(32), None), draw(&i, &"ab".repeat(32), None));

        let mut c = sample();
        c.reserved_percent = 51;
        assert_eq!(draw(&c, &seed(1), None), Err(DrawError::ReservedPercent));
        c.reserved_percent = 50;
        assert!(draw(&c, &seed(1), None).is_ok());

        let mut c = sample();
        c.applicants.push(app(13, false, FOOD, &[1]));
        assert_eq!(draw(&c, &seed(1), None), Err(DrawError::DuplicateApplicant(13)));

        let mut c = sample();
        c.stalls.push(stall(201, 3, FOOD));
        assert_eq!(draw(&c, &seed(1), None), Err(DrawError::DuplicateStall(201)));

        let mut c = sample();
        c.applicants[2].preferences = vec![1, 2, 1, 2, 1];
        assert!(draw(&c, &seed(1), None).is_ok());
        c.applicants[2].preferences.push(2);
        assert_eq!(draw(&c, &seed(1), None), Err(DrawError::TooManyPreferences(13)));
    }

    #[test]
    fn error_messages() {
        let all = [
            DrawError::BadSeed,
            DrawError::ReservedPercent,
            DrawError::DuplicateApplicant(4),
            DrawError::DuplicateStall(5),
            DrawError::TooManyPreferences(6),
        ];
        for e in &all {
            assert!(!e.to_string().is_empty() && !e.zh().is_empty());
        }
        assert_eq!(DrawError::DuplicateStall(5).to_string(), "Stall 5 appears more than once");
        assert!(DrawError::TooManyPreferences(6).zh().contains('6'));
    }

    #[test]
    fn commitment_is_sha256_of_the_seed_bytes() {
        assert_eq!(seed_from_bytes([0; 32]), "0".repeat(64));
        assert_eq!(
            commitment(&seed_from_bytes([0; 32])).unwrap(),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
        let mut b = [0u8; 32];
        b[0] = 0xff;
        b[31] = 0x01;
        let s = seed_from_bytes(b);
        assert_eq!(s, format!("ff{}01", "0".repeat(60)));
        assert_eq!(commitment(&s).unwrap(), hex::encode(Sha256::digest(b)));
        assert_ne!(commitment(&s).unwrap(), commitment(&seed(0)).unwrap());
    }

    #[test]
    fn uniform_below_covers_the_range() {
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            counts[uniform_below(&mut rng, 3) as usize] += 1;
        }
        assert!(counts.iter().all(|c| (900..1100).contains(c)), "{counts:?}");
        assert_eq!(uniform_below(&mut rng, 1), 0);
        // A bound just above 2^63 rejects almost half of all draws and must still terminate.
        let big = (1u64 << 63) + 1;
        for _ in 0..100 {
            assert!(uniform_below(&mut rng, big) < big);
        }
    }

    #[test]
    fn four_applicants_one_stall_is_fair() {
        let i = inputs((1..=4).map(|id| app(id, false, FOOD, &[1])).collect(), vec![stall(1, 1, FOOD)], 0);
        let mut wins: HashMap<i64, u32> = HashMap::new();
        let mut orders: HashMap<Vec<i64>, u32> = HashMap::new();
        let draws = 2000;
        for s in 0..draws {
            let r = draw(&i, &seed(s), None).unwrap();
            *wins.entry(r.assignments[0].id).or_default() += 1;
            *orders.entry(r.order).or_default() += 1;
        }
        for id in 1..=4 {
            let share = f64::from(wins[&id]) / draws as f64;
            assert!((0.20..=0.30).contains(&share), "applicant {id} won {share:.3}");
        }
        // All 24 orders come up, each about 2000 / 24 ≈ 83 times.
        assert_eq!(orders.len(), 24);
        assert!(orders.values().all(|c| (45..=125).contains(c)), "{orders:?}");
    }

    /// A small deterministic generator for building test data (not the draw's RNG).
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Xiamen scale: 21,300 applicants with 5 preferences each for 6,145 stalls in 250 zones.
    fn city_scale() -> DrawInputs {
        let mut g = SplitMix(2024);
        let zones = 250u64;
        let stalls: Vec<DrawStall> = (0..6145)
            .map(|k| {
                let zone = 1 + (k % zones) as i64;
                // Skewed: half the stalls are cooked food.
                let category = if g.below(2) == 0 { FOOD } else { TradeCategory::ALL[g.below(6) as usize] };
                stall(10_000 + k as i64, zone, category)
            })
            .collect();
        let applicants = (0..21_300)
            .map(|k| {
                let mut prefs: Vec<i64> = Vec::new();
                // Popular zones are wanted more: a squared uniform leans towards low ids.
                while prefs.len() < 5 {
                    let u = g.below(1000) as f64 / 1000.0;
                    let z = 1 + (u * u * zones as f64) as i64;
                    if !prefs.contains(&z) {
                        prefs.push(z);
                    }
                }
                let category = if g.below(2) == 0 { FOOD } else { TradeCategory::ALL[g.below(6) as usize] };
                app(500_000 + k, g.below(100) < 8, category, &prefs)
            })
            .collect();
        DrawInputs {
            algorithm: Algorithm::V1,
            round_id: 2025,
            outside_source: String::new(),
            applicants,
            stalls,
            reserved_percent: 10,
        }
    }

    #[test]
    fn large_city_scale_draw() {
        let i = city_scale();
        #[cfg(not(target_arch = "wasm32"))]
        let started = std::time::Instant::now();
        let r = draw(&i, &seed(42), None).unwrap();
        #[cfg(not(target_arch = "wasm32"))]
        eprintln!(
            "large draw: {} applicants, {} stalls in {:.1} ms",
            i.applicants.len(),
            i.stalls.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        check(&i, &r);
        assert_eq!(r.order.len(), 21_300);
        assert_eq!(r.assignments.len() + r.waitlist.len(), 21_300);
        assert!(r.assignments.len() > 5000, "{} placed", r.assignments.len());
        assert!(r.assignments.iter().any(|a| a.reserved));
        assert_eq!(verify(&i, &seed(42), None, &r), Ok(()));
    }
}

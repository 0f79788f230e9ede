//! "Do I need a permit?" (我需要办证吗？): a short guided questionnaire over 五豁免 and 十允许 and
//! the two filings this portal takes, for a shop owner who does not know the rules by name.
//!
//! One question at a time, at most four deep, ending in a plain answer: nothing to do (with the
//! exemption or allowance that says so), file here (and which form to open), or a permit this
//! portal does not issue. The answer's clause and rule text come from the [`PolicyPack`], so when
//! the city edits a rule the questionnaire says the new thing; a rule the pack no longer has is no
//! longer offered as an answer.
//!
//! The client sends back every answer so far and gets the next step; the questionnaire keeps no
//! state. Answers to questions off the current path (the user went back and chose differently) are
//! ignored; a question or value this version does not know restarts it, since it means the client
//! and the server disagree about the questions, and guessing would give a wrong answer.

use serde::{Deserialize, Serialize};

use super::{Outcome, PolicyPack, ShopTrade};
use crate::Text;

/// One question with its choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub id: String,
    pub text: Text,
    pub options: Vec<Choice>,
}

/// One choice: `value` is what the client sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelfCheckAnswer {
    pub question: String,
    pub value: String,
}

/// The next step: another question, or the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SelfCheckResult {
    Ask {
        question: Question,
        /// Questions already answered on the way here (0 for the first question).
        asked: usize,
    },
    Answer {
        /// `exempt`, `filed` (file here; the filing's own checks decide), `needs_review` (a
        /// permit outside this portal) or `rejected`.
        outcome: Outcome,
        /// The pack rule that decides it, or `OUT-OF-SCOPE`.
        rule_id: String,
        clause: String,
        message: Text,
        /// The filing form to open: `cross_store` or `outdoor_promo`.
        start_filing: Option<String>,
    },
}

/// Rule id of the answer "this needs a permit this portal does not issue".
pub const OUT_OF_SCOPE: &str = "OUT-OF-SCOPE";

/// Pack rules the questionnaire can answer with (the asset test checks the pack has them all).
#[cfg(test)]
pub(crate) const RULES_USED: &[&str] =
    &["E1", "E2", "E3", "E4", "E5", "A1", "A2", "A3", "A-CROSS-STORE", "A-OUTDOOR-PROMO", "CS-TRADE"];

const FIRST: &str = "what";
/// No path is longer than this; a longer walk means a bug, and restarts.
const MAX_DEPTH: usize = 4;

fn question(id: &str, zh: &str, en: &str, options: &[(&str, &str, &str)]) -> Question {
    Question {
        id: id.to_string(),
        text: Text::new(zh, en),
        options: options.iter().map(|(v, zh, en)| Choice { value: v.to_string(), text: Text::new(*zh, *en) }).collect(),
    }
}

const ELECTRONIC: [(&str, &str, &str); 2] = [
    ("no", "不是（展板、贴字、旗帜等）", "No (boards, lettering, flags and the like)"),
    ("yes", "是（LED 屏、电子显示屏、滚动字幕等）", "Yes (LED screens, displays, scrolling text)"),
];

/// Every question the questionnaire can ask, the first one first.
pub fn questions() -> Vec<Question> {
    let trades: Vec<(&str, &str, &str)> =
        ShopTrade::ALL.iter().map(|t| (t.as_str(), t.name_zh(), t.name_en())).collect();
    vec![
        question(
            FIRST,
            "您想做什么？",
            "What do you want to do?",
            &[
                (
                    "shelter_ad",
                    "在公交候车亭、自行车棚的预留广告位投放广告",
                    "Place an ad in a bus-shelter or bike-shed ad slot",
                ),
                (
                    "shop_ad",
                    "在我的临街店面（一楼，或有独立出入口的二楼以上）设置宣传本店的小型广告",
                    "Put up a small ad for my street-facing shop (ground floor, or upper floor with its own entrance)",
                ),
                ("public_ad", "设置小型公益广告", "Put up a small public-service ad"),
                (
                    "roman_flags",
                    "在商业、办公、文化或综合体建筑挂罗马旗等临时小型广告",
                    "Hang Roman flags or other temporary small ads at a commercial, office, cultural or mixed-use building",
                ),
                (
                    "hoarding_ad",
                    "在在建工地围挡或储备用地围墙上设置公益广告",
                    "Put a public-service ad on a construction hoarding or a reserve-land wall",
                ),
                ("shop_sign", "设置有特色的店招", "Put up a distinctive shop sign"),
                ("posters", "在店铺的玻璃门窗上张贴海报", "Put posters on my shop's glass door or windows"),
                (
                    "display_stand",
                    "在商圈或商业街区摆放宣传展架",
                    "Place display stands in a business district or commercial street",
                ),
                (
                    "trade_outside",
                    "在店门口摆桌椅或商品经营（跨店经营）",
                    "Put tables or goods out in front of my shop (cross-storefront trading)",
                ),
                ("promotion", "举办户外展示促销活动（外摆促销）", "Hold an outdoor promotion"),
                ("other", "其他", "Something else"),
            ],
        ),
        question(
            "shop_ad_count",
            "一共要设置几个广告？",
            "How many ads in all?",
            &[("one_or_two", "1 至 2 个", "1 or 2"), ("three_or_more", "3 个或更多", "3 or more")],
        ),
        question("shop_ad_electronic", "是电子广告吗？", "Are they electronic?", &ELECTRONIC),
        question(
            "shop_ad_place",
            "广告放在哪里？",
            "Where will the ads be?",
            &[
                ("own_land", "本店自有用地红线内", "Inside my shop's own land red line"),
                ("filed_area", "本店已备案的跨店经营区域内", "Inside my filed cross-storefront area"),
                (
                    "pavement_not_filed",
                    "店门前的人行道上，但还没有备案跨店经营",
                    "On the pavement in front of my shop, with no cross-storefront filing yet",
                ),
                ("elsewhere", "其他地方（道路上、别人的地方等）", "Somewhere else (the road, someone else's property)"),
            ],
        ),
        question("public_ad_electronic", "是电子广告吗？", "Is it electronic?", &ELECTRONIC),
        question(
            "public_ad_place",
            "是否在城市道路红线以外？",
            "Is it outside the city-road red line?",
            &[
                (
                    "outside_road",
                    "是，在道路红线外（自有场地、建筑物上等）",
                    "Yes, outside it (own grounds, on a building)",
                ),
                (
                    "inside_road",
                    "否，在道路红线内（人行道、路灯杆、隔离栏等）",
                    "No, inside it (pavement, lamp posts, railings)",
                ),
            ],
        ),
        question(
            "flags_place",
            "是否挂在建筑的自有用地红线内？",
            "Will they hang inside the building's own land red line?",
            &[
                ("own_land", "是，在自有用地红线内", "Yes, inside the own land red line"),
                ("outside", "否，在人行道、道路或别处", "No, on the pavement, the road or elsewhere"),
            ],
        ),
        question("hoarding_electronic", "是电子广告吗？", "Is it electronic?", &ELECTRONIC),
        question(
            "sign_street_facing",
            "店铺是否临街（一楼，或二楼以上有独立出入口）？",
            "Is the shop street-facing (ground floor, or upper floor with its own entrance)?",
            &[("yes", "是", "Yes"), ("no", "否", "No")],
        ),
        question(
            "poster_content",
            "海报是什么内容？",
            "What are the posters about?",
            &[
                (
                    "own_or_notices",
                    "招租、招聘、招商信息，或本店商品和形象宣传",
                    "Letting, recruiting or investment notices, or my shop's own products and image",
                ),
                ("other", "其他内容（如替别人做广告）", "Something else (e.g. advertising for others)"),
            ],
        ),
        question(
            "stand_place",
            "展架摆在哪里？",
            "Where will the stands be?",
            &[
                ("business_district", "商圈或商业街区内", "In a business district or commercial street"),
                ("elsewhere", "其他地方", "Somewhere else"),
            ],
        ),
        question(
            "outside_place",
            "摆放的位置是在本店门前的人行道上吗？",
            "Would it be on the pavement in front of your shop?",
            &[
                ("front_pavement", "是，本店门前的人行道", "Yes, the pavement in front of my shop"),
                ("elsewhere", "否，在车行道、广场或别处", "No, on the road, a square or elsewhere"),
            ],
        ),
        question("outside_trade", "本店经营什么？", "What does your shop trade in?", &trades),
        question(
            "promo_place",
            "活动是否在本单位自有用地红线内（如商场前广场）？",
            "Is the event on your own land inside the red line (e.g. a mall's forecourt)?",
            &[
                ("own_land", "是，在自有用地红线内", "Yes, on our own land"),
                ("public", "否，在人行道、道路或公共广场上", "No, on the pavement, the road or a public square"),
            ],
        ),
    ]
}

/// The next step for the answers so far. Never panics: anything it does not understand restarts.
pub fn self_check(pack: &PolicyPack, answers: &[SelfCheckAnswer]) -> SelfCheckResult {
    let all = questions();
    let known =
        |a: &SelfCheckAnswer| all.iter().any(|q| q.id == a.question && q.options.iter().any(|o| o.value == a.value));
    if !answers.iter().all(known) {
        return ask(&all, FIRST, 0);
    }
    let mut current = FIRST;
    for asked in 0..=MAX_DEPTH {
        // The latest answer wins: the user may have gone back and changed it.
        let Some(a) = answers.iter().rev().find(|a| a.question == current) else {
            return ask(&all, current, asked);
        };
        match step(pack, current, &a.value) {
            Step::Ask(next) => current = next,
            Step::Done(result) => return result,
            Step::Restart => break,
        }
    }
    ask(&all, FIRST, 0)
}

fn ask(all: &[Question], id: &str, asked: usize) -> SelfCheckResult {
    match all.iter().find(|q| q.id == id) {
        Some(q) => SelfCheckResult::Ask { question: q.clone(), asked },
        None => SelfCheckResult::Ask { question: all[0].clone(), asked: 0 },
    }
}

enum Step {
    Ask(&'static str),
    Done(SelfCheckResult),
    Restart,
}

/// Where an answer leads. The tree, in one place.
fn step(pack: &PolicyPack, question: &str, value: &str) -> Step {
    use Permit::{Ad, Road};
    let done = Step::Done;
    match (question, value) {
        ("what", "shelter_ad") => done(exempt(pack, "E1", Ad)),
        ("what", "shop_ad") => Step::Ask("shop_ad_count"),
        ("what", "public_ad") => Step::Ask("public_ad_electronic"),
        ("what", "roman_flags") => Step::Ask("flags_place"),
        ("what", "hoarding_ad") => Step::Ask("hoarding_electronic"),
        ("what", "shop_sign") => Step::Ask("sign_street_facing"),
        ("what", "posters") => Step::Ask("poster_content"),
        ("what", "display_stand") => Step::Ask("stand_place"),
        ("what", "trade_outside") => Step::Ask("outside_place"),
        ("what", "promotion") => Step::Ask("promo_place"),
        ("what", "other") => done(out_of_scope(
            Permit::Either,
            "不属于五豁免、十允许中已核实的情形，也不在本门户备案范围内。",
            "This is not one of the verified exemptions or allowances, nor a filing this portal takes.",
        )),

        ("shop_ad_count", "one_or_two") => Step::Ask("shop_ad_electronic"),
        ("shop_ad_count", "three_or_more") => done(out_of_scope(
            Ad,
            "每个店面免办的小型广告最多 2 个，超出的广告不在免办范围内。",
            "At most 2 small ads per shop are exempt; any more are not.",
        )),
        ("shop_ad_electronic", "no") => Step::Ask("shop_ad_place"),
        ("shop_ad_electronic", "yes") => {
            done(out_of_scope(Ad, "电子广告不在免办范围内。", "Electronic ads are not exempt."))
        }
        ("shop_ad_place", "own_land" | "filed_area") => done(exempt(pack, "E2", Ad)),
        ("shop_ad_place", "pavement_not_filed") => done(file_cross_store(
            pack,
            Some((
                "店门前的小型广告须在已备案的跨店经营区域内才免于许可和备案（五豁免第二项），请先办理跨店经营备案。",
                "Small ads in front of the shop are exempt only inside a filed cross-storefront area (exemption 2): file for cross-storefront trading first.",
            )),
        )),
        ("shop_ad_place", "elsewhere") => done(out_of_scope(
            Ad,
            "免办的店面广告须在本店自有用地红线内或已备案的跨店经营区域内。",
            "Exempt shop ads must be inside the shop's own land red line or its filed cross-storefront area.",
        )),

        ("public_ad_electronic", "no") => Step::Ask("public_ad_place"),
        ("public_ad_electronic", "yes") => {
            done(out_of_scope(Ad, "电子公益广告不在免办范围内。", "Electronic public-service ads are not exempt."))
        }
        ("public_ad_place", "outside_road") => done(exempt(pack, "E3", Ad)),
        ("public_ad_place", "inside_road") => done(out_of_scope(
            Ad,
            "免办的公益广告须在城市道路红线以外。",
            "Exempt public-service ads must be outside the city-road red line.",
        )),

        ("flags_place", "own_land") => done(exempt(pack, "E4", Ad)),
        ("flags_place", "outside") => done(out_of_scope(
            Ad,
            "罗马旗等临时小型广告只有挂在建筑自有用地红线内才免办；占用道路的还须办理临时占用城市道路许可。",
            "Roman flags and temporary small ads are exempt only inside the building's own land red line; on the road they also need a road-occupation permit.",
        )),

        ("hoarding_electronic", "no") => done(exempt(pack, "E5", Ad)),
        ("hoarding_electronic", "yes") => {
            done(out_of_scope(Ad, "围挡上的电子广告不在免办范围内。", "Electronic ads on hoardings are not exempt."))
        }

        ("sign_street_facing", "yes") => done(exempt(pack, "A1", Ad)),
        ("sign_street_facing", "no") => done(out_of_scope(
            Ad,
            "允许设置特色店招的是临街店面。",
            "The shop-sign allowance is for street-facing shops.",
        )),

        ("poster_content", "own_or_notices") => done(exempt(pack, "A2", Ad)),
        ("poster_content", "other") => done(out_of_scope(
            Ad,
            "允许张贴的海报限于招租、招聘、招商信息和本店商品、形象宣传。",
            "The poster allowance covers letting, recruiting and investment notices and the shop's own products and image only.",
        )),

        ("stand_place", "business_district") => done(exempt(pack, "A3", Road)),
        ("stand_place", "elsewhere") => done(out_of_scope(
            Road,
            "允许摆放宣传展架的范围是商圈和商业街区；在其他公共场地摆放须占用道路。",
            "Display stands are allowed in business districts and commercial streets; elsewhere on public ground they occupy the road.",
        )),

        ("outside_place", "front_pavement") => Step::Ask("outside_trade"),
        ("outside_place", "elsewhere") => done(out_of_scope(
            Road,
            "跨店经营只限本店门前的人行道；在车行道、广场或别处摆放须占用道路。",
            "Cross-storefront trading is only on the pavement in front of the shop; anywhere else occupies the road.",
        )),
        ("outside_trade", t) => match ShopTrade::ALL.into_iter().find(|x| x.as_str() == t) {
            Some(trade) => done(trade_outside(pack, trade)),
            None => Step::Restart,
        },

        ("promo_place", "own_land") => done(file_outdoor_promo(pack)),
        ("promo_place", "public") => done(out_of_scope(
            Road,
            "在人行道、道路或公共广场上举办活动须占用道路，不属于本门户的外摆促销备案。",
            "An event on the pavement, the road or a public square occupies the road and is not an outdoor-promotion filing here.",
        )),

        _ => Step::Restart,
    }
}

/// The permit a shop needs when nothing here covers it.
#[derive(Clone, Copy)]
enum Permit {
    /// 户外广告设施设置许可.
    Ad,
    /// 临时占用城市道路许可.
    Road,
    /// Not known which: both are named.
    Either,
}

const AD_REGULATION: &str = "《厦门经济特区户外广告设施设置管理办法》";

fn out_of_scope(permit: Permit, why_zh: &str, why_en: &str) -> SelfCheckResult {
    let (clause, zh, en) = match permit {
        Permit::Ad => (
            AD_REGULATION.to_string(),
            format!("须按{AD_REGULATION}办理户外广告设施设置许可，本门户不受理；请向所在区城市管理部门咨询。"),
            format!(
                "It needs an outdoor-advertising permit under the Xiamen SEZ outdoor-advertising regulation ({AD_REGULATION}), which this portal does not issue; ask your district's city-management bureau."
            ),
        ),
        Permit::Road => (
            "临时占用城市道路许可".to_string(),
            "须办理临时占用城市道路许可，本门户不受理；请向所在区城市管理部门或市政道路主管部门咨询。".to_string(),
            "It needs a temporary road-occupation permit (临时占用城市道路许可), which this portal does not issue; ask your district's city-management bureau or the roads authority.".to_string(),
        ),
        Permit::Either => (
            format!("{AD_REGULATION}；临时占用城市道路许可"),
            format!(
                "设置户外广告须按{AD_REGULATION}办理许可；占用道路须办理临时占用城市道路许可。本门户不受理，请向所在区城市管理部门咨询。"
            ),
            format!(
                "Outdoor ads need a permit under {AD_REGULATION}; using the road needs a temporary road-occupation permit. This portal issues neither; ask your district's city-management bureau."
            ),
        ),
    };
    SelfCheckResult::Answer {
        outcome: Outcome::NeedsReview,
        rule_id: OUT_OF_SCOPE.to_string(),
        clause,
        message: Text::new(format!("{why_zh}{zh}"), format!("{why_en} {en}")),
        start_filing: None,
    }
}

/// A pack that has dropped the rule no longer grants it.
fn rule_gone(pack: &PolicyPack, id: &str, permit: Permit) -> SelfCheckResult {
    out_of_scope(
        permit,
        &format!("现行政策包（第 {} 版）中没有适用的规则（{id}）。", pack.version),
        &format!("The policy pack in force (version {}) has no rule for this ({id}).", pack.version),
    )
}

/// Nothing to file: the rule's own words say on what terms.
fn exempt(pack: &PolicyPack, id: &str, otherwise: Permit) -> SelfCheckResult {
    let Some(rule) = pack.rule(id) else {
        return rule_gone(pack, id, otherwise);
    };
    SelfCheckResult::Answer {
        outcome: Outcome::Exempt,
        rule_id: rule.id.clone(),
        clause: rule.clause.clone(),
        message: Text::new(
            format!("无需办理（{}）：{}", rule.title.zh, rule.text.zh),
            format!("Nothing to file ({}): {}", rule.title.en, rule.text.en),
        ),
        start_filing: None,
    }
}

fn file_cross_store(pack: &PolicyPack, lead: Option<(&str, &str)>) -> SelfCheckResult {
    let Some(rule) = pack.rule("A-CROSS-STORE") else {
        return rule_gone(pack, "A-CROSS-STORE", Permit::Road);
    };
    let (lead_zh, lead_en) = lead.map(|(z, e)| (z.to_string(), format!("{e} "))).unwrap_or_default();
    SelfCheckResult::Answer {
        outcome: Outcome::Filed,
        rule_id: rule.id.clone(),
        clause: rule.clause.clone(),
        message: Text::new(
            format!(
                "{lead_zh}请在本门户办理跨店经营备案。{}最终结果取决于店门前路段的分类和深度、通行宽度、时段等核对。",
                rule.text.zh
            ),
            format!(
                "{lead_en}File for cross-storefront trading on this portal. {} The final answer depends on your street's class and on the depth, walkway, hours and other checks.",
                rule.text.en
            ),
        ),
        start_filing: Some("cross_store".to_string()),
    }
}

fn trade_outside(pack: &PolicyPack, trade: ShopTrade) -> SelfCheckResult {
    let allowed = &pack.cross_store.allowed_trades;
    match pack.rule("CS-TRADE") {
        Some(rule) if !allowed.contains(&trade) => {
            let zh: Vec<&str> = allowed.iter().map(|t| t.name_zh()).collect();
            let en: Vec<String> = allowed.iter().map(|t| t.name_en().to_lowercase()).collect();
            SelfCheckResult::Answer {
                outcome: Outcome::Rejected,
                rule_id: rule.id.clone(),
                clause: rule.clause.clone(),
                message: Text::new(
                    format!(
                        "「{}」不在可跨店经营的业态（{}）之内，不能在店门外经营。{}",
                        trade.name_zh(),
                        zh.join("、"),
                        rule.text.zh
                    ),
                    format!(
                        "{} is not among the trades that may trade outside the shop ({}). {}",
                        trade.name_en(),
                        en.join(", "),
                        rule.text.en
                    ),
                ),
                start_filing: None,
            }
        }
        _ => file_cross_store(pack, None),
    }
}

fn file_outdoor_promo(pack: &PolicyPack) -> SelfCheckResult {
    let Some(rule) = pack.rule("A-OUTDOOR-PROMO") else {
        return rule_gone(pack, "A-OUTDOOR-PROMO", Permit::Road);
    };
    let p = &pack.outdoor_promo;
    SelfCheckResult::Answer {
        outcome: Outcome::Filed,
        rule_id: rule.id.clone(),
        clause: rule.clause.clone(),
        message: Text::new(
            format!(
                "请在本门户办理外摆促销备案（至少提前 {} 天）。{}最终结果取决于日期、时段、面积和安全承诺等核对；预计超过 {} 人的活动须经审核。",
                p.lead_days, rule.text.zh, p.review_above_visitors
            ),
            format!(
                "File the outdoor promotion on this portal (at least {} days ahead). {} The final answer depends on the dates, hours, area, safety commitments and other checks; events expecting more than {} visitors are reviewed.",
                p.lead_days, rule.text.en, p.review_above_visitors
            ),
        ),
        start_filing: Some("outdoor_promo".to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn xiamen() -> PolicyPack {
        toml::from_str(include_str!("../../../assets/policy/xiamen.toml")).expect("assets/policy/xiamen.toml parses")
    }

    fn answers(pairs: &[(&str, &str)]) -> Vec<SelfCheckAnswer> {
        pairs.iter().map(|(q, v)| SelfCheckAnswer { question: q.to_string(), value: v.to_string() }).collect()
    }

    fn asked(r: &SelfCheckResult) -> (&str, usize) {
        match r {
            SelfCheckResult::Ask { question, asked } => (question.id.as_str(), *asked),
            other => panic!("expected a question, got {other:?}"),
        }
    }

    /// (outcome, rule id, filing form) of an answer.
    fn answered(r: &SelfCheckResult) -> (Outcome, &str, Option<&str>) {
        match r {
            SelfCheckResult::Answer { outcome, rule_id, start_filing, .. } => {
                (*outcome, rule_id.as_str(), start_filing.as_deref())
            }
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    #[test]
    fn starts_with_what_do_you_want_to_do() {
        let r = self_check(&xiamen(), &[]);
        assert_eq!(asked(&r), ("what", 0));
        let SelfCheckResult::Ask { question, .. } = r else { unreachable!() };
        assert_eq!(question.options.len(), 11);
        assert_eq!(question, questions()[0]);
    }

    #[test]
    fn questions_are_well_formed() {
        let qs = questions();
        let mut ids = std::collections::HashSet::new();
        for q in &qs {
            assert!(ids.insert(q.id.clone()), "duplicate question {}", q.id);
            assert!(!q.text.zh.is_empty() && !q.text.en.is_empty(), "{}", q.id);
            assert!(q.options.len() >= 2, "{}", q.id);
            let mut values = std::collections::HashSet::new();
            for o in &q.options {
                assert!(values.insert(o.value.clone()), "{}: duplicate {}", q.id, o.value);
                assert!(!o.text.zh.is_empty() && !o.text.en.is_empty(), "{}.{}", q.id, o.value);
            }
        }
    }

    #[test]
    fn every_path_ends_in_an_answer_within_four_questions() {
        let pack = xiamen();
        let all = questions();
        let mut reached = std::collections::HashSet::new();
        let mut answers_seen = 0;
        // Depth-first over every choice of every question.
        let mut stack: Vec<Vec<(String, String)>> = vec![vec![]];
        while let Some(path) = stack.pop() {
            let given: Vec<SelfCheckAnswer> =
                path.iter().map(|(q, v)| SelfCheckAnswer { question: q.clone(), value: v.clone() }).collect();
            match self_check(&pack, &given) {
                SelfCheckResult::Ask { question, asked } => {
                    assert_eq!(asked, path.len(), "{path:?}");
                    assert!(asked < MAX_DEPTH, "more than {MAX_DEPTH} questions: {path:?}");
                    reached.insert(question.id.clone());
                    for o in &question.options {
                        let mut next = path.clone();
                        next.push((question.id.clone(), o.value.clone()));
                        stack.push(next);
                    }
                }
                SelfCheckResult::Answer { outcome, rule_id, clause, message, start_filing } => {
                    answers_seen += 1;
                    assert!(!clause.trim().is_empty(), "{path:?}");
                    assert!(!message.zh.trim().is_empty() && !message.en.trim().is_empty(), "{path:?}");
                    match outcome {
                        Outcome::Exempt => {
                            let rule = pack.rule(&rule_id).unwrap();
                            assert!(message.zh.contains(&rule.text.zh) && message.en.contains(&rule.text.en));
                            assert_eq!(clause, rule.clause);
                            assert_eq!(start_filing, None);
                        }
                        Outcome::Filed => {
                            assert!(start_filing.is_some(), "{path:?}");
                            assert!(message.zh.contains("取决于"), "the final answer depends on the checks: {path:?}");
                        }
                        Outcome::NeedsReview => {
                            assert_eq!(rule_id, OUT_OF_SCOPE);
                            assert!(
                                message.zh.contains("户外广告设施设置管理办法")
                                    || message.zh.contains("临时占用城市道路许可"),
                                "{message:?}"
                            );
                        }
                        Outcome::Rejected => assert_eq!(rule_id, "CS-TRADE"),
                    }
                }
            }
        }
        let ids: std::collections::HashSet<String> = all.iter().map(|q| q.id.clone()).collect();
        assert_eq!(reached, ids, "every question is asked on some path");
        assert_eq!(answers_seen, 30);
    }

    #[test]
    fn each_answer() {
        use Outcome::*;
        type Case<'a> = (Vec<(&'a str, &'a str)>, (Outcome, &'a str, Option<&'a str>));
        let pack = xiamen();
        let cases: Vec<Case> = vec![
            (vec![("what", "shelter_ad")], (Exempt, "E1", None)),
            (
                vec![
                    ("what", "shop_ad"),
                    ("shop_ad_count", "one_or_two"),
                    ("shop_ad_electronic", "no"),
                    ("shop_ad_place", "own_land"),
                ],
                (Exempt, "E2", None),
            ),
            (
                vec![
                    ("what", "shop_ad"),
                    ("shop_ad_count", "one_or_two"),
                    ("shop_ad_electronic", "no"),
                    ("shop_ad_place", "filed_area"),
                ],
                (Exempt, "E2", None),
            ),
            (
                vec![
                    ("what", "shop_ad"),
                    ("shop_ad_count", "one_or_two"),
                    ("shop_ad_electronic", "no"),
                    ("shop_ad_place", "pavement_not_filed"),
                ],
                (Filed, "A-CROSS-STORE", Some("cross_store")),
            ),
            (
                vec![
                    ("what", "shop_ad"),
                    ("shop_ad_count", "one_or_two"),
                    ("shop_ad_electronic", "no"),
                    ("shop_ad_place", "elsewhere"),
                ],
                (NeedsReview, OUT_OF_SCOPE, None),
            ),
            (
                vec![("what", "shop_ad"), ("shop_ad_count", "one_or_two"), ("shop_ad_electronic", "yes")],
                (NeedsReview, OUT_OF_SCOPE, None),
            ),
            (vec![("what", "shop_ad"), ("shop_ad_count", "three_or_more")], (NeedsReview, OUT_OF_SCOPE, None)),
            (
                vec![("what", "public_ad"), ("public_ad_electronic", "no"), ("public_ad_place", "outside_road")],
                (Exempt, "E3", None),
            ),
            (
                vec![("what", "public_ad"), ("public_ad_electronic", "no"), ("public_ad_place", "inside_road")],
                (NeedsReview, OUT_OF_SCOPE, None),
            ),
            (vec![("what", "public_ad"), ("public_ad_electronic", "yes")], (NeedsReview, OUT_OF_SCOPE, None)),
            (vec![("what", "roman_flags"), ("flags_place", "own_land")], (Exempt, "E4", None)),
            (vec![("what", "roman_flags"), ("flags_place", "outside")], (NeedsReview, OUT_OF_SCOPE, None)),
            (vec![("what", "hoarding_ad"), ("hoarding_electronic", "no")], (Exempt, "E5", None)),
            (vec![("what", "hoarding_ad"), ("hoarding_electronic", "yes")], (NeedsReview, OUT_OF_SCOPE, None)),
            (vec![("what", "shop_sign"), ("sign_street_facing", "yes")], (Exempt, "A1", None)),
            (vec![("what", "shop_sign"), ("sign_street_facing", "no")], (NeedsReview, OUT_OF_SCOPE, None)),
            (vec![("what", "posters"), ("poster_content", "own_or_notices")], (Exempt, "A2", None)),
            (vec![("what", "posters"), ("poster_content", "other")], (NeedsReview, OUT_OF_SCOPE, None)),
            (vec![("what", "display_stand"), ("stand_place", "business_district")], (Exempt, "A3", None)),
            (vec![("what", "display_stand"), ("stand_place", "elsewhere")], (NeedsReview, OUT_OF_SCOPE, None)),
            (
                vec![("what", "trade_outside"), ("outside_place", "front_pavement"), ("outside_trade", "catering")],
                (Filed, "A-CROSS-STORE", Some("cross_store")),
            ),
            (
                vec![("what", "trade_outside"), ("outside_place", "front_pavement"), ("outside_trade", "fresh_food")],
                (Filed, "A-CROSS-STORE", Some("cross_store")),
            ),
            (
                vec![("what", "trade_outside"), ("outside_place", "front_pavement"), ("outside_trade", "services")],
                (Rejected, "CS-TRADE", None),
            ),
            (vec![("what", "trade_outside"), ("outside_place", "elsewhere")], (NeedsReview, OUT_OF_SCOPE, None)),
            (
                vec![("what", "promotion"), ("promo_place", "own_land")],
                (Filed, "A-OUTDOOR-PROMO", Some("outdoor_promo")),
            ),
            (vec![("what", "promotion"), ("promo_place", "public")], (NeedsReview, OUT_OF_SCOPE, None)),
            (vec![("what", "other")], (NeedsReview, OUT_OF_SCOPE, None)),
        ];
        for (path, expected) in cases {
            let r = self_check(&pack, &answers(&path));
            assert_eq!(answered(&r), expected, "{path:?}");
            // One answer short of the end asks the last question again.
            let (last_q, _) = path[path.len() - 1];
            let r = self_check(&pack, &answers(&path[..path.len() - 1]));
            assert_eq!(asked(&r), (last_q, path.len() - 1), "{path:?}");
        }
    }

    #[test]
    fn answers_carry_the_packs_words() {
        let pack = xiamen();
        let r = self_check(
            &pack,
            &answers(&[
                ("what", "shop_ad"),
                ("shop_ad_count", "one_or_two"),
                ("shop_ad_electronic", "no"),
                ("shop_ad_place", "own_land"),
            ]),
        );
        let SelfCheckResult::Answer { clause, message, .. } = r else { panic!() };
        assert_eq!(clause, "五豁免 第二项");
        assert!(message.zh.contains("每店不超过 2 个"), "{}", message.zh);
        // The electronic-ad answer names the regulation whose permit is needed.
        let r = self_check(&pack, &answers(&[("what", "hoarding_ad"), ("hoarding_electronic", "yes")]));
        let SelfCheckResult::Answer { clause, message, .. } = r else { panic!() };
        assert_eq!(clause, "《厦门经济特区户外广告设施设置管理办法》");
        assert!(message.zh.contains("电子广告") && message.en.contains("outdoor-advertising permit"), "{message:?}");
        // The promotion answer quotes the pack's numbers.
        let r = self_check(&pack, &answers(&[("what", "promotion"), ("promo_place", "own_land")]));
        let SelfCheckResult::Answer { message, .. } = r else { panic!() };
        assert!(message.zh.contains("至少提前 3 天") && message.zh.contains("超过 1000 人"), "{}", message.zh);
        // The trade refusal lists what is allowed.
        let r = self_check(
            &pack,
            &answers(&[("what", "trade_outside"), ("outside_place", "front_pavement"), ("outside_trade", "retail")]),
        );
        let SelfCheckResult::Answer { message, .. } = r else { panic!() };
        assert!(
            message.zh.contains("「其他零售」不在可跨店经营的业态（餐饮、服装、鲜花水果、生鲜食品）之内"),
            "{}",
            message.zh
        );
    }

    #[test]
    fn the_pack_decides() {
        // A city that allows retail outside the shop.
        let mut pack = xiamen();
        pack.cross_store.allowed_trades.push(ShopTrade::Retail);
        let path =
            answers(&[("what", "trade_outside"), ("outside_place", "front_pavement"), ("outside_trade", "retail")]);
        assert_eq!(answered(&self_check(&pack, &path)), (Outcome::Filed, "A-CROSS-STORE", Some("cross_store")));
        // A pack without exemption 1 no longer grants it.
        pack.rules.retain(|r| r.id != "E1");
        pack.version = 2;
        let r = self_check(&pack, &answers(&[("what", "shelter_ad")]));
        assert_eq!(answered(&r), (Outcome::NeedsReview, OUT_OF_SCOPE, None));
        let SelfCheckResult::Answer { message, .. } = r else { panic!() };
        assert!(message.zh.contains("第 2 版") && message.zh.contains("E1"), "{}", message.zh);
    }

    #[test]
    fn unknown_questions_or_values_restart() {
        let pack = xiamen();
        for bad in [
            answers(&[("what", "buy_a_cart")]),
            answers(&[("colour", "red")]),
            answers(&[("what", "shop_ad"), ("shop_ad_count", "seven")]),
            answers(&[("what", "promotion"), ("promo_place", "own_land"), ("", "")]),
        ] {
            assert_eq!(asked(&self_check(&pack, &bad)), ("what", 0), "{bad:?}");
        }
    }

    #[test]
    fn changed_answers_and_stale_branches() {
        let pack = xiamen();
        // Went down the ad branch, went back and chose a promotion: the ad answers are ignored.
        let path = answers(&[
            ("what", "shop_ad"),
            ("shop_ad_count", "one_or_two"),
            ("what", "promotion"),
            ("promo_place", "own_land"),
        ]);
        assert_eq!(answered(&self_check(&pack, &path)), (Outcome::Filed, "A-OUTDOOR-PROMO", Some("outdoor_promo")));
        // Answers in any order.
        let path = answers(&[("flags_place", "own_land"), ("what", "roman_flags")]);
        assert_eq!(answered(&self_check(&pack, &path)), (Outcome::Exempt, "E4", None));
        // An answer to a question not reached yet does not skip the one in between.
        let path = answers(&[("what", "shop_ad"), ("shop_ad_place", "own_land")]);
        assert_eq!(asked(&self_check(&pack, &path)), ("shop_ad_count", 1));
    }

    #[test]
    fn wire_format() {
        let pack = xiamen();
        let v = serde_json::to_value(self_check(&pack, &[])).unwrap();
        assert_eq!(v["step"], "ask");
        assert_eq!(v["asked"], 0);
        assert_eq!(v["question"]["id"], "what");
        assert_eq!(v["question"]["options"][0]["value"], "shelter_ad");
        let r = self_check(&pack, &answers(&[("what", "promotion"), ("promo_place", "own_land")]));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["step"], "answer");
        assert_eq!(v["outcome"], "filed");
        assert_eq!(v["start_filing"], "outdoor_promo");
        let back: SelfCheckResult = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
        let a: SelfCheckAnswer = serde_json::from_str(r#"{"question":"what","value":"other"}"#).unwrap();
        assert_eq!(answered(&self_check(&pack, &[a])).1, OUT_OF_SCOPE);
    }
}

//! Every kind of notice the portal sends: who receives it, its title and text message in both
//! languages, and where its link goes. The server writes a notice from this table whenever the
//! state change it names happens; the table is also printed in `docs/notices.md` (kept equal by
//! a test), and a test drives every named change and fails when one produces no notice.
//!
//! Texts are short: a Chinese text message segment holds 70 characters. They say what happened,
//! what to do and by when, and never carry an ID number.

use crate::Text;

/// One kind of notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeKind {
    /// Stable code, stored with each notice (`notifications.kind`).
    pub code: &'static str,
    /// The state change that sends it.
    pub when: &'static str,
    /// Who receives it.
    pub to: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// The text message (and inbox body), with `{name}` placeholders.
    pub sms_zh: &'static str,
    pub sms_en: &'static str,
    /// Where its link opens, with `{name}` placeholders.
    pub link: &'static str,
    /// Sent even in quiet hours (account security).
    pub urgent: bool,
}

macro_rules! kinds {
    ($($code:literal, $when:literal, $to:literal, $tz:literal, $te:literal, $sz:literal, $se:literal, $link:literal, $urgent:literal;)*) => {
        /// The table, in the order a case meets them.
        pub const KINDS: &[NoticeKind] = &[
            $(NoticeKind { code: $code, when: $when, to: $to, title_zh: $tz, title_en: $te, sms_zh: $sz, sms_en: $se, link: $link, urgent: $urgent },)*
        ];
    };
}

kinds! {
    "application.submitted", "a vendor submits (or resubmits) a stall application", "the applicant",
        "已收到摊位申请", "Stall application received",
        "已收到您的摊位申请{case}，将在{deadline}前审核。", "We received your stall application {case}; it will be reviewed by {deadline}.",
        "/apply", false;
    "application.returned", "an officer returns the application for correction", "the applicant",
        "摊位申请需要补正", "Stall application returned for correction",
        "您的摊位申请{case}需补正：{items}。请登录修改后重新提交。", "Your stall application {case} needs correcting: {items}. Sign in to correct and resubmit it.",
        "/apply", false;
    "application.eligible", "an officer finds the application eligible", "the applicant",
        "摊位申请审核通过", "Stall application found eligible",
        "您的摊位申请{case}已审核通过，将参加下一批摇号。", "Your stall application {case} is eligible and will enter the next draw.",
        "/apply", false;
    "application.ineligible", "an officer finds the application not eligible", "the applicant",
        "摊位申请不符合条件", "Stall application not eligible",
        "您的摊位申请{case}不符合条件：{reason}。有异议可在15日内向区城管提出。", "Your stall application {case} is not eligible: {reason}. You may object to the district within 15 days.",
        "/apply", false;
    "round.listed", "a round's list is frozen with the application on it", "the applicant",
        "已进入摇号名单", "You are on the draw list",
        "您的申请已进入第{round}批摇号名单，摇号编号{number}。公布的名单和结果只显示编号，可在批次页面核对。", "Your application is on the list of draw {round} as {number}. The published list and results show only numbers; check yours on the round page.",
        "/rounds/{round}", false;
    "round.placed", "the draw gives the applicant a stall", "the applicant",
        "摇号结果：已摇中摊位", "Draw result: you were given a stall",
        "摇号结果：您摇中{zone}{stall}号摊位，公示至{date}，之后请按通知确认。", "Draw result: you were given stall {stall} at {zone}; on notice until {date}, then confirm it when told.",
        "/rounds/{round}", false;
    "round.waitlisted", "the draw puts the applicant on the waiting list", "the applicant",
        "摇号结果：进入轮候名单", "Draw result: on the waiting list",
        "摇号结果：您在轮候名单第{position}位，有摊位空出时按顺序通知。", "Draw result: you are number {position} on the waiting list; you will be told in turn when a stall frees up.",
        "/rounds/{round}", false;
    "offer.made", "a stall is offered (round confirmed, or down the waiting list)", "the applicant",
        "请确认摊位", "Confirm your stall",
        "请在{deadline}前确认{zone}{stall}号摊位：回复“{code} 1”接受，“{code} 2”放弃。", "Confirm stall {stall} at {zone} by {deadline}: reply \"{code} 1\" to accept, \"{code} 2\" to decline.",
        "/apply", false;
    "offer.reminder", "48 hours before an offer lapses", "the applicant",
        "摊位确认即将到期", "Your stall offer ends soon",
        "提醒：{zone}{stall}号摊位请在{deadline}前确认，回复“{code} 1”接受，逾期视为放弃。", "Reminder: confirm stall {stall} at {zone} by {deadline}; reply \"{code} 1\" to accept, or it lapses.",
        "/apply", false;
    "offer.lapsed", "an offer passes its deadline unanswered", "the applicant",
        "摊位确认已逾期", "Stall offer lapsed",
        "{zone}{stall}号摊位未在期限内确认，已视为放弃。", "Stall {stall} at {zone} was not confirmed in time and has lapsed.",
        "/apply", false;
    "offer.accepted", "the applicant accepts an offer (on the web or by text)", "the applicant",
        "已接受摊位", "Stall accepted",
        "已接受{zone}{stall}号摊位，许可证可在摊规通下载。", "You accepted stall {stall} at {zone}; download the permit from Tangui.",
        "/permits", false;
    "offer.declined", "the applicant declines an offer (on the web or by text)", "the applicant",
        "已放弃摊位", "Stall declined",
        "已放弃{zone}{stall}号摊位。", "You declined stall {stall} at {zone}.",
        "/apply", false;
    "filing.filed", "a shop's filing takes effect on receipt", "the shop",
        "备案已生效", "Filing in effect",
        "您的{kind}备案{case}已生效，凭证可在摊规通下载。", "Your {kind} filing {case} is in effect; download the certificate from Tangui.",
        "/filings/{id}", false;
    "filing.submitted", "a shop's filing goes to an officer for review", "the shop",
        "备案已受理，待审核", "Filing received for review",
        "已收到您的{kind}备案{case}，将在{deadline}前审核。", "We received your {kind} filing {case}; it will be reviewed by {deadline}.",
        "/filings/{id}", false;
    "filing.approved", "an officer approves a filing", "the shop",
        "备案审核通过", "Filing approved",
        "您的{kind}备案{case}已通过审核，凭证可在摊规通下载。", "Your {kind} filing {case} was approved; download the certificate from Tangui.",
        "/filings/{id}", false;
    "filing.returned", "an officer returns a filing for correction", "the shop",
        "备案需要补正", "Filing returned for correction",
        "您的{kind}备案{case}需补正：{items}。", "Your {kind} filing {case} needs correcting: {items}.",
        "/filings/{id}", false;
    "filing.rejected", "a filing is refused (by the rules or by an officer)", "the shop",
        "备案不予办理", "Filing not allowed",
        "您的{kind}备案{case}不予办理：{reason}", "Your {kind} filing {case} is not allowed: {reason}",
        "/filings/{id}", false;
    "filing.revoked", "an officer revokes a filing after an inspection", "the shop",
        "备案已撤销", "Filing revoked",
        "您的{kind}备案{case}已撤销：{reason}", "Your {kind} filing {case} was revoked: {reason}",
        "/filings/{id}", false;
    "permit.violation", "an inspection records a violation", "the permit holder",
        "检查发现违规", "Violation recorded",
        "{detail}可在15日内申诉。", "{detail} You may appeal within 15 days.",
        "/permits/{id}", false;
    "permit.appeal", "an officer decides an appeal", "the permit holder",
        "申诉处理结果", "Appeal decided",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.suspended", "points reach the suspension line", "the permit holder",
        "许可已暂停", "Permit suspended",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.reinstated", "points fall below the suspension line again", "the permit holder",
        "许可已恢复", "Permit reinstated",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.revoked", "an admin revokes a permit", "the permit holder",
        "许可已撤销", "Permit revoked",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.reminder", "a permit nears its end", "the permit holder",
        "许可即将到期", "Permit ends soon",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.expired", "a permit ends", "the permit holder",
        "许可已到期", "Permit expired",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.ended", "the zone of a stall permit closes or reaches its end date", "the permit holder",
        "许可已终止", "Permit ended",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.renewed", "a permit is renewed", "the permit holder",
        "许可已续期", "Permit renewed",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.helper", "an officer approves or refuses a registered helper", "the permit holder",
        "帮工登记结果", "Helper decided",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.review", "a subletting review of a permit opens or closes", "the permit holder",
        "转租核查", "Subletting review",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "permit.transfer", "an officer decides a transfer", "both sides of the transfer",
        "转让处理结果", "Transfer decided",
        "{detail}", "{detail}",
        "/permits/{id}", false;
    "complaint", "an officer updates a report (with a signed-in reporter)", "the reporter",
        "您反映的问题有进展", "Your report was updated",
        "{detail}", "{detail}",
        "/complaints/{token}", false;
    "account.password_changed", "the password of an account changes", "the account holder",
        "密码已修改", "Password changed",
        "您的摊规通密码已修改。如非本人操作，请立即联系区城管。", "Your Tangui password was changed. If this was not you, contact the district office now.",
        "/account", true;
    "account.new_signin", "an account signs in from a device it has not used before", "the account holder",
        "新设备登录", "New sign-in",
        "您的摊规通账号在新设备上登录（{when}）。如非本人操作，请立即修改密码。", "Your Tangui account signed in on a new device ({when}). If this was not you, change your password now.",
        "/account", true;
    "account.moved_away", "an officer at a service counter moves an account to its ID holder's phone", "the phone that held the account",
        "账号已转出", "Account moved",
        "身份证持有人已在服务窗口核验身份，本摊规通账号已转到其手机号，您在此号码上的登录已结束。如有疑问请联系区城管。", "The ID card holder proved who they are at a service counter; this Tangui account has moved to their phone and your sign-ins have ended. Questions: contact the district office.",
        "/login", true;
    "account.reclaimed", "an officer at a service counter moves an account to its ID holder's phone", "the ID holder, on the proven phone",
        "账号已找回", "Account recovered",
        "您已在服务窗口找回摊规通账号，登录名为本手机号。请在登录页点“忘记密码”设置新密码。", "You recovered your Tangui account at the service counter; sign in with this phone number. Use \"Forgot password\" on the sign-in page to set a new password.",
        "/login", true;
    "account.taken_over", "a person filed for at a service counter takes the account over with their phone", "the account holder, on the proven phone",
        "账号已接管", "Account taken over",
        "您已接管服务窗口为您开设的摊规通账号，登录名为本手机号。以后的通知都会发到本手机，之前的办理记录都在“我的申请”里。", "You have taken over the Tangui account the service counter opened for you; sign in with this phone number. Notices now come to this phone, and everything done so far is under My applications.",
        "/apply", true;
    "account.phone_changed", "a vendor or shop moves their account to a new phone", "the phone that held the account",
        "手机号已更换", "Phone number changed",
        "您的摊规通账号已改用另一个手机号，本号码不再接收通知。如非本人操作，请立即联系区城管。", "Your Tangui account now uses another phone number; this one gets no more notices. If this was not you, contact the district office now.",
        "/account", true;
    "sms.reply", "a text from the account's phone is answered", "the sender",
        "短信回复", "Reply to your text",
        "{detail}", "{detail}",
        "/apply", true;
}

/// The kind with this code.
pub fn kind(code: &str) -> Option<&'static NoticeKind> {
    KINDS.iter().find(|k| k.code == code)
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// A notice ready to store: title, text (inbox body and text message) and link.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub title: Text,
    pub text: Text,
    pub link: String,
}

impl NoticeKind {
    /// Fills the templates. `vars` give the same value in both languages; `vars_en` override it
    /// in English (a reason typed in Chinese stays Chinese; a trade has an English name).
    pub fn render(&self, vars: &[(&str, &str)], vars_en: &[(&str, &str)]) -> Rendered {
        let en: Vec<(&str, &str)> = vars
            .iter()
            .map(|(k, v)| (*k, vars_en.iter().find(|(x, _)| x == k).map(|(_, e)| *e).unwrap_or(v)))
            .collect();
        Rendered {
            title: Text::new(self.title_zh, self.title_en),
            text: Text::new(fill(self.sms_zh, vars), fill(self.sms_en, &en)),
            link: fill(self.link, vars),
        }
    }
}

/// The table as Markdown (what `docs/notices.md` holds).
pub fn table_markdown() -> String {
    let mut out = String::from(
        "# Notices\n\nEvery notice the portal sends, to the in-app inbox and as a text message. \
         Generated from `common/src/notice.rs` (a test keeps this file equal to it).\n\n\
         | code | sent when | to | title (zh / en) | text (zh / en) | link | quiet hours |\n|---|---|---|---|---|---|---|\n",
    );
    for k in KINDS {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} / {} | {} / {} | `{}` | {} |\n",
            k.code,
            k.when,
            k.to,
            k.title_zh,
            k.title_en,
            k.sms_zh,
            k.sms_en.replace('|', "\\|"),
            k.link,
            if k.urgent { "sent anyway" } else { "held until 08:00" }
        ));
    }
    out
}

/// What a text from a vendor's phone asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// "{code} 1": accept the offer with this code.
    Accept(i64),
    /// "{code} 2": decline it.
    Decline(i64),
    /// "查询" / "CX": the state of my case.
    Status,
    /// Anything else: answered with how to use it.
    Unknown,
}

/// Reads a text message: full-width digits and spaces as people type them on a phone.
pub fn parse_inbound(text: &str) -> Inbound {
    let normal: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '　' | ',' | '，' | '.' | '。' | '-' | '#' | '*' => ' ',
            c => c,
        })
        .collect();
    let t = normal.trim();
    if ["查询", "查", "CX", "cx"].contains(&t) {
        return Inbound::Status;
    }
    let parts: Vec<&str> = t.split_whitespace().collect();
    match parts.as_slice() {
        [code, action] => match (code.parse::<i64>(), *action) {
            (Ok(c), "1") if c > 0 => Inbound::Accept(c),
            (Ok(c), "2") if c > 0 => Inbound::Decline(c),
            _ => Inbound::Unknown,
        },
        _ => Inbound::Unknown,
    }
}

/// A phone number as the gateway gives it, as the account stores it: the 11 digits, without
/// `+86`, `0086` or spaces.
pub fn normalize_phone(raw: &str) -> String {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    let d =
        digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86").filter(|r| r.len() == 11)).unwrap_or(&digits);
    d.to_string()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn every_kind_is_unique_and_says_something_in_both_languages() {
        let mut codes = std::collections::HashSet::new();
        for k in KINDS {
            assert!(codes.insert(k.code), "{} twice", k.code);
            assert!(!k.sms_zh.is_empty() && !k.sms_en.is_empty() && !k.title_zh.is_empty() && !k.title_en.is_empty());
            // Placeholders are the same in both languages.
            let holes = |s: &str| {
                let mut v: Vec<String> =
                    s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|x| x.0.to_string())).collect();
                v.sort();
                v
            };
            assert_eq!(holes(k.sms_zh), holes(k.sms_en), "{}", k.code);
            // One text message segment (70 Chinese characters) before the values are filled in.
            assert!(k.sms_zh.chars().count() <= 70, "{} is {} characters", k.code, k.sms_zh.chars().count());
        }
    }

    #[test]
    fn rendering_fills_both_languages() {
        let r = kind("offer.made").unwrap().render(
            &[("deadline", "12月8日17:00"), ("zone", "中山路摊规点"), ("stall", "A-12"), ("code", "345")],
            &[("deadline", "8 Dec 17:00"), ("zone", "Zhongshan Road zone")],
        );
        assert_eq!(r.text.zh, "请在12月8日17:00前确认中山路摊规点A-12号摊位：回复“345 1”接受，“345 2”放弃。");
        assert!(r.text.en.contains("Zhongshan Road zone") && r.text.en.contains("\"345 1\""), "{}", r.text.en);
        assert_eq!(r.link, "/apply");
    }

    /// `docs/notices.md` is this table; `TANGUI_WRITE_DOCS=1 cargo test -p common notice` rewrites it.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_table_in_the_repo_is_this_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/notices.md");
        let want = table_markdown();
        if std::env::var("TANGUI_WRITE_DOCS").is_ok() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(have == want, "docs/notices.md is out of date: TANGUI_WRITE_DOCS=1 cargo test -p common notice");
    }

    #[test]
    fn texts_from_phones_are_read_as_people_type_them() {
        assert_eq!(parse_inbound("345 1"), Inbound::Accept(345));
        assert_eq!(parse_inbound(" ３４５　２ "), Inbound::Decline(345));
        assert_eq!(parse_inbound("345，1"), Inbound::Accept(345));
        assert_eq!(parse_inbound("查询"), Inbound::Status);
        assert_eq!(parse_inbound("345 3"), Inbound::Unknown);
        assert_eq!(parse_inbound("hello"), Inbound::Unknown);
        assert_eq!(normalize_phone("+86 138-0000-0001"), "13800000001");
        assert_eq!(normalize_phone("008613800000001"), "13800000001");
        assert_eq!(normalize_phone("13800000001"), "13800000001");
    }
}

//! How long personal data is kept (PIPL Art. 19, 47; GB/T 35273-2020 6.1): the table below is
//! the one place that says it, the README prints it (a test keeps the two the same), and the
//! scheduled job `retention.apply` deletes what is due. Records of the city's decisions (permits,
//! inspections, application outcomes, the audit log) are kept, without the documents.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::app::App;
use crate::clock::now;
use crate::db::DbConn;
use crate::db::schema::{
    application_documents as docs, complaints, login_failures, outbox, sms_inbound, stall_applications as apps,
};
use crate::error::AppResult;

/// One kind of personal data and how long it is kept.
pub struct Rule {
    pub name: &'static str,
    pub what_zh: &'static str,
    pub what_en: &'static str,
    /// Days after `from_en` when it is deleted.
    pub days: i64,
    pub from_zh: &'static str,
    pub from_en: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        name: "documents_without_stall",
        what_zh: "未获摊位申请的证件材料（身份证、健康证、困难证明等）",
        what_en: "Documents of applications that ended without a stall (ID card, health certificate, proofs)",
        days: 30,
        from_zh: "申请终结（不符合条件、撤回、放弃、逾期）",
        from_en: "the application ended (ineligible, withdrawn, declined, expired)",
    },
    Rule {
        name: "documents_of_abandoned_drafts",
        what_zh: "长期未提交的草稿中的证件材料",
        what_en: "Documents of drafts never submitted",
        days: 180,
        from_zh: "草稿最后一次修改",
        from_en: "the draft was last changed",
    },
    Rule {
        name: "reporter_contacts",
        what_zh: "举报人留下的联系方式",
        what_en: "The contact a reporter left",
        days: 180,
        from_zh: "举报办结",
        from_en: "the report was closed",
    },
    Rule {
        name: "text_numbers",
        what_zh: "短信发送记录中的手机号（短信内容和状态随案卷保留）",
        what_en: "Phone numbers in the record of texts sent (the text and its state stay with the case)",
        days: 90,
        from_zh: "短信发出或放弃",
        from_en: "the text was sent or given up",
    },
    Rule {
        name: "texts_received",
        what_zh: "收到的短信（回复“1 1”等）",
        what_en: "Texts received (replies such as \"1 1\")",
        days: 365,
        from_zh: "收到短信",
        from_en: "the text arrived",
    },
    Rule {
        name: "failed_sign_ins",
        what_zh: "登录失败记录（含来源地址）",
        what_en: "Failed sign-ins (with the address they came from)",
        days: 30,
        from_zh: "登录失败",
        from_en: "the failed sign-in",
    },
];

fn cutoff(name: &str, at: NaiveDateTime) -> NaiveDateTime {
    let rule = RULES.iter().find(|r| r.name == name).expect("a rule of the table");
    at - Duration::days(rule.days)
}

/// Deletes the documents of applications in `statuses` unchanged since `before` (their files go
/// with the next `files::sweep`).
fn drop_documents(c: &mut DbConn, statuses: &[&str], before: NaiveDateTime) -> AppResult<usize> {
    let due: Vec<i64> =
        apps::table.filter(apps::status.eq_any(statuses).and(apps::updated_at.lt(before))).select(apps::id).load(c)?;
    Ok(diesel::delete(docs::table.filter(docs::application_id.eq_any(&due))).execute(c)?)
}

/// Applies every rule once; returns how many rows it changed.
pub async fn apply_due(app: &App) -> AppResult<usize> {
    let at = now();
    app.db
        .write(move |c| {
            let a = drop_documents(
                c,
                &["ineligible", "withdrawn", "declined", "expired"],
                cutoff("documents_without_stall", at),
            )?;
            let b = drop_documents(c, &["draft"], cutoff("documents_of_abandoned_drafts", at))?;
            let contacts = diesel::update(
                complaints::table
                    .filter(complaints::contact.ne(""))
                    .filter(complaints::closed_at.lt(cutoff("reporter_contacts", at))),
            )
            .set(complaints::contact.eq(""))
            .execute(c)?;
            let since = cutoff("text_numbers", at);
            let numbers = diesel::update(
                outbox::table
                    .filter(outbox::recipient_sealed.ne(""))
                    .filter(outbox::status.eq_any(["sent", "delivered", "logged", "dead"]))
                    .filter(outbox::sent_at.lt(since).or(outbox::sent_at.is_null().and(outbox::created_at.lt(since)))),
            )
            .set((outbox::recipient_sealed.eq(""), outbox::recipient.eq("")))
            .execute(c)?;
            let received =
                diesel::delete(sms_inbound::table.filter(sms_inbound::received_at.lt(cutoff("texts_received", at))))
                    .execute(c)?;
            let failures =
                diesel::delete(login_failures::table.filter(login_failures::at.lt(cutoff("failed_sign_ins", at))))
                    .execute(c)?;
            Ok(a + b + contacts + numbers + received + failures)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::RULES;

    /// The README's retention table lists exactly these rules, with the same periods.
    #[test]
    fn the_readme_prints_the_retention_table() {
        let readme = include_str!("../../../README.md");
        for r in RULES {
            let line = readme
                .lines()
                .find(|l| l.contains(&format!("`{}`", r.name)))
                .unwrap_or_else(|| panic!("{} is not in the README's retention table", r.name));
            assert!(line.contains(&format!("| {} days |", r.days)), "{}: {line}", r.name);
        }
        let listed = readme.lines().filter(|l| l.starts_with("| `") && l.contains(" days |")).count();
        assert_eq!(listed, RULES.len(), "the README lists rules the code does not have");
    }
}

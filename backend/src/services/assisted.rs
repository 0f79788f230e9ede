//! Assisted service at a district service counter (服务窗口代办). An officer, with the person and
//! their ID card in front of them, opens an account for someone who has no phone or cannot use
//! one; the person's consent is the photo of the form they signed (and a texted code when they
//! have a phone). The officer then files for them in a session that acts for the account: every
//! step is recorded as done at the counter, by whom. The person is handed a one-page receipt with
//! a takeover code; with it and a phone of their own they take the account over later. Until
//! then their notices wait in the counter's queue to be printed or called out.

use chrono::Duration;
use common::District;
use common::dto::assisted::{
    ActingFor, AssistedAccount, AssistedAccountRequest, CounterNotice, HandedHow, TAKEOVER_ALPHABET,
    TAKEOVER_CODE_DAYS, TakeoverRequest, normalise_takeover_code,
};
use common::validate::check_mobile;
use common::{Role, mask};
use diesel::prelude::*;
use serde_json::json;
use sha2::Digest;

use crate::app::App;
use crate::auth::codes::{self, Purpose};
use crate::auth::{Actor, rand_bytes::random_hex};
use crate::clock::{now, today};
use crate::db::DbConn;
use crate::db::schema::{assisted_accounts as aa, evidence, notifications as n, users};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::session::Session;
use crate::models::user::{NewUser, User};
use crate::services::notices::{Notice, notify};

/// The counter officer of a district (admins have no counter).
fn counter_officer(actor: &Actor) -> AppResult<District> {
    match (actor.role, actor.district) {
        (Role::DistrictOfficer, Some(d)) if actor.assisted_by.is_none() => Ok(d),
        _ => Err(AppError::Forbidden),
    }
}

/// The account an officer's session acts for, when it may: an account opened at a counter of
/// the officer's district and not yet taken over by its holder.
pub fn acting_actor(c: &mut DbConn, officer: &Actor, person: i64) -> AppResult<Option<Actor>> {
    let Some(district) = officer.district.filter(|_| officer.role == Role::DistrictOfficer) else { return Ok(None) };
    let row: Option<(String, bool)> = aa::table
        .inner_join(users::table.on(users::id.eq(aa::user_id)))
        .filter(aa::user_id.eq(person))
        .filter(aa::district_code.eq(district.code()))
        .filter(aa::taken_over_at.is_null())
        .select((users::role, users::disabled))
        .first(c)
        .optional()?;
    Ok(row.filter(|(_, disabled)| !disabled).map(|(role, _)| Actor {
        user_id: person,
        role: Role::parse(&role).unwrap_or(Role::Vendor),
        district: None,
        session_id: officer.session_id,
        assisted_by: Some(officer.user_id),
    }))
}

/// Who is acting, for the banner the acting officer sees on every page.
pub fn acting_for(c: &mut DbConn, actor: &Actor) -> AppResult<Option<ActingFor>> {
    let Some(officer) = actor.assisted_by else { return Ok(None) };
    let name: String = users::table.find(officer).select(users::display_name).get_result(c)?;
    let counter: String = aa::table.find(actor.user_id).select(aa::counter).get_result(c)?;
    Ok(Some(ActingFor { officer: name, counter }))
}

/// Counter accounts as the counter sees them, newest first, in one query.
fn views(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<AssistedAccount>> {
    let rows: Vec<(i64, String, String, bool, chrono::NaiveDateTime)> = aa::table
        .inner_join(users::table.on(users::id.eq(aa::user_id)))
        .filter(aa::user_id.eq_any(ids))
        .order(aa::created_at.desc())
        .select((aa::user_id, users::display_name, aa::counter, aa::phone_proven, aa::created_at))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, display_name, counter, phone_proven, created_at)| AssistedAccount {
            user_id,
            display_name,
            phone_proven,
            counter,
            created_at,
        })
        .collect())
}

fn to_view(c: &mut DbConn, user_id: i64) -> AppResult<AssistedAccount> {
    views(c, &[user_id])?.pop().ok_or(AppError::NotFound)
}

/// Opens the account and starts acting for it in the officer's session.
pub async fn open_account(app: &App, officer: &Actor, req: AssistedAccountRequest) -> AppResult<AssistedAccount> {
    let district = counter_officer(officer)?;
    AppError::check(req.validate(today()))?;
    let phone = check_mobile(&req.phone);
    let code_id = match &phone {
        Some(p) => {
            let (p, code, v) = (p.clone(), req.code.trim().to_string(), app.vault.clone());
            Some(app.db.write(move |c| codes::check(c, &v, &p, Purpose::Consent, &code, now())).await?.into_result()?)
        }
        None => None,
    };
    // Nobody signs in with this password: the person sets their own when they take over.
    let hash = app.hasher.hash(random_hex(24)).await?;
    let (by, sid, vault) = (officer.user_id, officer.session_id, app.vault.clone());
    let id_number = req.id_number.trim().to_ascii_uppercase();
    // A shop's account is the shop's (its credit code); the person is its contact, and their ID
    // number, checked in person, is not kept on it (as when a shop registers itself).
    let shop = req.shop.as_ref().map(|s| (s.shop_name.trim().to_string(), s.credit_code.trim().to_ascii_uppercase()));
    app.db
        .write(move |c| {
            let t = now();
            let photo = req.consent_photo.unwrap_or_default();
            let uploader: Option<Option<i64>> =
                evidence::table.find(photo).select(evidence::uploaded_by).first(c).optional()?;
            if uploader != Some(Some(by)) {
                return Err(AppError::field(
                    "consent_photo",
                    "not_found",
                    "没有找到这张同意书照片，请重新拍摄上传",
                    "That consent photo was not found; take and upload it again",
                ));
            }
            if let Some(id) = code_id {
                codes::spend(c, id, t)?;
            }
            // The officer has the ID card in hand, so saying the number has an account tells
            // nothing new; the way on is to act for that account or reclaim it.
            if let Some((_, credit)) = &shop
                && User::exists_with_credit_code(c, credit)?
            {
                return Err(AppError::field(
                    "credit_code",
                    "already_registered",
                    "这个统一社会信用代码已有账号：如是本窗口开过，请在名单中继续代办；否则请按“找回账号”办理",
                    "This credit code already has an account: continue it from the list if this counter opened it, or reclaim it",
                ));
            }
            if shop.is_none() && User::exists_with_id_number(c, &vault, &id_number)? {
                return Err(AppError::field(
                    "id_number",
                    "already_registered",
                    "这个身份证号已有账号：如是本人在窗口开过，请在下方名单中继续代办；否则请按“找回账号”办理",
                    "This ID number already has an account: continue it from the list below if this counter opened it, or reclaim it",
                ));
            }
            if let Some(p) = &phone
                && User::find_by_phone(c, &vault, p)?.is_some()
            {
                return Err(AppError::field(
                    "phone",
                    "already_registered",
                    "这个手机号已有账号，请本人直接登录",
                    "This phone already has an account; the person can sign in",
                ));
            }
            let login = match &phone {
                Some(p) => p.clone(),
                None => format!("counter-{}", random_hex(8)),
            };
            let uid = NewUser {
                role: if shop.is_some() { Role::Merchant.as_str() } else { Role::Vendor.as_str() },
                login: &login,
                display_name: shop.as_ref().map(|s| s.0.as_str()).unwrap_or(req.real_name.trim()),
                phone: phone.as_deref(),
                id_number: shop.is_none().then_some(id_number.as_str()),
                credit_code: shop.as_ref().map(|s| s.1.as_str()),
                contact_name: shop.as_ref().map(|_| req.real_name.trim()),
                district_code: None,
                password_hash: &hash,
                disabled: false,
                created_at: t,
                password_changed_at: t,
            }
            .insert(c, &vault)?;
            diesel::insert_into(aa::table)
                .values((
                    aa::user_id.eq(uid),
                    aa::officer_id.eq(by),
                    aa::district_code.eq(district.code()),
                    aa::counter.eq(req.counter.trim()),
                    aa::consent_evidence_id.eq(photo),
                    aa::phone_proven.eq(phone.is_some()),
                    aa::created_at.eq(t),
                ))
                .execute(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "account.opened_at_counter",
                "user",
                &uid.to_string(),
                json!({ "counter": req.counter.trim(), "district": district.code(), "consent_photo": photo,
                        "id_card_checked": true, "phone_proven": phone.is_some(), "shop": shop.is_some() }),
            )?;
            Session::set_acting_for(c, sid, Some(uid))?;
            to_view(c, uid)
        })
        .await
}

/// The accounts this district's counter looks after (not yet taken over), newest first.
pub async fn list(app: &App, officer: &Actor) -> AppResult<Vec<AssistedAccount>> {
    let district = counter_officer(officer)?;
    app.db
        .run(move |c| {
            let ids: Vec<i64> = aa::table
                .filter(aa::district_code.eq(district.code()).and(aa::taken_over_at.is_null()))
                .order(aa::created_at.desc())
                .select(aa::user_id)
                .limit(200)
                .load(c)?;
            views(c, &ids)
        })
        .await
}

/// Starts acting for an account (the person is back at the counter).
pub async fn act(app: &App, officer: &Actor, person: i64) -> AppResult<AssistedAccount> {
    counter_officer(officer)?;
    let o = officer.clone();
    app.db
        .write(move |c| {
            if acting_actor(c, &o, person)?.is_none() {
                return Err(AppError::NotFound);
            }
            Session::set_acting_for(c, o.session_id, Some(person))?;
            audit::record(c, now(), Some(o.user_id), "account.counter_acting", "user", &person.to_string(), json!({}))?;
            to_view(c, person)
        })
        .await
}

/// The officer is done filing for the person; the session is the officer's own again.
pub async fn stop_acting(app: &App, actor: &Actor) -> AppResult<()> {
    if actor.assisted_by.is_none() {
        return Err(AppError::conflict("not-acting", "当前没有在代办", "You are not filing for anyone"));
    }
    let sid = actor.session_id;
    app.db.write(move |c| Ok(Session::set_acting_for(c, sid, None)?)).await.map(|_| ())
}

fn takeover_hash(code: &str) -> String {
    hex::encode(sha2::Sha256::digest(format!("takeover:{}", normalise_takeover_code(code)).as_bytes()))
}

/// Eight characters from an alphabet without look-alikes, drawn without bias.
fn new_takeover_code() -> String {
    let mut out = String::new();
    while out.len() < 8 {
        let mut b = [0u8; 1];
        getrandom::fill(&mut b).expect("the OS random source is available");
        // 31 letters: accept bytes below 248 (= 8 × 31) so each is equally likely.
        if b[0] < 248 {
            out.push(TAKEOVER_ALPHABET[(b[0] % 31) as usize] as char);
        }
    }
    format!("{}-{}", &out[..4], &out[4..])
}

/// Issues a fresh takeover code for a receipt (an earlier receipt's code stops working), when
/// the acting officer prints it. `None` when the account is not looked after by a counter.
pub fn issue_takeover_code(c: &mut DbConn, actor: &Actor) -> AppResult<Option<(String, chrono::NaiveDateTime)>> {
    let Some(by) = actor.assisted_by else { return Ok(None) };
    let code = new_takeover_code();
    let until = now() + Duration::days(TAKEOVER_CODE_DAYS);
    let n = diesel::update(aa::table.find(actor.user_id).filter(aa::taken_over_at.is_null()))
        .set((aa::takeover_hash.eq(takeover_hash(&code)), aa::takeover_until.eq(until)))
        .execute(c)?;
    if n == 0 {
        return Ok(None);
    }
    audit::record(c, now(), Some(by), "account.takeover_code_issued", "user", &actor.user_id.to_string(), json!({}))?;
    Ok(Some((code, until)))
}

fn wrong_takeover() -> AppError {
    AppError::field(
        "takeover_code",
        "wrong_takeover",
        "身份证号或接管码不对，或接管码已过期。请核对回执，或到服务窗口重新打印",
        "The ID number or the takeover code is wrong, or the code has expired. Check your receipt or ask the counter to print a new one",
    )
}

/// The person takes the account over with their own phone: the password is theirs from now on,
/// the counter stops acting for them, and notices go to the phone.
pub async fn take_over(app: &App, req: TakeoverRequest, ip: String) -> AppResult<()> {
    AppError::check(req.validate(today()))?;
    let phone = check_mobile(&req.phone).unwrap_or_default();
    let id_number = req.id_number.trim().to_ascii_uppercase();
    let credit = req.credit_code.trim().to_ascii_uppercase();
    let about = [phone.as_str(), id_number.as_str(), credit.as_str()];
    crate::services::accounts::require_guess_resistant("password", &req.password, &about)?;
    let code_id = crate::services::accounts::check_code(app, ip, &phone, Purpose::Takeover, &req.code).await?;
    let (vault, idn, hash_of_code) = (app.vault.clone(), id_number.clone(), takeover_hash(&req.takeover_code));
    let uid = app
        .db
        .run(move |c| {
            // A shop is found by its credit code, a person by their ID number.
            let found = if credit.is_empty() {
                User::find_by_id_number(c, &vault, &idn)?.map(|u| u.id)
            } else {
                users::table.filter(users::credit_code.eq(&credit)).select(users::id).first::<i64>(c).optional()?
            };
            let Some(user_id) = found else { return Err(wrong_takeover()) };
            let row: Option<(Option<String>, Option<chrono::NaiveDateTime>)> = aa::table
                .find(user_id)
                .filter(aa::taken_over_at.is_null())
                .select((aa::takeover_hash, aa::takeover_until))
                .first(c)
                .optional()?;
            match row {
                Some((Some(h), Some(until)))
                    if until > now() && crate::auth::constant_time_eq(h.as_bytes(), hash_of_code.as_bytes()) =>
                {
                    Ok(user_id)
                }
                _ => Err(wrong_takeover()),
            }
        })
        .await?;
    let hash = app.hasher.hash(req.password.clone()).await?;
    let vault = app.vault.clone();
    app.db
        .write(move |c| {
            let t = now();
            codes::spend(c, code_id, t)?;
            if User::find_by_phone(c, &vault, &phone)?.is_some_and(|other| other.id != uid) {
                return Err(AppError::field(
                    "phone",
                    "already_registered",
                    "这个手机号已有另一个账号，请换一个手机号，或到服务窗口办理",
                    "This phone has another account; use another phone or ask at the counter",
                ));
            }
            User::move_to_phone(c, &vault, uid, &phone)?;
            User::set_password(c, uid, &hash, t)?;
            diesel::update(aa::table.find(uid))
                .set((aa::taken_over_at.eq(Some(t)), aa::phone_proven.eq(true), aa::takeover_hash.eq(None::<String>)))
                .execute(c)?;
            let ended = Session::delete_all(c, uid)?;
            notify(
                c,
                Notice::of(
                    "account.taken_over",
                    uid,
                    format!("user:{uid}"),
                    format!("account.taken_over:{uid}"),
                    &[],
                    &[],
                ),
            )?;
            audit::record(
                c,
                t,
                Some(uid),
                "account.taken_over",
                "user",
                &uid.to_string(),
                json!({ "phone_proven": true, "sessions_ended": ended }),
            )?;
            Ok(())
        })
        .await
}

/// Notices to people this district's counter looks after who have no phone, not yet handed over.
pub async fn counter_notices(app: &App, officer: &Actor) -> AppResult<Vec<CounterNotice>> {
    let district = counter_officer(officer)?;
    app.db
        .run(move |c| {
            type Row = (i64, i64, String, String, String, String, String, String, String, chrono::NaiveDateTime);
            let rows: Vec<Row> = n::table
                .inner_join(aa::table.on(aa::user_id.eq(n::user_id)))
                .inner_join(users::table.on(users::id.eq(n::user_id)))
                .filter(aa::district_code.eq(district.code()))
                .filter(users::phone.is_null())
                .filter(n::handed_at.is_null())
                .order(n::created_at.asc())
                .select((
                    n::id,
                    n::user_id,
                    users::display_name,
                    aa::counter,
                    n::kind,
                    n::title_zh,
                    n::title_en,
                    n::body_zh,
                    n::body_en,
                    n::created_at,
                ))
                .limit(500)
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|(id, user_id, person, counter, kind, title_zh, title_en, body_zh, body_en, created_at)| {
                    CounterNotice {
                        id,
                        user_id,
                        person,
                        counter,
                        kind,
                        title_zh,
                        title_en,
                        body_zh,
                        body_en,
                        created_at,
                    }
                })
                .collect())
        })
        .await
}

/// Marks a counter notice handed over (printed, or called out) so it leaves the queue.
pub async fn hand_over(app: &App, officer: &Actor, id: i64, how: HandedHow) -> AppResult<()> {
    let district = counter_officer(officer)?;
    let by = officer.user_id;
    app.db
        .write(move |c| {
            let found: Option<i64> = n::table
                .inner_join(aa::table.on(aa::user_id.eq(n::user_id)))
                .filter(n::id.eq(id).and(aa::district_code.eq(district.code())))
                .select(n::user_id)
                .first(c)
                .optional()?;
            let Some(person) = found else { return Err(AppError::NotFound) };
            let t = now();
            diesel::update(n::table.find(id).filter(n::handed_at.is_null()))
                .set((n::handed_at.eq(Some(t)), n::handed_by.eq(Some(by)), n::handed_how.eq(Some(how.as_str()))))
                .execute(c)?;
            // The person has had it, so it counts as read in their own inbox when they take over.
            diesel::update(n::table.find(id).filter(n::read_at.is_null())).set(n::read_at.eq(Some(t))).execute(c)?;
            audit::record(
                c,
                t,
                Some(by),
                "notice.handed_at_counter",
                "user",
                &person.to_string(),
                json!({ "notification": id, "how": how.as_str() }),
            )?;
            Ok(())
        })
        .await
}

/// The consent form as PDF, to print, have signed and photograph. With `name` the person's name
/// is printed on it; the ID number never is (it is written by hand).
pub fn consent_form(district: District, counter: &str, name: &str) -> crate::pdf::Sheet {
    crate::pdf::Sheet {
        title_zh: "摊规通服务窗口代办同意书".into(),
        title_en: "Consent to be filed for at a service counter".into(),
        code: None,
        rows: vec![
            ("办理区".into(), district.name_zh().to_string()),
            ("办理窗口".into(), counter.to_string()),
            ("本人姓名".into(), if name.trim().is_empty() { "＿＿＿＿＿＿＿＿".into() } else { name.trim().to_string() }),
            ("身份证号".into(), "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿（本人填写）".into()),
        ],
        paragraphs: vec![
            ("本人同意".into(), vec![
                "1. 由厦门市本区服务窗口工作人员为本人开设摊规通账号，并代本人填写、提交摊位申请，代为接收和确认通知。".into(),
                "2. 工作人员已当面核验本人身份证原件。本人的身份证号、照片等个人信息只用于办理本人的申请，依《个人信息保护法》保管，不会公开。".into(),
                "3. 本人没有手机或不便使用时，给本人的通知由服务窗口打印或电话告知；本人以后有了手机，可凭办理回执上的接管码自行接管账号。".into(),
                "4. 每一步由哪位工作人员在哪个窗口办理，都记入办理记录，本人可随时查看；本人可随时撤回同意，已提交的申请不受影响。".into(),
            ]),
            ("I agree".into(), vec![
                "An officer at this counter opens a Tangui account for me, files my stall application and answers notices for me. My ID card was checked in person; my data is kept under PIPL and used only for my case. Notices reach me printed or by telephone until I take the account over with the code on my receipt.".into(),
            ]),
        ],
        signatures: vec!["本人签字（或按手印）".into(), "经办工作人员".into(), "日期".into()],
        footer: "本同意书签字后拍照上传，原件由服务窗口留存。".into(),
    }
}

/// What happens next for an application, in plain words, for the receipt.
fn next_step(v: &common::dto::applications::ApplicationView) -> String {
    use common::application::ApplicationStatus as S;
    match v.status {
        S::Draft => "申请还没有提交：请在窗口补齐材料后提交。".into(),
        S::Submitted => match v.deadline {
            Some(d) => format!("区城管会在 {} 前审核完（按工作日计）。结果会通知您。", d.format("%Y年%m月%d日")),
            None => "等待区城管审核，结果会通知您。".into(),
        },
        S::Returned => "申请被退回补正：请带上要补的材料到窗口。".into(),
        S::Eligible => "已通过资格审核，等待下一批摇号；摇号结果会通知您。".into(),
        S::Offered => match &v.offer {
            Some(o) => format!(
                "您已分到 {} {} 号摊位，请在 {} 前到窗口或回复短信确认。",
                o.zone_name,
                o.stall_number,
                common::time::to_xiamen(o.respond_by).format("%Y年%m月%d日 %H:%M")
            ),
            None => "请到窗口确认摊位。".into(),
        },
        other => format!("当前状态：{}。", other.name_zh()),
    }
}

/// How the person takes the account over, with the code just issued.
fn takeover_paragraph(code: &str, until: chrono::NaiveDateTime, key: &str) -> (String, Vec<String>) {
    (
        "接管账号".into(),
        vec![
            format!("接管码：{code}（{} 前有效）", until.format("%Y年%m月%d日")),
            format!(
                "以后有了手机，打开摊规通“接管账号”，填{key}、这个接管码和手机号，收到验证码后设置密码，就能自己查看和办理，之前的办理记录都在。"
            ),
            "请妥善保管本回执，不要把接管码告诉别人。".into(),
        ],
    )
}

/// A shop's receipt at the counter (代办回执): its filings with their numbers, status and what
/// happens next, and a fresh takeover code. Only while a counter officer acts for the shop.
pub async fn shop_receipt(app: &App, actor: &Actor) -> AppResult<crate::pdf::Sheet> {
    if actor.assisted_by.is_none() || actor.role != Role::Merchant {
        return Err(AppError::conflict(
            "not-acting",
            "只有服务窗口为商户代办时才能打印代办回执",
            "Only a counter filing for a shop prints this receipt",
        ));
    }
    let filings = crate::services::filings::mine(app, actor).await?;
    let a = actor.clone();
    let (takeover, counter, shop) = app
        .db
        .write(move |c| {
            let counter: String = aa::table.find(a.user_id).select(aa::counter).first(c)?;
            let shop: String = users::table.find(a.user_id).select(users::display_name).first(c)?;
            Ok((issue_takeover_code(c, &a)?, counter, shop))
        })
        .await?;
    let cases: Vec<String> = filings
        .iter()
        .map(|f| {
            let kind = common::dto::cases::CaseKind::parse(&f.kind).unwrap_or(common::dto::cases::CaseKind::CrossStore);
            let mut line = format!(
                "{} {}：{}",
                kind.number(f.id),
                kind.name().zh,
                common::dto::filings::filing_status_name(&f.status).zh
            );
            if let Some(d) = f.deadline.filter(|_| f.status == "pending_review") {
                line.push_str(&format!("，区城管会在 {} 前审核完", d.format("%Y年%m月%d日")));
            }
            line
        })
        .collect();
    let mut paragraphs = vec![(
        "本次办理的备案".to_string(),
        if cases.is_empty() { vec!["还没有提交备案。".to_string()] } else { cases },
    )];
    paragraphs.extend(takeover.map(|(code, until)| takeover_paragraph(&code, until, "统一社会信用代码")));
    Ok(crate::pdf::Sheet {
        title_zh: "商户代办回执".into(),
        title_en: "Receipt of filings made at a service counter".into(),
        code: None,
        rows: vec![("商户".into(), shop), ("办理窗口".into(), counter)],
        paragraphs,
        signatures: Vec::new(),
        footer: "厦门市摊规通 · 本回执不作为经营许可".into(),
    })
}

/// The one-page receipt of an application (办理回执): its number, status, what happens next and
/// when; printed by the acting counter officer it carries a fresh takeover code.
pub async fn case_summary(app: &App, actor: &Actor, id: i64) -> AppResult<crate::pdf::Sheet> {
    let view = crate::services::applications::view(app, actor, id).await?;
    let a = actor.clone();
    let (takeover, counter) = app
        .db
        .write(move |c| {
            let counter: Option<String> = aa::table.find(a.user_id).select(aa::counter).first(c).optional()?;
            Ok((issue_takeover_code(c, &a)?, counter))
        })
        .await?;
    let case = common::dto::cases::CaseKind::Stall.number(view.id);
    let zones: Vec<String> = view.preferences.iter().map(|p| format!("{}. {}（{}）", p.rank, p.name, p.code)).collect();
    let mut rows = vec![
        ("案件编号".to_string(), case.clone()),
        ("申请人".to_string(), mask::name(&view.applicant.name)),
        ("当前状态".to_string(), view.status.name_zh().to_string()),
        ("志愿摊规点".to_string(), zones.join("；")),
    ];
    if let Some(at) = view.submitted_at {
        rows.push(("提交时间".into(), common::time::to_xiamen(at).format("%Y-%m-%d %H:%M").to_string()));
    }
    if let Some(c) = &counter {
        rows.push(("办理窗口".into(), c.clone()));
    }
    let mut paragraphs = vec![("下一步".to_string(), vec![next_step(&view)])];
    paragraphs.extend(takeover.map(|(code, until)| takeover_paragraph(&code, until, "身份证号")));
    paragraphs.push(("查询".into(), vec!["可带本回执到服务窗口查询，或在摊规通登录后查看“我的申请”。".into()]));
    Ok(crate::pdf::Sheet {
        title_zh: "摊位申请办理回执".into(),
        title_en: "Stall application receipt".into(),
        code: Some(case),
        rows,
        paragraphs,
        signatures: Vec::new(),
        footer: "厦门市摊规通 · 本回执不作为经营许可".into(),
    })
}

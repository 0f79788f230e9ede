//! Foundation journeys: register → sign in → role navigation → sign out; the language switch;
//! Chinese text actually rendered.

use crate::harness::Browser;

fn valid_id(seq: u32) -> String {
    let first = format!("35020619850715{seq:03}");
    format!("{first}{}", common::validate::id_check_char(first.as_bytes()))
}

/// The newest six-digit code the carrier got for `phone` after `seen` earlier messages.
pub async fn texted_code(b: &Browser, phone: &str, seen: usize) -> String {
    // Notices to the same phone may arrive in between: wait for one more *code* than seen.
    let kannel = b.kannel.as_ref().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let text = loop {
        let codes: Vec<String> = kannel
            .received()
            .into_iter()
            .filter(|m| m.to.ends_with(phone) && m.text.contains("验证码"))
            .map(|m| m.text)
            .collect();
        if codes.len() > seen {
            break codes.last().unwrap().clone();
        }
        assert!(std::time::Instant::now() < deadline, "no code number {} to {phone}: {codes:?}", seen + 1);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let digits: String =
        text.split("验证码").nth(1).unwrap_or("").chars().filter(|c| c.is_ascii_digit()).take(6).collect();
    assert_eq!(digits.len(), 6, "a code in {text}");
    digits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_registers_with_a_texted_code_forgets_the_password_and_resets_it_on_a_phone() {
    let Some(b) = Browser::start_with_gateway().await else { return };
    b.client.set_window_size(390, 844).await.unwrap();
    b.goto("/register").await;
    b.wait_for("#kind-vendor[aria-checked=true]").await;

    // A mistyped ID number is caught while typing, by the same rule the server runs.
    let mut bad = valid_id(31);
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    b.fill("#real_name", "黄美玲").await;
    b.fill("#id_number", &bad).await;
    b.click("#phone").await; // leaving the field shows its errors
    b.wait_text(".field.invalid .field-errors", "校验位").await;
    b.fill("#id_number", &valid_id(31)).await;
    b.fill("#phone", "13600000031").await;
    // A common password passes the length rule but the meter says it is easy to guess.
    b.fill("#password", "abc12345").await;
    b.wait_text(".password-meter.weak", "很常见").await;
    b.fill("#password", "huang-stall-2026").await;
    b.wait_for(".password-meter.ok").await;
    b.wait_gone(".field-errors").await; // every field is right now
    // The phone is proven by a code the gateway texts to it.
    b.click("#send-code").await;
    b.wait_text(".phone-code .hint", "136****0031").await;
    b.wait_text("#send-code", "s)").await; // counting down before another may be asked for
    let code = texted_code(&b, "13600000031", 0).await;
    b.fill("#code", &code).await;
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the register page fits a phone");
    b.click("form button[type=submit]").await;

    b.wait_path("/account").await;
    b.unfold_menu().await;
    b.wait_text(".who", "摊贩").await;
    b.wait_text(".details", "3502**********").await;
    b.sign_out().await;

    // She forgets the password: a code to her phone sets a new one.
    b.goto("/login").await;
    b.click("a[href='/reset']").await;
    b.wait_path("/reset").await;
    b.fill("#phone", "13600000031").await;
    b.click("#send-code").await;
    b.wait_text(".phone-code .hint", "136****0031").await;
    let code = texted_code(&b, "13600000031", 1).await;
    b.fill("#code", &code).await;
    b.fill("#new_password", "huang-new-2027").await;
    b.click("form button[type=submit]").await;
    b.wait_text("#reset-done", "密码已重设").await;
    b.sign_in("13600000031", "huang-new-2027").await;
    b.unfold_menu().await;
    b.wait_text(".who", "黄美玲").await;

    // A new phone: the code goes to it, and the account follows.
    b.goto("/account").await;
    b.fill("#new_phone", "13600000032").await;
    b.click("#send-code").await;
    b.wait_text(".phone-code .hint", "136****0032").await;
    let code = texted_code(&b, "13600000032", 0).await;
    b.fill("#code", &code).await;
    b.fill("#phone_current_password", "huang-new-2027").await;
    b.click("#phone-form button[type=submit]").await;
    b.wait_text(".alert.success", "手机号已更换").await;
    b.wait_text(".details", "13600000032").await;
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the account page fits a phone");
    b.sign_out().await;
    b.sign_in("13600000032", "huang-new-2027").await;
    b.unfold_menu().await;
    b.wait_text(".who", "黄美玲").await;

    // Her personal data: nobody has looked at her documents yet.
    b.goto("/account").await;
    b.wait_text("#looks-none", "还没有").await;
    // She drafts an application with her ID card; a city admin opens the card.
    let vault = b.state.vault.clone();
    let me =
        b.state.db.run(move |c| Ok(backend::models::user::User::find_by_login(c, &vault, "13600000032")?.unwrap()));
    let me = me.await.unwrap();
    let her = backend::auth::Actor {
        user_id: me.id,
        role: common::Role::Vendor,
        district: None,
        session_id: 0,
        assisted_by: None,
    };
    let zone = b.state.db.run(|c| {
        use backend::db::schema::zones;
        use diesel::prelude::*;
        Ok(zones::table.filter(zones::status.eq("active")).select(zones::id).first::<i64>(c)?)
    });
    let zone = zone.await.unwrap();
    let draft =
        serde_json::from_value(serde_json::json!({ "input": { "category": "cooked_food", "preferences": [zone] } }));
    let app = backend::services::applications::save(&b.state, &her, None, draft.unwrap()).await.unwrap();
    let id_card = bytes::Bytes::from_static(include_bytes!("../fixtures/photo-with-gps.jpg"));
    let doc = backend::services::applications::upload(
        &b.state,
        &her,
        app.id,
        common::application::DocKind::IdCard,
        "身份证.jpg".into(),
        id_card,
    )
    .await
    .unwrap();
    let admin = b.actor("admin").await;
    backend::services::applications::document_file(&b.state, &admin, app.id, doc.id).await.unwrap();
    b.goto("/account").await;
    b.wait_text("#document-looks li[data-document='id_card']", "市级").await;
    b.wait_text("#document-looks li[data-document='id_card']", "身份证").await;
    // The download is a ZIP of her data, fetched with her session.
    let got = b
        .js("return fetch(document.querySelector('#export-link').href).then(r => r.status + ' ' + r.headers.get('content-type'))")
        .await;
    assert_eq!(got, "200 application/zip");
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the personal-data part fits a phone");

    // She closes the account: the box must be ticked, then it is gone and she cannot sign in.
    b.fill("#close_password", "huang-new-2027").await;
    b.click("#close-form button[type=submit]").await;
    b.wait_for("#close_understood-error").await;
    b.click("#close_understood").await;
    b.click("#close-form button[type=submit]").await;
    b.wait_text("#account-closed", "账号已注销").await;
    b.goto("/login").await;
    b.fill("#login", "13600000032").await;
    b.fill("#password", "huang-new-2027").await;
    b.click("form button[type=submit]").await;
    b.wait_for(".alert.error").await;
    b.finish().await;
}

/// An officer's first sign-in sets up the authenticator from the page and keeps the recovery
/// codes; the next sign-in asks for its code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_sets_up_the_authenticator_and_signs_in_with_it() {
    let Some(b) = Browser::start().await else { return };
    b.client.set_window_size(390, 844).await.unwrap();
    b.goto("/login").await;
    b.fill("#login", "hl_officer").await;
    b.fill("#password", "tangui-officer-2026").await;
    b.click("form button[type=submit]").await;
    b.wait_text("h1", "两步验证").await;
    b.click("#enrol-start").await;
    let secret = b.wait_for("#totp-secret").await.text().await.unwrap();
    b.wait_for(".totp-qr svg").await;
    // A wrong code is refused beside the box.
    b.fill("#totp-code", "000000").await;
    b.click("form button[type=submit]").await;
    b.wait_text(".field.invalid .field-errors", "验证码不正确").await;
    b.type_totp(&secret).await;
    let codes = b.texts("#recovery-codes li").await;
    let codes = if codes.is_empty() {
        b.wait_text("#recovery-codes", "-").await;
        b.texts("#recovery-codes li").await
    } else {
        codes
    };
    assert_eq!(codes.len(), 10, "{codes:?}");
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the recovery codes fit a phone");
    b.click("#recovery-continue").await;
    b.wait_path("/review").await;
    b.sign_out().await;

    // Next time: password, then the authenticator's code.
    b.goto("/login").await;
    b.fill("#login", "hl_officer").await;
    b.fill("#password", "tangui-officer-2026").await;
    b.click("form button[type=submit]").await;
    b.wait_for("#totp-code").await;
    let secret = b.allow_next_totp("hl_officer").await;
    b.type_totp(&secret).await;
    b.wait_path("/review").await;
    b.finish().await;
}

/// At the service counter: a person whose ID number someone else registered proves their phone
/// in front of the officer, and the account moves to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_at_the_counter_moves_a_squatted_account_to_the_id_holders_phone() {
    let Some(b) = Browser::start_with_gateway().await else { return };
    b.client.set_window_size(390, 844).await.unwrap();
    // The demo vendor's account stands for the squatted one.
    let vault = b.state.vault.clone();
    let id_number: String = b
        .state
        .db
        .run(move |c| Ok(backend::models::user::User::find_by_login(c, &vault, "13800000001")?.unwrap()))
        .await
        .unwrap()
        .id_number(&b.state.vault)
        .unwrap();
    b.sign_in("hl_officer", "tangui-officer-2026").await;
    b.wait_path("/review").await;
    b.click(".counter-link").await;
    b.wait_path("/counter").await;
    // Nothing is moved before the ID card is checked.
    b.fill("#id_number", &id_number).await;
    b.fill("#phone", "13600000041").await;
    b.click("#send-code").await;
    b.wait_text(".phone-code .hint", "136****0041").await;
    let code = texted_code(&b, "13600000041", 0).await;
    b.fill("#code", &code).await;
    b.fill("#note", "湖里区政务服务中心 3 号窗口，身份证原件").await;
    b.click("#reclaim-form button[type=submit]").await;
    b.wait_text(".field.invalid .field-errors", "核验身份证").await;
    b.click("#id_card_checked").await;
    b.click("#reclaim-form button[type=submit]").await;
    b.wait_text("#reclaim-done", "账号已转到本人手机号").await;
    let sideways = b.js("return document.documentElement.scrollWidth > window.innerWidth").await;
    assert_eq!(sideways, false, "the counter page fits a phone");
    // The person sets a password of their own on the recovered account.
    b.sign_out().await;
    b.goto("/reset").await;
    b.fill("#phone", "13600000041").await;
    b.click("#send-code").await;
    b.wait_text(".phone-code .hint", "136****0041").await;
    let code = texted_code(&b, "13600000041", 1).await;
    b.fill("#code", &code).await;
    b.fill("#new_password", "recovered-2026").await;
    b.click("form button[type=submit]").await;
    b.wait_text("#reset-done", "密码已重设").await;
    b.sign_in("13600000041", "recovered-2026").await;
    b.goto("/account").await;
    b.wait_text(".details", "13600000041").await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_follows_the_role() {
    let Some(b) = Browser::start().await else { return };
    b.sign_in("admin", "tangui-admin-2026").await;
    let nav = b.texts(".site-nav li").await.join(" ");
    assert!(nav.contains("用户管理"), "admin nav: {nav}");
    b.click(".site-nav a[href='/admin/users']").await;
    b.wait_for("#users-table").await;
    // The admin creates an officer, who then signs in and sees no admin link.
    b.fill("#username", "sm_wang").await;
    b.fill("#display_name", "王建国").await;
    b.click("#district").await;
    b.js("const s = document.querySelector('#district'); s.value = '350203'; s.dispatchEvent(new Event('change', { bubbles: true }));").await;
    b.fill("#staff_password", "wang-2026-pass").await;
    b.click("form button[type=submit]").await;
    b.wait_text(".alert.success", "sm_wang").await;
    b.wait_text("#users-table", "王建国").await;
    b.click(".nav-actions .link-button").await;
    b.wait_text(".nav-actions", "登录").await;

    b.sign_in("sm_wang", "wang-2026-pass").await;
    b.wait_text(".who", "区城管").await;
    let nav = b.texts(".site-nav li").await.join(" ");
    assert!(!nav.contains("用户管理"), "officer nav: {nav}");
    b.goto("/admin/users").await;
    b.wait_text("main", "没有权限").await;
    b.sign_out().await;

    // 王建国 leaves: the admin disables the account from the list (after confirming), and it can
    // no longer sign in.
    b.sign_in("admin", "tangui-admin-2026").await;
    b.goto("/admin/users").await;
    b.wait_text("#users-table", "王建国").await;
    assert_eq!(
        b.texts("#users-table tr:has(td:nth-child(2)) td:nth-child(6)").await.iter().filter(|t| *t == "已设置").count(),
        2
    );
    b.js("window.confirm = () => true;").await;
    let row = b
        .js("return [...document.querySelectorAll('#users-table tbody tr')].find(r => r.textContent.includes('sm_wang')).querySelector('.row-actions').dataset.user")
        .await;
    let row = row.as_str().unwrap().to_string();
    b.click(&format!(".row-actions[data-user='{row}'] [data-action='disable']")).await;
    b.wait_text("#users-table", "王建国 (已停用)").await;
    b.sign_out().await;
    b.goto("/login").await;
    b.fill("#login", "sm_wang").await;
    b.fill("#password", "wang-2026-pass").await;
    b.click("form button[type=submit]").await;
    b.wait_text(".alert", "用户名或密码").await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_and_chinese_renders() {
    let Some(b) = Browser::start().await else { return };
    b.goto("/").await;
    b.wait_text("#fig-stalls", "6,145").await;
    b.wait_text("#fig-zones", "150").await;
    assert_eq!(b.js("return document.documentElement.lang").await, "zh-CN");

    // The CJK font is present and the page is not blank: sample the screenshot.
    let has_font = b.js("return document.fonts.check('16px \"WenQuanYi Micro Hei\"')").await;
    assert_eq!(has_font, true, "a CJK font is installed");
    let png = b.client.screenshot().await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bpp = info.line_size / info.width as usize;
    let mut dark = 0usize;
    let mut colours = std::collections::HashSet::new();
    for px in buf[..info.buffer_size()].chunks(bpp) {
        if (px[0] as u32 + px[1] as u32 + px[2] as u32) < 300 {
            dark += 1;
        }
        colours.insert((px[0] / 16, px[1] / 16, px[2] / 16));
    }
    assert!(dark > 2_000, "page has text: {dark} dark pixels");
    assert!(colours.len() > 20, "page is not blank: {} colours", colours.len());

    b.click(".lang-switch").await;
    b.wait_text(".site-header", "Sign in").await;
    b.wait_text("main h1", "Trade in designated zones").await;
    assert_eq!(b.js("return document.documentElement.lang").await, "en");
    // The choice survives a reload.
    b.goto("/").await;
    b.wait_text(".site-header", "Sign in").await;
    b.click(".lang-switch").await;
    b.wait_text(".site-header", "登录").await;
    b.finish().await;
}

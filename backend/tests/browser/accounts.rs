//! Foundation journeys: register → sign in → role navigation → sign out; the language switch;
//! Chinese text actually rendered.

use crate::harness::Browser;

fn valid_id(seq: u32) -> String {
    let first = format!("35020619850715{seq:03}");
    format!("{first}{}", common::validate::id_check_char(first.as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_registers_signs_out_and_back_in() {
    let Some(b) = Browser::start().await else { return };
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
    b.fill("#password", "huang-2026").await;
    b.wait_gone(".field-errors").await; // every field is right now
    b.click("form button[type=submit]").await;

    b.wait_path("/account").await;
    b.wait_text(".who", "摊贩").await;
    b.wait_text(".details", "3502**********").await;
    let nav = b.texts(".site-nav li").await.join(" ");
    assert!(nav.contains("我的账户") && !nav.contains("用户管理"), "vendor nav: {nav}");

    b.click(".nav-actions .link-button").await; // 退出登录
    b.wait_text(".nav-actions", "登录").await;
    b.goto("/account").await;
    b.wait_text("main", "请先登录").await;

    b.sign_in("13600000031", "huang-2026").await;
    b.wait_text(".who", "黄美玲").await;
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

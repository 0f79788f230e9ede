//! Assisted service on a phone-sized screen: at the 思明 counter an officer prints the consent
//! form, opens an account for an older vendor without a phone, files her application acting for
//! her and prints the receipt (the PDFs' text is checked), then passes her notice on. Later she
//! takes the account over with the receipt's code and her new phone, turns on senior mode and
//! completes the returned application one question per screen.

use crate::allocation::{JPEG, PDF, choose_three_zones, upload};
use crate::harness::Browser;

fn elder_id() -> String {
    let first = "350203195201010421";
    let first = &first[..17];
    format!("{first}{}", common::validate::id_check_char(first.as_bytes()))
}

/// The text of the PDF a link opens, fetched with the page's own session and read by pdftotext.
async fn pdf_text(b: &Browser, href: &str) -> String {
    let got = b
        .client
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1]; \
                 fetch({href:?}).then(async r => done([r.status, r.headers.get('content-type'), Array.from(new Uint8Array(await r.arrayBuffer()))]));"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!((got[0].as_u64(), got[1].as_str()), (Some(200), Some("application/pdf")), "{href}");
    let bytes: Vec<u8> = got[2].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect();
    let file = std::env::temp_dir().join(format!("tangui-e2e-{}.pdf", backend::auth::rand_bytes::random_hex(4)));
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&file).arg("-").output();
    let _ = std::fs::remove_file(&file);
    String::from_utf8_lossy(&out.expect("pdftotext (poppler-utils) is installed by the test command").stdout)
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_files_for_an_older_vendor_who_later_takes_over_in_senior_mode() {
    let Some(b) = Browser::start_with_gateway().await else { return };
    b.client.set_window_size(390, 844).await.unwrap();
    let dir = std::env::temp_dir().join(format!("tangui-e2e-counter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (consent, id_card, health, health2) =
        (dir.join("同意书.jpg"), dir.join("身份证.jpg"), dir.join("health.pdf"), dir.join("health-new.pdf"));
    for (p, bytes) in [(&consent, JPEG), (&id_card, JPEG), (&health, PDF), (&health2, PDF)] {
        std::fs::write(p, bytes).unwrap();
    }

    // At the counter: the consent form is printed with her name on it.
    b.sign_in("sm_officer", "tangui-officer-2026").await;
    b.goto("/counter").await;
    b.wait_for("#assist-form").await;
    b.fill("#assist-name", "陈阿婆").await;
    b.fill("#assist-counter", "思明区行政服务中心 3 号窗口").await;
    let href = b.wait_for("#consent-form-link").await.attr("href").await.unwrap().unwrap();
    let text = pdf_text(&b, &href).await;
    for want in ["代办同意书", "陈阿婆", "思明区行政服务中心", "本人签字", "个人信息保护法"]
    {
        assert!(text.contains(want), "{want:?} not on the consent form:\n{text}");
    }
    // Signed, photographed; her ID card checked; she has no phone.
    b.fill("#assist-id", &elder_id()).await;
    b.click("#assist-id-checked").await;
    let input = b.wait_for("#assist-consent").await;
    input.send_keys(&consent.display().to_string()).await.unwrap();
    b.wait_text("#consent_photo", "已附照片 1").await;
    b.click("#assist-submit").await;

    // Acting for her: the banner says so on every page; the application is hers.
    b.wait_path("/apply").await;
    b.wait_text("#acting-banner", "陈阿婆").await;
    choose_three_zones(&b).await;
    upload(&b, "id_card", &id_card).await;
    b.wait_text(".doc-row[data-kind='id_card']", "身份证.jpg").await;
    upload(&b, "health_certificate", &health).await;
    b.wait_text(".doc-row[data-kind='health_certificate']", "health.pdf").await;
    b.click("#submit-application").await;
    b.wait_text("#application-status", "待审核").await;
    b.wait_text("#case-history", "服务窗口代办").await;
    let number = b.wait_for("#application-number").await.text().await.unwrap();
    // The receipt to hand her: case number, what happens next and by when, the takeover code.
    let href = b.wait_for("#print-receipt").await.attr("href").await.unwrap().unwrap();
    let text = pdf_text(&b, &href).await;
    for want in ["办理回执", number.as_str(), "待审核", "下一步", "区城管会在", "接管码"] {
        assert!(text.contains(want), "{want:?} not on the receipt:\n{text}");
    }
    assert!(!text.contains(&elder_id()), "no ID number on the receipt");
    let at = text.find("接管码：").unwrap();
    let code: String = text[at + "接管码：".len()..].chars().take(9).collect();

    // Back at the counter: her notice waits there to be passed on.
    b.click("#acting-end").await;
    b.wait_path("/counter").await;
    b.wait_gone("#acting-banner").await;
    b.wait_text("#counter-notices", "陈阿婆").await;
    b.click("#counter-notices .counter-notice button").await;
    b.wait_for("#counter-notices-empty").await;
    b.sign_out().await;

    // The district returns it: her health certificate has expired.
    let id: i64 = number.trim_start_matches(|c: char| !c.is_ascii_digit()).trim_start_matches('0').parse().unwrap();
    let district: String = b
        .state
        .db
        .run(move |c| {
            use backend::db::schema::stall_applications as a;
            use diesel::prelude::*;
            Ok(a::table.find(id).select(a::district_code.assume_not_null()).first(c)?)
        })
        .await
        .unwrap();
    let login = format!("{}_officer", common::District::from_code(&district).unwrap().abbr().to_lowercase());
    let officer = b.actor(Box::leak(login.into_boxed_str())).await;
    let decision = serde_json::from_value(serde_json::json!({ "decision": "return",
        "items": [{ "item": "health_certificate", "message": "健康证已过期，请换新的" }] }))
    .unwrap();
    backend::services::applications::decide(&b.state, &officer, id, decision).await.unwrap();

    // Later, with a phone of her own: she takes the account over with the receipt's code.
    b.goto("/login").await;
    b.click("a[href='/takeover']").await;
    b.fill("#id_number", &elder_id()).await;
    b.fill("#takeover_code", &code).await;
    b.fill("#phone", "13600000421").await;
    b.click("#send-code").await;
    let sms = crate::accounts::texted_code(&b, "13600000421", 0).await;
    b.fill("#code", &sms).await;
    b.fill("#password", "chen-apo-stall-1952").await;
    b.click("#takeover-form button[type=submit]").await;
    b.wait_for("#takeover-done").await;

    // Senior mode, signed in: the application asks one thing per screen.
    b.click("#senior-switch").await;
    b.wait_for("html[data-senior]").await;
    b.sign_in("13600000421", "chen-apo-stall-1952").await;
    b.goto("/apply").await;
    b.wait_text("#senior-question", "卖什么").await;
    b.wait_for("#return-items").await;
    assert_eq!(b.js("return document.querySelectorAll('#add-zone, #file-id_card').length").await, 0);
    b.click("#senior-next").await;
    b.wait_text("#senior-question", "在哪里摆摊").await;
    assert_eq!(b.js("return document.querySelectorAll('#category').length").await, 0);
    b.click("#senior-next").await;
    b.wait_text("#senior-question", "哪一类人").await;
    b.click("#senior-next").await;
    b.wait_text("#senior-question", "上传").await;
    upload(&b, "health_certificate", &health2).await;
    b.wait_text(".doc-row[data-kind='health_certificate']", "health-new.pdf").await;
    b.click("#senior-next").await;
    b.wait_text("#senior-question", "提交申请").await;
    // A last look at every answer, each with the way back to its question.
    b.wait_text("#check-answers", "health-new.pdf").await;
    b.click("#submit-application").await;
    b.wait_text("#application-status", "待审核").await;
    // Everything the counter did is in her own history.
    b.wait_text("#case-history", "服务窗口代办").await;
    let px = b.js("return parseFloat(getComputedStyle(document.body).fontSize);").await.as_f64().unwrap();
    assert!(px >= 20.0, "senior mode body text {px}px");
    b.finish().await;
}

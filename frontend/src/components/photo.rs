//! Photo evidence: picked (or taken with the phone's camera), checked by the same rule as the
//! server before sending, uploaded, and handed back as an evidence id.

use common::application::{DocFormat, check_upload};
use common::dto::lifecycle::EvidenceReceipt;
use gloo::net::http::Method;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::use_lang;

#[derive(Properties, PartialEq)]
pub struct PhotoUploadProps {
    pub id: AttrValue,
    pub on_uploaded: Callback<i64>,
    /// How many are attached so far (shown).
    pub count: usize,
    /// Keep the checked photo here instead of uploading it now: someone not signed in sends it
    /// with their report's token once the report is filed.
    #[prop_or_default]
    pub hold: Option<Callback<Vec<u8>>>,
    /// The field's label, when it is not an inspection or report photo.
    #[prop_or_default]
    pub label: Option<AttrValue>,
    /// Which camera a phone opens: `environment` (the scene) or `user` (a face).
    #[prop_or(AttrValue::from("environment"))]
    pub capture: AttrValue,
}

#[component]
pub fn PhotoUpload(p: &PhotoUploadProps) -> Html {
    let lang = use_lang();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let onchange = {
        let (error, busy, reader, done, hold) =
            (error.clone(), busy.clone(), reader.clone(), p.on_uploaded.clone(), p.hold.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let file = gloo::file::File::from(file);
            let size = file.size();
            let (error, busy, done, hold) = (error.clone(), busy.clone(), done.clone(), hold.clone());
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_bytes(&file, move |bytes| {
                let Ok(bytes) = bytes else { return };
                match check_upload("file", &bytes[..bytes.len().min(16)], size) {
                    Err(fe) => return error.set(Some(fe.message.zh.clone() + " / " + &fe.message.en)),
                    Ok(DocFormat::Pdf) => {
                        return error.set(Some("请上传照片（JPEG 或 PNG） / Upload a photo (JPEG or PNG)".into()));
                    }
                    Ok(_) => error.set(None),
                }
                if let Some(hold) = &hold {
                    return hold.emit(bytes);
                }
                busy.set(true);
                yew::platform::spawn_local(async move {
                    match api::request_bytes::<EvidenceReceipt>(Method::POST, "/api/v1/evidence", bytes).await {
                        Ok(r) => done.emit(r.id),
                        Err(e) => error.set(Some(e.message(false))),
                    }
                    busy.set(false);
                });
            }));
        })
    };
    html! {
        <div class="field photo-upload">
            <label for={p.id.clone()}>{ p.label.clone().unwrap_or_else(|| lang.either("现场照片（可拍照）", "Photo (you can take one)").into()) }</label>
            <input id={p.id.clone()} type="file" accept="image/jpeg,image/png" capture={p.capture.clone()} onchange={onchange} disabled={*busy} />
            <p class="muted small" role="status">
                if *busy { { lang.either("上传中…", "Uploading…") } } else { { format!("{} {}", lang.either("已附照片", "Photos attached:"), p.count) } }
            </p>
            if let Some(e) = &*error { <p class="field-errors" role="alert">{ e }</p> }
        </div>
    }
}

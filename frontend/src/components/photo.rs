//! Photo evidence: picked (or taken with the phone's camera), checked by the same rule as the
//! server before sending, uploaded, and handed back as an evidence id.

use common::application::{DocFormat, check_upload};
use common::dto::lifecycle::EvidenceReceipt;
use gloo::net::http::Method;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::{S, use_lang};

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
            let (error, busy, done, hold) = (error.clone(), busy.clone(), done.clone(), hold.clone());
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_bytes(&file, move |bytes| {
                let Ok(bytes) = bytes else { return };
                busy.set(true);
                yew::platform::spawn_local(async move {
                    let bytes = prepare(bytes).await;
                    let size = bytes.len() as u64;
                    match check_upload("file", &bytes[..bytes.len().min(16)], size) {
                        Err(fe) => error.set(Some(lang.either(&fe.message.zh, &fe.message.en).to_string())),
                        Ok(DocFormat::Pdf) => error.set(Some(lang.t(S::PhotoOnly).to_string())),
                        Ok(_) => {
                            error.set(None);
                            if let Some(hold) = &hold {
                                hold.emit(bytes);
                            } else {
                                match api::request_bytes::<EvidenceReceipt>(Method::POST, "/api/v1/evidence", bytes)
                                    .await
                                {
                                    Ok(r) => done.emit(r.id),
                                    Err(e) => error.set(Some(e.message(false))),
                                }
                            }
                        }
                    }
                    busy.set(false);
                });
            }));
        })
    };
    html! {
        <div class="field photo-upload">
            <label for={p.id.clone()}>{ p.label.clone().unwrap_or_else(|| lang.t(S::PhotoField).into()) }</label>
            <input id={p.id.clone()} type="file" accept="image/jpeg,image/png" capture={p.capture.clone()} onchange={onchange} disabled={*busy} />
            <p class="muted small" role="status">
                if *busy { { lang.t(S::PhotoUploading) } } else { { format!("{} {}", lang.t(S::PhotosAttached), p.count) } }
            </p>
            if let Some(e) = &*error { <p class="field-errors" role="alert">{ e }</p> }
        </div>
    }
}

/// A photo as the phone sends it: drawn again upright (the browser applies the camera's
/// orientation tag when it decodes), no longer than `MAX_PHOTO_SIDE`, as a JPEG with no metadata.
/// Where the photo was taken never leaves the phone, a 4 MB camera photo becomes a few hundred KB
/// on a slow line, and the server only has to drop metadata it no longer finds. Anything that is
/// not a JPEG or PNG, or that this browser cannot draw, is sent as chosen (the server cleans it).
pub async fn prepare(bytes: Vec<u8>) -> Vec<u8> {
    match DocFormat::sniff(&bytes[..bytes.len().min(16)]) {
        Some(DocFormat::Jpeg | DocFormat::Png) => redraw(&bytes).await.unwrap_or(bytes),
        _ => bytes,
    }
}

async fn redraw(bytes: &[u8]) -> Option<Vec<u8>> {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence(&parts).ok()?;
    let decoded = JsFuture::from(web_sys::window()?.create_image_bitmap_with_blob(&blob).ok()?).await.ok()?;
    let bitmap: ImageBitmap = decoded.dyn_into().ok()?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let scale = (f64::from(common::application::MAX_PHOTO_SIDE) / f64::from(w.max(h).max(1))).min(1.0);
    let (tw, th) = ((f64::from(w) * scale).round().max(1.0), (f64::from(h) * scale).round().max(1.0));
    let canvas: HtmlCanvasElement = gloo::utils::document().create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(tw as u32);
    canvas.set_height(th as u32);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    // A transparent PNG would turn black as a JPEG.
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, tw, th);
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th).ok()?;
    bitmap.close();
    let encoded = js_sys::Promise::new(&mut |resolve, _| {
        let r = resolve.clone();
        let done = Closure::once_into_js(move |b: JsValue| r.call1(&JsValue::NULL, &b));
        if canvas
            .to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &JsValue::from(0.85))
            .is_err()
        {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    });
    let jpeg: Blob = JsFuture::from(encoded).await.ok()?.dyn_into().ok()?;
    let buffer = JsFuture::from(jpeg.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

//! Scanning a certificate's QR code with the phone's camera: the browser's own BarcodeDetector
//! where it has one, otherwise frames decoded here in WebAssembly (`rqrr`). Nothing leaves the
//! phone; the code read is handed to the page like a typed one.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamConstraints};
use yew::prelude::*;

use crate::i18n::{S, use_lang};

pub use common::dto::filings::code_from_scan;

use common::qr::decode_rgba;

#[derive(Properties, PartialEq)]
pub struct QrScannerProps {
    pub on_code: Callback<String>,
}

/// Shared between the frame loop and the component: the camera stream and whether to go on.
#[derive(Default)]
struct Scan {
    stream: Option<MediaStream>,
    running: bool,
}

impl Scan {
    fn stop(&mut self) {
        self.running = false;
        if let Some(s) = self.stream.take() {
            for t in s.get_tracks().iter() {
                if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
                    t.stop();
                }
            }
        }
    }
}

#[component]
pub fn QrScanner(p: &QrScannerProps) -> Html {
    let lang = use_lang();
    let open = use_state(|| false);
    let problem = use_state(|| None::<S>);
    let video = use_node_ref();
    let scan = use_mut_ref(Scan::default);

    // Stop the camera when the scanner closes or the page goes away.
    {
        let scan = scan.clone();
        use_effect_with((), move |_| move || scan.borrow_mut().stop());
    }

    let start = {
        let (open, problem, video, scan, on_code) =
            (open.clone(), problem.clone(), video.clone(), scan.clone(), p.on_code.clone());
        Callback::from(move |_| {
            let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
                problem.set(Some(S::CameraUnavailable));
                return;
            };
            let constraints = MediaStreamConstraints::new();
            let video_c = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&video_c, &"facingMode".into(), &"environment".into());
            constraints.set_video(&video_c);
            let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
                problem.set(Some(S::CameraUnavailable));
                return;
            };
            open.set(true);
            problem.set(None);
            let (problem, video, scan, on_code, open) =
                (problem.clone(), video.clone(), scan.clone(), on_code.clone(), open.clone());
            yew::platform::spawn_local(async move {
                let stream = match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(s) => s.unchecked_into::<MediaStream>(),
                    Err(_) => {
                        problem.set(Some(S::CameraDenied));
                        open.set(false);
                        return;
                    }
                };
                let Some(v) = video.cast::<HtmlVideoElement>() else { return };
                v.set_src_object(Some(&stream));
                let _ = v.play();
                {
                    let mut s = scan.borrow_mut();
                    s.stream = Some(stream);
                    s.running = true;
                }
                frame_loop(v, scan, on_code, open);
            });
        })
    };
    let stop = {
        let (open, scan) = (open.clone(), scan.clone());
        Callback::from(move |_| {
            scan.borrow_mut().stop();
            open.set(false);
        })
    };
    html! {
        <div class="qr-scanner">
            if *open {
                <div class="qr-view">
                    <video ref={video} playsinline=true muted=true aria-label={lang.t(S::ScanAim)}></video>
                    <p class="hint">{ lang.t(S::ScanAim) }</p>
                    <button type="button" class="button small secondary" id="stop-scan" onclick={stop}>{ lang.t(S::StopScan) }</button>
                </div>
            } else {
                <button type="button" class="button secondary" id="scan-qr" onclick={start}>{ lang.t(S::ScanQr) }</button>
            }
            if let Some(msg) = *problem { <p class="field-errors" role="alert">{ lang.t(msg) }</p> }
        </div>
    }
}

/// Reads frames about four times a second until a code is found or the scanner is closed.
fn frame_loop(video: HtmlVideoElement, scan: Rc<RefCell<Scan>>, on_code: Callback<String>, open: UseStateHandle<bool>) {
    let canvas: Option<HtmlCanvasElement> =
        gloo::utils::document().create_element("canvas").ok().and_then(|c| c.dyn_into().ok());
    let Some(canvas) = canvas else { return };
    let detector = barcode_detector();
    let tick: Rc<RefCell<Option<Closure<dyn FnMut()>>>> = Rc::new(RefCell::new(None));
    let again = tick.clone();
    *tick.borrow_mut() = Some(Closure::new(move || {
        if !scan.borrow().running {
            again.borrow_mut().take();
            return;
        }
        let (w, h) = (video.video_width(), video.video_height());
        if w > 0 && h > 0 {
            canvas.set_width(w);
            canvas.set_height(h);
            let ctx =
                canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
            if let Some(ctx) = ctx
                && ctx.draw_image_with_html_video_element(&video, 0.0, 0.0).is_ok()
            {
                let found = match &detector {
                    Some(d) => detect_with(d, &canvas, &scan, &on_code, &open),
                    None => ctx
                        .get_image_data(0.0, 0.0, w as f64, h as f64)
                        .ok()
                        .and_then(|img| decode_rgba(w as usize, h as usize, &img.data())),
                };
                if let Some(text) = found {
                    scan.borrow_mut().stop();
                    open.set(false);
                    on_code.emit(text);
                    again.borrow_mut().take();
                    return;
                }
            }
        }
        if let Some(cb) = again.borrow().as_ref() {
            let _ = gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(cb.as_ref().unchecked_ref(), 250);
        }
    }));
    if let Some(cb) = tick.borrow().as_ref() {
        let _ = gloo::utils::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(cb.as_ref().unchecked_ref(), 250);
    }
}

/// `new BarcodeDetector({formats: ["qr_code"]})` where the browser has it.
fn barcode_detector() -> Option<JsValue> {
    let ctor = js_sys::Reflect::get(&gloo::utils::window(), &"BarcodeDetector".into()).ok()?;
    let ctor = ctor.dyn_into::<js_sys::Function>().ok()?;
    let opts = js_sys::Object::new();
    let formats = js_sys::Array::of1(&"qr_code".into());
    js_sys::Reflect::set(&opts, &"formats".into(), &formats).ok()?;
    js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts)).ok()
}

/// Asks the browser's detector about one frame; its answer arrives later and finishes the scan
/// itself, so this never returns a code directly.
fn detect_with(
    detector: &JsValue,
    canvas: &HtmlCanvasElement,
    scan: &Rc<RefCell<Scan>>,
    on_code: &Callback<String>,
    open: &UseStateHandle<bool>,
) -> Option<String> {
    let detect = js_sys::Reflect::get(detector, &"detect".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let promise = detect.call1(detector, canvas).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let (scan, on_code, open) = (scan.clone(), on_code.clone(), open.clone());
    yew::platform::spawn_local(async move {
        let Ok(found) = wasm_bindgen_futures::JsFuture::from(promise).await else { return };
        let first = js_sys::Array::from(&found).get(0);
        let raw = js_sys::Reflect::get(&first, &"rawValue".into()).ok().and_then(|v| v.as_string());
        if let Some(text) = raw
            && scan.borrow().running
        {
            scan.borrow_mut().stop();
            open.set(false);
            on_code.emit(text);
        }
    });
    None
}

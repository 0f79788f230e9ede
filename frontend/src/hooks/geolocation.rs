//! The browser's position, asked for only when the person taps (never on page load).

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Asks the browser where the device is; `done` gets [lon, lat] (WGS84), or `None` when there is
/// no geolocation, the person refused, or no fix came.
pub fn locate(done: impl FnOnce(Option<[f64; 2]>) + 'static) {
    let Some(geo) = gloo::utils::window().navigator().geolocation().ok() else {
        return done(None);
    };
    // Both callbacks may be the one that runs: share `done` between them.
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = {
        let done = done.clone();
        move |p: Option<[f64; 2]>| {
            if let Some(f) = done.borrow_mut().take() {
                f(p)
            }
        }
    };
    let finish_ok = finish.clone();
    // Read by name: web-sys types the position only behind its unstable-API flag.
    let ok = Closure::once_into_js(move |pos: wasm_bindgen::JsValue| {
        let coord = |name: &str| {
            js_sys::Reflect::get(&pos, &"coords".into())
                .and_then(|c| js_sys::Reflect::get(&c, &name.into()))
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(f64::NAN)
        };
        let p = [coord("longitude"), coord("latitude")];
        finish_ok(p.iter().all(|v| v.is_finite()).then_some(p));
    });
    let finish_err = finish.clone();
    let failed = Closure::once_into_js(move |_: wasm_bindgen::JsValue| finish_err(None));
    if geo.get_current_position_with_error_callback(ok.unchecked_ref(), Some(failed.unchecked_ref())).is_err() {
        finish(None);
    }
}

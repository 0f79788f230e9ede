//! The SVG map: district basemap, zone markers, pan and zoom by drag, wheel, pinch, buttons and
//! keyboard. Projection and view maths come from `common::geo` (unit-tested natively).

use std::collections::HashMap;
use std::rc::Rc;

use common::TradeCategory;
use common::dto::zones::ZoneSummary;
use common::geo::{self, BBox, Viewport};
use common::zone::ZoneKind;
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, PointerEvent, WheelEvent};
use yew::prelude::*;

use crate::i18n::{S, use_lang};

/// SVG user space: large enough that 0.1-unit rounding is sub-metre across the city.
const W: f64 = 10_000.0;
const H: f64 = 8_000.0;

pub use common::basemap::{DistrictShape, parse_basemap};

#[derive(Properties, PartialEq)]
pub struct ZoneMapProps {
    pub basemap: Rc<Vec<DistrictShape>>,
    pub zones: Rc<Vec<ZoneSummary>>,
    #[prop_or_default]
    pub selected: Option<i64>,
    pub on_select: Callback<i64>,
    /// Extra drawing on top (outline editor, sensitive sites), given the fixed projection and the
    /// size of one screen pixel in user units.
    #[prop_or_default]
    pub overlay: Option<Callback<(Viewport, f64), Html>>,
    /// Clicks on empty map, as lon/lat (for drawing outlines).
    #[prop_or_default]
    pub on_map_click: Option<Callback<[f64; 2]>>,
    /// Start zoomed onto this box instead of the whole city.
    #[prop_or_default]
    pub focus: Option<BBox>,
    #[prop_or_default]
    pub label: Option<AttrValue>,
    /// The trade chosen in the filter: markers count its free stalls only.
    #[prop_or_default]
    pub trade: Option<TradeCategory>,
}

fn fitted(basemap: &[DistrictShape]) -> Viewport {
    let mut bbox = geo::XIAMEN_BBOX;
    let mut first = true;
    for d in basemap {
        for p in &d.polygons {
            if let Some(b) = BBox::of_rings(p) {
                bbox = if first { b } else { bbox.union(&b) };
                first = false;
            }
        }
    }
    Viewport::fit(&bbox, W, H, 150.0)
}

/// Green when many stalls are free, amber when few, grey when none; with a trade chosen, counting
/// that trade's free stalls only (a few means fewer than three).
pub fn free_class(z: &ZoneSummary, trade: Option<TradeCategory>) -> &'static str {
    let free = z.free_for(trade);
    let few = if trade.is_some() { free < 3 } else { free * 10 < z.stalls_total };
    if free == 0 {
        "full"
    } else if few {
        "few"
    } else {
        "many"
    }
}

#[derive(Default)]
struct Pointers {
    down: HashMap<i32, (f64, f64)>,
    moved: bool,
}

#[component]
pub fn ZoneMap(p: &ZoneMapProps) -> Html {
    let lang = use_lang();
    let svg_ref = use_node_ref();
    let base = use_memo(p.basemap.clone(), |b| fitted(b));
    let tile_source = crate::hooks::use_tile_source();
    let view = use_state(|| {
        let mut v = *base;
        if let Some(f) = p.focus {
            v.show(&f, 0.6);
        }
        v
    });
    let pointers = use_mut_ref(Pointers::default);
    // The element's size on screen, for constant-size markers. Kept from the last time it was
    // shown: a map inside a hidden pane measures 0 × 0, which must not blow the markers up.
    let size = use_state(|| None::<(f64, f64)>);

    let measure = {
        let svg_ref = svg_ref.clone();
        move || -> Option<(f64, f64, f64, f64)> {
            let el = svg_ref.cast::<Element>()?;
            let r = el.get_bounding_client_rect();
            Some((r.left(), r.top(), r.width(), r.height()))
        }
    };
    let to_user = {
        let measure = measure.clone();
        move |v: &Viewport, cx: f64, cy: f64| -> Option<(f64, f64)> {
            let (l, t, w, h) = measure()?;
            Some(v.screen_to_svg(cx - l, cy - t, w, h))
        }
    };
    // Re-measure whenever the element changes size (shown after being hidden, phone rotated).
    {
        let (svg_ref, size) = (svg_ref.clone(), size.clone());
        use_effect_with((), move |_| {
            let el = svg_ref.cast::<Element>();
            let update = {
                let svg_ref = svg_ref.clone();
                move || {
                    if let Some(el) = svg_ref.cast::<Element>() {
                        let r = el.get_bounding_client_rect();
                        if r.width() > 1.0 && r.height() > 1.0 {
                            size.set(Some((r.width(), r.height())));
                        }
                    }
                }
            };
            update();
            let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| update());
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, &el) {
                o.observe(el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(callback);
            }
        });
    }
    // What the map opens on: the caller's focus (a street chosen in a form), else the zones
    // shown (not the whole coastline). It follows the basemap arriving and the zones changing
    // (a filter) until the person moves the map themselves; a new focus always applies.
    let zones_box =
        use_memo(p.zones.clone(), |zs| BBox::of_points(&zs.iter().map(|z| [z.lon, z.lat]).collect::<Vec<_>>()));
    let moved_by_hand = use_mut_ref(|| false);
    {
        let (view, moved_by_hand, last_focus) = (view.clone(), moved_by_hand.clone(), use_mut_ref(|| None::<BBox>));
        use_effect_with((p.focus, *zones_box, *base), move |(focus, zones, base)| {
            let new_focus = *focus != *last_focus.borrow();
            *last_focus.borrow_mut() = *focus;
            if *moved_by_hand.borrow() && !new_focus {
                return;
            }
            let mut v = *base;
            match (focus, zones) {
                (Some(f), _) => v.show(f, 0.6),
                (None, Some(b)) => v.show(&b.padded(0.15), 0.9),
                (None, None) => {}
            }
            if v != *view {
                view.set(v);
            }
        });
    }

    // Marks the first render with markers, for the render-time benchmark (Performance API).
    {
        let has_zones = !p.zones.is_empty();
        use_effect_with(has_zones, move |has| {
            if *has
                && let Some(perf) = web_sys::window().and_then(|w| w.performance())
                && perf.get_entries_by_name("tangui-map-rendered").length() == 0
            {
                let _ = perf.mark("tangui-map-rendered");
            }
        });
    }

    // The view as of this render, for the wheel listener that outlives it.
    let current = use_mut_ref(|| *view);
    *current.borrow_mut() = *view;
    // Wheel zoom needs a non-passive listener to stop the page scrolling.
    {
        let (svg_ref, view, to_user, moved, current) =
            (svg_ref.clone(), view.clone(), to_user.clone(), moved_by_hand.clone(), current.clone());
        use_effect_with((), move |_| {
            let listener = svg_ref.cast::<Element>().map(|el| {
                let opts = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&el, "wheel", opts, move |e| {
                    let e = e.dyn_ref::<WheelEvent>().expect("wheel event");
                    e.prevent_default();
                    let mut v = *current.borrow();
                    *moved.borrow_mut() = true;
                    if let Some((x, y)) = to_user(&v, e.client_x() as f64, e.client_y() as f64) {
                        let factor = if e.delta_y() < 0.0 { 1.25 } else { 0.8 };
                        v.zoom_at(factor, x, y);
                        view.set(v);
                    }
                })
            });
            move || drop(listener)
        });
    }

    let on_pointer_down = {
        let pointers = pointers.clone();
        Callback::from(move |e: PointerEvent| {
            let mut ps = pointers.borrow_mut();
            ps.down.insert(e.pointer_id(), (e.client_x() as f64, e.client_y() as f64));
            ps.moved = false;
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                let _ = t.set_pointer_capture(e.pointer_id());
            }
        })
    };
    let on_pointer_move = {
        let (pointers, view, measure, moved) = (pointers.clone(), view.clone(), measure.clone(), moved_by_hand.clone());
        Callback::from(move |e: PointerEvent| {
            let mut ps = pointers.borrow_mut();
            let id = e.pointer_id();
            let Some(&(px, py)) = ps.down.get(&id) else { return };
            let (nx, ny) = (e.client_x() as f64, e.client_y() as f64);
            let Some((l, t, w, h)) = measure() else { return };
            let mut v = *view;
            let vb = v.view_box();
            let s = (w / vb[2]).min(h / vb[3]);
            if ps.down.len() >= 2 {
                // Pinch: zoom by the change in distance between the two pointers, about their middle.
                let other = ps.down.iter().find(|(k, _)| **k != id).map(|(_, p)| *p);
                if let Some((ox, oy)) = other {
                    let before = ((px - ox).powi(2) + (py - oy).powi(2)).sqrt();
                    let after = ((nx - ox).powi(2) + (ny - oy).powi(2)).sqrt();
                    if before > 4.0 {
                        let (mx, my) = v.screen_to_svg((nx + ox) / 2.0 - l, (ny + oy) / 2.0 - t, w, h);
                        v.zoom_at(after / before, mx, my);
                    }
                }
            } else {
                v.pan((nx - px) / s, (ny - py) / s);
            }
            if (nx - px).abs() + (ny - py).abs() > 2.0 {
                ps.moved = true;
                *moved.borrow_mut() = true;
            }
            ps.down.insert(id, (nx, ny));
            view.set(v);
        })
    };
    let on_pointer_up = {
        let (pointers, view, to_user, on_map_click) =
            (pointers.clone(), view.clone(), to_user.clone(), p.on_map_click.clone());
        Callback::from(move |e: PointerEvent| {
            let mut ps = pointers.borrow_mut();
            ps.down.remove(&e.pointer_id());
            let is_background = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|t| t.closest(".zone-marker").ok().flatten().is_none());
            if !ps.moved
                && is_background
                && let (Some(cb), Some((x, y))) =
                    (&on_map_click, to_user(&view, e.client_x() as f64, e.client_y() as f64))
            {
                cb.emit(view.unproject(x, y));
            }
        })
    };
    let zoom_by = |factor: f64| {
        let (view, moved) = (view.clone(), moved_by_hand.clone());
        Callback::from(move |_| {
            *moved.borrow_mut() = true;
            let mut v = *view;
            let vb = v.view_box();
            v.zoom_at(factor, vb[0] + vb[2] / 2.0, vb[1] + vb[3] / 2.0);
            view.set(v);
        })
    };
    let fit_all = {
        let (view, zones_box) = (view.clone(), *zones_box);
        Callback::from(move |_| {
            let mut v = *view;
            match zones_box {
                Some(b) => v.show(&b.padded(0.15), 0.9),
                None => v.reset(),
            }
            view.set(v);
        })
    };
    let on_key = {
        let (view, zones_box, moved) = (view.clone(), *zones_box, moved_by_hand.clone());
        Callback::from(move |e: KeyboardEvent| {
            *moved.borrow_mut() = true;
            let mut v = *view;
            let vb = v.view_box();
            let step = vb[2] * 0.1;
            let (cx, cy) = (vb[0] + vb[2] / 2.0, vb[1] + vb[3] / 2.0);
            match e.key().as_str() {
                "ArrowLeft" => v.pan(step, 0.0),
                "ArrowRight" => v.pan(-step, 0.0),
                "ArrowUp" => v.pan(0.0, step),
                "ArrowDown" => v.pan(0.0, -step),
                "+" | "=" => v.zoom_at(1.5, cx, cy),
                "-" | "_" => v.zoom_at(1.0 / 1.5, cx, cy),
                "0" => match zones_box {
                    Some(b) => v.show(&b.padded(0.15), 0.9),
                    None => v.reset(),
                },
                _ => return,
            }
            e.prevent_default();
            view.set(v);
        })
    };

    let basemap_html = use_memo((p.basemap.clone(), *base), |(b, vp)| {
        html! {
            <g class="basemap">
                { for b.iter().map(|d| {
                    let dpath: String = d.polygons.iter().map(|poly| geo::svg_path_d(poly, vp)).collect::<Vec<_>>().join(" ");
                    html! { <path class="district" data-district={d.code.clone()} d={dpath} fill-rule="evenodd" /> }
                }) }
            </g>
        }
    });
    let labels = {
        let vp = *base;
        p.basemap
            .iter()
            .filter_map(|d| {
                let biggest =
                    d.polygons.iter().max_by(|a, b| geo::ring_area_m2(&a[0]).total_cmp(&geo::ring_area_m2(&b[0])))?;
                let (x, y) = vp.project(geo::ring_centroid(&biggest[0]));
                Some((x, y, lang.either(&d.name_zh, &d.name_en).to_string()))
            })
            .collect::<Vec<_>>()
    };

    let v = *view;
    let vb = v.view_box();
    // The street map, when the operator configured a tile source: the tiles covering the view
    // (with a margin for the letterboxing of the SVG), in the same projection as the zones.
    let tile_layer = match (&tile_source, *size) {
        (Some(src), Some((w, _))) => {
            let (tiles, shift) = common::tiles::tiles_for(&v.visible_bbox().padded(0.2), w * 1.4, src);
            html! {
                <g class="tiles" aria-hidden="true">
                    { for tiles.into_iter().map(|t| {
                        let b = t.bounds();
                        let (x0, y0) = base.project([b.min_lon + shift[0], b.max_lat + shift[1]]);
                        let (x1, y1) = base.project([b.max_lon + shift[0], b.min_lat + shift[1]]);
                        html! {
                            <image key={format!("{}/{}/{}", t.z, t.x, t.y)} class="tile" href={src.tile_url(t)} data-tile={format!("{}/{}/{}", t.z, t.x, t.y)}
                                x={x0.to_string()} y={y0.to_string()} width={(x1 - x0).to_string()} height={(y1 - y0).to_string()}
                                preserveAspectRatio="none" />
                        }
                    }) }
                </g>
            }
        }
        _ => html! {},
    };
    // User units per screen pixel; before the first measurement, as if 1000 px wide.
    let unit = match *size {
        Some((w, h)) => 1.0 / (w / vb[2]).min(h / vb[3]).max(1e-9),
        None => vb[2] / 1000.0,
    };
    let zoom = v.zoom();
    let markers = p.zones.iter().map(|z| {
        let (x, y) = base.project([z.lon, z.lat]);
        // Smaller on a phone, where 150 zones share a few hundred pixels.
        let small = size.is_some_and(|(w, _)| w < 600.0);
        let r = if small { (3.0 + (z.stalls_total as f64).sqrt() * 0.5).min(9.0) } else { (4.0 + (z.stalls_total as f64).sqrt() * 0.9).min(14.0) } * unit;
        let selected = p.selected == Some(z.id);
        let on_select = p.on_select.clone();
        let id = z.id;
        let onclick = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_select.emit(id);
        });
        let class = classes!("zone-marker", free_class(z, p.trade), (z.kind == ZoneKind::Temporary).then_some("temporary"), selected.then_some("selected"));
        let free = z.free_for(p.trade);
        let title = match p.trade {
            Some(c) => format!("{} · {} {} {}", z.name, lang.either(c.name_zh(), c.name_en()), lang.t(S::FreeOfTrade), free),
            None => format!("{} · {} {}/{}", z.name, lang.t(S::FreeOfTrade), free, z.stalls_total),
        };
        let shape = if z.kind == ZoneKind::Temporary {
            let pts = format!("{},{} {},{} {},{} {},{}", x, y - r * 1.3, x + r * 1.3, y, x, y + r * 1.3, x - r * 1.3, y);
            html! { <polygon points={pts} stroke-width={(1.5 * unit).to_string()} /> }
        } else {
            html! { <circle cx={x.to_string()} cy={y.to_string()} r={r.to_string()} stroke-width={(1.5 * unit).to_string()} /> }
        };
        html! {
            <g class={class} data-zone-id={z.id.to_string()} data-code={z.code.clone()} data-district={z.district.code()} data-free={free.to_string()}
                onclick={onclick} onpointerdown={Callback::from(|e: PointerEvent| e.stop_propagation())}>
                <title>{ title }</title>
                if selected {
                    <circle class="halo" cx={x.to_string()} cy={y.to_string()} r={(r * 1.9).to_string()} stroke-width={(2.0 * unit).to_string()} />
                }
                { shape }
            </g>
        }
    });
    let label = p.label.clone().unwrap_or_else(|| {
        AttrValue::from(if lang.is_en() {
            "Map of vending zones. Arrow keys pan, + and − zoom, 0 shows everything."
        } else {
            "摊规点地图。方向键平移，+ 和 − 缩放，0 显示全部摊规点。"
        })
    });

    html! {
        <div class="zone-map">
            <svg ref={svg_ref} class={classes!("map-svg", tile_source.is_some().then_some("has-tiles"))} viewBox={v.view_box_string()} tabindex="0" role="application"
                aria-label={label} data-zoom={format!("{zoom:.3}")} data-viewbox={v.view_box_string()}
                onpointerdown={on_pointer_down} onpointermove={on_pointer_move} onpointerup={on_pointer_up.clone()}
                onpointercancel={on_pointer_up} onkeydown={on_key}>
                <rect class="sea" x="-20000" y="-20000" width="50000" height="50000" />
                { tile_layer }
                { (*basemap_html).clone() }
                <g class="district-labels" aria-hidden="true">
                    { for labels.into_iter().map(|(x, y, name)| html! {
                        <text x={x.to_string()} y={y.to_string()} font-size={(13.0 * unit).to_string()} text-anchor="middle">{ name }</text>
                    }) }
                </g>
                if let Some(o) = &p.overlay { { o.emit((*base, unit)) } }
                <g class="zones">{ for markers }</g>
            </svg>
            if let Some(src) = &tile_source {
                <p class="map-attribution" id="map-attribution">{ &src.attribution }</p>
            }
            <div class="map-controls" role="group" aria-label={if lang.is_en() { "Map controls" } else { "地图控制" }}>
                <button type="button" class="zoom-in" aria-label={if lang.is_en() { "Zoom in" } else { "放大" }} onclick={zoom_by(1.5)}>{ "+" }</button>
                <button type="button" class="zoom-out" aria-label={if lang.is_en() { "Zoom out" } else { "缩小" }} onclick={zoom_by(1.0 / 1.5)}>{ "−" }</button>
                <button type="button" class="fit-all" aria-label={if lang.is_en() { "Show all" } else { "显示全部" }} onclick={fit_all}>{ "⤢" }</button>
            </div>
        </div>
    }
}

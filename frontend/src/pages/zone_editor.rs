//! Create or edit a zone: details, opening hours, outline drawn on the map or pasted, siting
//! warnings while drawing, stall layout, status, stalls out of use, and the change history.

use std::rc::Rc;

use common::dto::zones::{
    CreateZoneRequest, SensitiveSiteView, SitingCheck, SitingWarning, StallStateChange, StallView, UpdateZoneRequest,
    ZoneDetail, ZoneSaved, ZoneStatusChange,
};
use common::geo::{self, BBox};
use common::zone::{EVERY_DAY, HoursWindow, StallLayout, StallRow, StallState, ZoneInput, ZoneKind, ZoneStatus};
use common::{District, FieldError, TradeCategory};
use gloo::net::http::Method;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::alert::{ErrorAlert, Success};
use crate::components::field::{TextField, errors_for};
use crate::components::zone_map::{DistrictShape, ZoneMap, parse_basemap};
use crate::i18n::{Lang, S, use_lang};
use crate::pages::admin_zones::AdminOnly;

#[derive(Properties, PartialEq)]
pub struct ZoneEditorProps {
    #[prop_or_default]
    pub id: Option<i64>,
}

#[component]
pub fn ZoneEditorPage(p: &ZoneEditorProps) -> Html {
    html! { <AdminOnly><Editor id={p.id} /></AdminOnly> }
}

fn new_zone() -> ZoneInput {
    ZoneInput {
        code: String::new(),
        name: String::new(),
        district: District::Siming,
        address: String::new(),
        kind: ZoneKind::Permanent,
        geometry: Vec::new(),
        hours: vec![HoursWindow::new(&EVERY_DAY, "17:00", "22:00", None)],
        categories: vec![TradeCategory::CookedFood],
        banned: vec!["明火烧烤".into()],
        stall_width_m: 2.0,
        stall_depth_m: 2.0,
        fee_yuan_month: 0,
        fee_note: String::new(),
        managing_unit: "思明区城市管理局".into(),
        contact_phone: "12345".into(),
        site_name: None,
        site_contractor: None,
        valid_from: None,
        valid_until: None,
    }
}

/// The outer ring as typed or clicked (open), closed for saving once it has three points.
fn closed(points: &[[f64; 2]]) -> Vec<Vec<[f64; 2]>> {
    if points.len() < 3 {
        return Vec::new();
    }
    let mut r = points.to_vec();
    geo::close_ring(&mut r);
    geo::set_orientation(&mut r, true);
    vec![r]
}

/// Accepts a JSON ring `[[lon,lat],…]` (or a polygon `[[[…]]]`) or lines of `lon,lat`.
pub fn parse_coordinates(text: &str) -> Option<Vec<[f64; 2]>> {
    let t = text.trim();
    if let Ok(r) = serde_json::from_str::<Vec<[f64; 2]>>(t) {
        return Some(r);
    }
    if let Ok(mut p) = serde_json::from_str::<Vec<Vec<[f64; 2]>>>(t) {
        return p.drain(..).next();
    }
    t.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split([',', ' ', '\t']).filter(|s| !s.is_empty()).map(|s| s.trim().parse::<f64>());
            Some([it.next()?.ok()?, it.next()?.ok()?])
        })
        .collect()
}

#[component]
fn Editor(p: &ZoneEditorProps) -> Html {
    let lang = use_lang();
    let navigator = use_navigator().expect("inside router");
    let form = use_state(new_zone);
    let points = use_state(Vec::<[f64; 2]>::new);
    let layout = use_state(|| {
        vec![StallRow {
            prefix: "A".into(),
            count: 10,
            category: TradeCategory::CookedFood,
            width_m: 2.0,
            depth_m: 2.0,
        }]
    });
    let version = use_state(|| 0i32);
    let loaded = use_state(|| p.id.is_none());
    let submitted = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let warnings = use_state(Vec::<SitingWarning>::new);
    let saved = use_state(|| false);
    let paste = use_state(String::new);
    let basemap = use_state(|| Rc::new(Vec::<DistrictShape>::new()));
    let sites = use_state(Vec::<SensitiveSiteView>::new);
    let stalls = use_state(Vec::<StallView>::new);
    let status = use_state(|| ZoneStatus::Active);
    let reload = use_state(|| 0u32);

    {
        let (basemap, sites) = (basemap.clone(), sites.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(v) = api::get::<serde_json::Value>("/api/v1/public/districts.geojson").await {
                    basemap.set(Rc::new(parse_basemap(&v)));
                }
                if let Ok(s) = api::get::<Vec<SensitiveSiteView>>("/api/v1/sensitive-sites").await {
                    sites.set(s);
                }
            });
        });
    }
    {
        let (form, points, version, loaded, stalls, status, error) = (
            form.clone(),
            points.clone(),
            version.clone(),
            loaded.clone(),
            stalls.clone(),
            status.clone(),
            error.clone(),
        );
        use_effect_with((p.id, *reload), move |(id, _)| {
            if let Some(id) = *id {
                yew::platform::spawn_local(async move {
                    match api::get::<ZoneDetail>(&format!("/api/v1/zones/{id}")).await {
                        Ok(z) => {
                            let mut ring = z.geometry.first().cloned().unwrap_or_default();
                            if geo::ring_is_closed(&ring) {
                                ring.pop();
                            }
                            points.set(ring);
                            version.set(z.version);
                            status.set(z.status);
                            form.set(ZoneInput {
                                code: z.code,
                                name: z.name,
                                district: z.district,
                                address: z.address,
                                kind: z.kind,
                                geometry: z.geometry,
                                hours: z.hours,
                                categories: z.categories,
                                banned: z.banned,
                                stall_width_m: z.stall_width_m,
                                stall_depth_m: z.stall_depth_m,
                                fee_yuan_month: z.fee_yuan_month,
                                fee_note: z.fee_note,
                                managing_unit: z.managing_unit,
                                contact_phone: z.contact_phone,
                                site_name: z.site_name,
                                site_contractor: z.site_contractor,
                                valid_from: z.valid_from,
                                valid_until: z.valid_until,
                            });
                            if let Ok(s) = api::get::<Vec<StallView>>(&format!("/api/v1/zones/{id}/stalls")).await {
                                stalls.set(s);
                            }
                            loaded.set(true);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }
    // Siting warnings follow the outline as it is drawn.
    {
        let warnings = warnings.clone();
        use_effect_with((*points).clone(), move |pts| {
            let geometry = closed(pts);
            if geometry.is_empty() {
                warnings.set(Vec::new());
            } else {
                yew::platform::spawn_local(async move {
                    if let Ok(w) =
                        api::post::<_, Vec<SitingWarning>>("/api/v1/zones/siting-check", &SitingCheck { geometry })
                            .await
                    {
                        warnings.set(w);
                    }
                });
            }
        });
    }

    if !*loaded {
        return html! { <section class="page"><ErrorAlert error={(*error).clone()} /><p aria-busy="true">{ lang.t(S::Loading) }</p></section> };
    }

    let mut input = (*form).clone();
    input.geometry = closed(&points);
    let layout_value = StallLayout { rows: (*layout).clone() };
    let mut local: Vec<FieldError> = if *submitted { input.validate() } else { Vec::new() };
    if *submitted && p.id.is_none() {
        local.extend(layout_value.validate().into_iter().map(|mut e| {
            e.field = format!("layout.{}", e.field);
            e
        }));
    }
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let all: Vec<FieldError> = local.into_iter().chain(server).collect();

    let set = |f: fn(&mut ZoneInput, String)| {
        let (form, saved) = (form.clone(), saved.clone());
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
            saved.set(false);
        })
    };
    let on_district = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut next = (*form).clone();
            if let Some(d) = District::from_code(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                next.district = d;
                next.managing_unit = format!("{}城市管理局", d.name_zh());
            }
            form.set(next);
        })
    };
    let on_kind = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut next = (*form).clone();
            next.kind =
                ZoneKind::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()).unwrap_or(ZoneKind::Permanent);
            form.set(next);
        })
    };
    let toggle_category = |c: TradeCategory| {
        let form = form.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            if let Some(i) = next.categories.iter().position(|x| *x == c) {
                next.categories.remove(i);
            } else {
                next.categories.push(c);
            }
            form.set(next);
        })
    };
    let set_hours = |i: usize, f: fn(&mut HoursWindow, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*form).clone();
            if let Some(w) = next.hours.get_mut(i) {
                f(w, v);
            }
            form.set(next);
        })
    };
    let toggle_day = |i: usize, d: u8| {
        let form = form.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            if let Some(w) = next.hours.get_mut(i) {
                if let Some(k) = w.days.iter().position(|x| *x == d) {
                    w.days.remove(k);
                } else {
                    w.days.push(d);
                    w.days.sort_unstable();
                }
            }
            form.set(next);
        })
    };
    let add_window = {
        let form = form.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            next.hours.push(HoursWindow::new(&EVERY_DAY, "06:30", "09:00", None));
            form.set(next);
        })
    };
    let remove_window = |i: usize| {
        let form = form.clone();
        Callback::from(move |_| {
            let mut next = (*form).clone();
            if i < next.hours.len() {
                next.hours.remove(i);
            }
            form.set(next);
        })
    };
    let on_map_click = {
        let points = points.clone();
        Callback::from(move |ll: [f64; 2]| {
            let mut next = (*points).clone();
            next.push([(ll[0] * 1e6).round() / 1e6, (ll[1] * 1e6).round() / 1e6]);
            points.set(next);
        })
    };
    let undo = {
        let points = points.clone();
        Callback::from(move |_| {
            let mut next = (*points).clone();
            next.pop();
            points.set(next);
        })
    };
    let clear = {
        let points = points.clone();
        Callback::from(move |_| points.set(Vec::new()))
    };
    let apply_paste = {
        let (points, paste, error) = (points.clone(), paste.clone(), error.clone());
        Callback::from(move |_| match parse_coordinates(&paste) {
            Some(mut r) if r.len() >= 3 => {
                if geo::ring_is_closed(&r) {
                    r.pop();
                }
                points.set(r);
                error.set(None);
            }
            _ => error.set(Some(ApiError::Validation(common::Problem {
                type_uri: "/problems/validation".into(),
                title: "Coordinates not understood".into(),
                title_zh: "无法识别坐标".into(),
                status: 422,
                detail: None,
                detail_zh: None,
                errors: vec![FieldError::new(
                    "geometry",
                    "paste",
                    "请粘贴 [[经度,纬度],…] 或每行一个“经度,纬度”",
                    "Paste [[lon,lat],…] or one \"lon,lat\" per line",
                )],
                request_id: None,
            }))),
        })
    };
    let on_paste_input = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| paste.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let set_row = |i: usize, f: fn(&mut StallRow, String)| {
        let layout = layout.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*layout).clone();
            if let Some(r) = next.get_mut(i) {
                f(r, v);
            }
            layout.set(next);
        })
    };
    let set_row_category = |i: usize| {
        let layout = layout.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = (*layout).clone();
            if let (Some(r), Some(c)) = (next.get_mut(i), TradeCategory::parse(&v)) {
                r.category = c;
            }
            layout.set(next);
        })
    };
    let add_row = {
        let layout = layout.clone();
        Callback::from(move |_| {
            let mut next = (*layout).clone();
            let prefix = ((b'A' + next.len() as u8) as char).to_string();
            next.push(StallRow { prefix, count: 10, category: TradeCategory::DailyGoods, width_m: 2.0, depth_m: 2.0 });
            layout.set(next);
        })
    };
    let remove_row = |i: usize| {
        let layout = layout.clone();
        Callback::from(move |_| {
            let mut next = (*layout).clone();
            if i < next.len() {
                next.remove(i);
            }
            layout.set(next);
        })
    };

    let onsubmit = {
        let (submitted, error, warnings, saved, version, navigator, reload) = (
            submitted.clone(),
            error.clone(),
            warnings.clone(),
            saved.clone(),
            version.clone(),
            navigator.clone(),
            reload.clone(),
        );
        let (input, layout_value, id) = (input.clone(), layout_value.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submitted.set(true);
            let mut normalised = input.clone();
            normalised.normalise();
            if !normalised.validate().is_empty() || (id.is_none() && !layout_value.validate().is_empty()) {
                return;
            }
            let (error, warnings, saved, version, navigator, reload) =
                (error.clone(), warnings.clone(), saved.clone(), version.clone(), navigator.clone(), reload.clone());
            let layout_value = layout_value.clone();
            yew::platform::spawn_local(async move {
                let r = match id {
                    None => {
                        api::post::<_, ZoneSaved>(
                            "/api/v1/zones",
                            &CreateZoneRequest { zone: normalised, layout: layout_value },
                        )
                        .await
                    }
                    Some(id) => {
                        api::request::<_, ZoneSaved>(
                            Method::PUT,
                            &format!("/api/v1/zones/{id}"),
                            Some(&UpdateZoneRequest { version: *version, zone: normalised }),
                        )
                        .await
                    }
                };
                match r {
                    Ok(s) => {
                        error.set(None);
                        warnings.set(s.warnings);
                        saved.set(true);
                        version.set(s.zone.version);
                        if id.is_none() {
                            navigator.push(&Route::AdminZoneEdit { id: s.zone.id });
                        } else {
                            reload.set(*reload + 1);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let overlay = {
        let (pts, sites) = ((*points).clone(), (*sites).clone());
        Callback::from(move |(vp, unit): (geo::Viewport, f64)| {
            let path = if pts.len() >= 2 {
                let d = pts
                    .iter()
                    .enumerate()
                    .map(|(i, q)| {
                        let (x, y) = vp.project(*q);
                        format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" })
                    })
                    .collect::<String>()
                    + if pts.len() >= 3 { " Z" } else { "" };
                html! { <path class="draft-outline" d={d} stroke-width={(2.0 * unit).to_string()} /> }
            } else {
                html! {}
            };
            html! {
                <g class="editor-overlay">
                    { for sites.iter().map(|s| {
                        let (x, y) = vp.project([s.lon, s.lat]);
                        let r = s.buffer_m * vp.units_per_metre(s.lat);
                        html! { <circle class="site-buffer" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} stroke-width={unit.to_string()}>
                            <title>{ format!("{} ({} m)", s.name, s.buffer_m) }</title></circle> }
                    }) }
                    { path }
                    { for pts.iter().map(|q| {
                        let (x, y) = vp.project(*q);
                        html! { <circle class="vertex" cx={x.to_string()} cy={y.to_string()} r={(4.0 * unit).to_string()} /> }
                    }) }
                </g>
            }
        })
    };
    let focus = BBox::of_points(&points).map(|b| {
        let pad = 0.004;
        BBox { min_lon: b.min_lon - pad, min_lat: b.min_lat - pad, max_lon: b.max_lon + pad, max_lat: b.max_lat + pad }
    });
    let geometry_errors: Vec<FieldError> = all.iter().filter(|e| e.field.starts_with("geometry")).cloned().collect();
    let f = &*form;

    html! {
        <section class="page">
            <p><Link<Route> to={Route::AdminZones}>{ "← " }{ lang.t(S::ZoneAdminTitle) }</Link<Route>></p>
            <h1>{ if p.id.is_some() { lang.t(S::EditZone) } else { lang.t(S::NewZone) } }</h1>
            if *saved { <Success>{ lang.t(S::Saved) }</Success> }
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            if !warnings.is_empty() {
                <div class="alert warn" role="status" id="siting-warnings">
                    <p><strong>{ lang.t(S::SitingWarnings) }</strong></p>
                    <ul>{ for warnings.iter().map(|w| html! { <li>{ if lang.is_en() { w.message_en() } else { w.message_zh() } }</li> }) }</ul>
                </div>
            }
            <form class="form editor" onsubmit={onsubmit} novalidate=true>
                <div class="two-col">
                    <div>
                        <TextField id="code" label={lang.t(S::Code)} hint={lang.t(S::CodeHint)} value={f.code.clone()} oninput={set(|z, v| z.code = v)} errors={errors_for(&all, "code")} />
                        <TextField id="name" label={lang.t(S::Name)} value={f.name.clone()} oninput={set(|z, v| z.name = v)} errors={errors_for(&all, "name")} />
                        <div class="field">
                            <label for="district">{ lang.t(S::District) }</label>
                            <select id="district" onchange={on_district}>
                                { for District::ALL.into_iter().map(|d| html! { <option value={d.code()} selected={f.district == d}>{ lang.either(d.name_zh(), d.name_en()) }</option> }) }
                            </select>
                        </div>
                        <TextField id="address" label={lang.t(S::Address)} value={f.address.clone()} oninput={set(|z, v| z.address = v)} errors={errors_for(&all, "address")} />
                        <div class="field">
                            <label for="kind">{ lang.t(S::Kind) }</label>
                            <select id="kind" onchange={on_kind}>
                                { for [ZoneKind::Permanent, ZoneKind::Temporary].into_iter().map(|k| html! { <option value={k.as_str()} selected={f.kind == k}>{ lang.either(k.name_zh(), k.name_en()) }</option> }) }
                            </select>
                        </div>
                        if f.kind == ZoneKind::Temporary {
                            <TextField id="site_name" label={lang.t(S::Site)} value={f.site_name.clone().unwrap_or_default()} oninput={set(|z, v| z.site_name = Some(v))} errors={errors_for(&all, "site_name")} />
                            <TextField id="site_contractor" label={lang.t(S::Contractor)} required={false} value={f.site_contractor.clone().unwrap_or_default()} oninput={set(|z, v| z.site_contractor = Some(v).filter(|s| !s.is_empty()))} />
                            <TextField id="valid_from" label={lang.t(S::ValidFrom)} input_type="date" required={false} value={f.valid_from.map(|d| d.to_string()).unwrap_or_default()} oninput={set(|z, v| z.valid_from = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())} errors={errors_for(&all, "valid_from")} />
                            <TextField id="valid_until" label={lang.t(S::ValidUntil)} input_type="date" value={f.valid_until.map(|d| d.to_string()).unwrap_or_default()} oninput={set(|z, v| z.valid_until = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())} errors={errors_for(&all, "valid_until")} />
                        }
                        <fieldset class="field">
                            <legend>{ lang.t(S::AllowedTrades) }</legend>
                            { for TradeCategory::ALL.into_iter().map(|c| html! {
                                <label class="check"><input type="checkbox" checked={f.categories.contains(&c)} onchange={toggle_category(c)} />{ lang.either(c.name_zh(), c.name_en()) }</label>
                            }) }
                            { errors_list(lang, &errors_for(&all, "categories")) }
                        </fieldset>
                        <TextField id="banned" label={lang.t(S::BannedTrades)} hint={lang.t(S::CommaSeparated)} required={false} value={f.banned.join("、")}
                            oninput={set(|z, v| z.banned = v.split(['、', ',', '，']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())} errors={errors_for(&all, "banned")} />
                        <div class="inline-fields">
                            <TextField id="stall_width_m" label={lang.t(S::StallWidth)} input_type="number" value={f.stall_width_m.to_string()} oninput={set(|z, v| z.stall_width_m = v.parse().unwrap_or(0.0))} errors={errors_for(&all, "stall_width_m")} />
                            <TextField id="stall_depth_m" label={lang.t(S::StallDepth)} input_type="number" value={f.stall_depth_m.to_string()} oninput={set(|z, v| z.stall_depth_m = v.parse().unwrap_or(0.0))} errors={errors_for(&all, "stall_depth_m")} />
                            <TextField id="fee" label={lang.t(S::FeeMonthly)} input_type="number" value={f.fee_yuan_month.to_string()} oninput={set(|z, v| z.fee_yuan_month = v.parse().unwrap_or(-1))} errors={errors_for(&all, "fee_yuan_month")} />
                        </div>
                        <TextField id="fee_note" label={lang.t(S::FeeNote)} required={false} value={f.fee_note.clone()} oninput={set(|z, v| z.fee_note = v)} />
                        <TextField id="managing_unit" label={lang.t(S::ManagingUnit)} value={f.managing_unit.clone()} oninput={set(|z, v| z.managing_unit = v)} errors={errors_for(&all, "managing_unit")} />
                        <TextField id="contact_phone" label={lang.t(S::Contact)} required={false} value={f.contact_phone.clone()} oninput={set(|z, v| z.contact_phone = v)} />
                        <fieldset class="field hours-editor">
                            <legend>{ lang.t(S::Hours) }</legend>
                            { for f.hours.iter().enumerate().map(|(i, w)| html! {
                                <div class="window">
                                    <div class="days">
                                        { for (1u8..=7).map(|d| html! {
                                            <label class="day"><input type="checkbox" checked={w.days.contains(&d)} onchange={toggle_day(i, d)} />{ day_name(lang, d) }</label>
                                        }) }
                                    </div>
                                    <label>{ lang.t(S::From) }<input type="time" value={w.start.clone()} onchange={set_hours(i, |w, v| w.start = v)} /></label>
                                    <label>{ lang.t(S::To) }<input type="time" value={w.end.clone()} onchange={set_hours(i, |w, v| w.end = if v == "00:00" { "24:00".into() } else { v })} /></label>
                                    <label>{ lang.t(S::SessionLabel) }<input type="text" value={w.label.clone().unwrap_or_default()} onchange={set_hours(i, |w, v| w.label = Some(v).filter(|s| !s.is_empty()))} /></label>
                                    <button type="button" class="link-button" onclick={remove_window(i)}>{ lang.t(S::Remove) }</button>
                                    { errors_list(lang, &all.iter().filter(|e| e.field.starts_with(&format!("hours[{i}]"))).cloned().collect::<Vec<_>>()) }
                                </div>
                            }) }
                            <button type="button" class="button small" onclick={add_window}>{ lang.t(S::AddWindow) }</button>
                            { errors_list(lang, &errors_for(&all, "hours")) }
                        </fieldset>
                    </div>
                    <div>
                        <h2>{ lang.t(S::Outline) }</h2>
                        <p class="muted small">{ lang.t(S::OutlineHelp) }</p>
                        <ZoneMap basemap={(*basemap).clone()} zones={Rc::new(Vec::new())} on_select={Callback::noop()}
                            on_map_click={on_map_click} overlay={overlay} focus={focus} label={lang.t(S::OutlineHelp)} />
                        <div class="actions">
                            <button type="button" class="button small" onclick={undo} disabled={points.is_empty()}>{ lang.t(S::UndoPoint) }</button>
                            <button type="button" class="button small" onclick={clear} disabled={points.is_empty()}>{ lang.t(S::ClearOutline) }</button>
                            <span class="muted small" id="point-count">{ format!("{} {}", points.len(), lang.t(S::Points)) }</span>
                        </div>
                        { errors_list(lang, &geometry_errors) }
                        <div class="field">
                            <label for="paste">{ lang.t(S::PasteCoordinates) }</label>
                            <textarea id="paste" rows="3" oninput={on_paste_input} value={(*paste).clone()} placeholder="[[118.0901,24.4702],[118.0905,24.4702],[118.0905,24.4699]]" />
                            <button type="button" class="button small" id="apply-paste" onclick={apply_paste}>{ lang.t(S::ApplyCoordinates) }</button>
                        </div>
                        if p.id.is_none() {
                            <fieldset class="field layout-editor">
                                <legend>{ lang.t(S::StallLayoutTitle) }</legend>
                                { layout_rows(lang, &layout, &set_row, &set_row_category, &remove_row, &all) }
                                <button type="button" class="button small" onclick={add_row}>{ lang.t(S::AddRow) }</button>
                            </fieldset>
                        }
                    </div>
                </div>
                <button type="submit" class="button primary">{ lang.t(S::Save) }</button>
            </form>
            if let Some(id) = p.id {
                <ZoneStatusForm id={id} status={*status} on_done={{ let r = reload.clone(); Callback::from(move |_| r.set(*r + 1)) }} />
                <StallManager id={id} stalls={(*stalls).clone()} on_done={{ let r = reload.clone(); Callback::from(move |_| r.set(*r + 1)) }} />
                <ZoneHistory id={id} reload={*reload} />
            }
        </section>
    }
}

type RowSetter<'a> = &'a dyn Fn(usize, fn(&mut StallRow, String)) -> Callback<Event>;

fn layout_rows(
    lang: Lang,
    rows: &[StallRow],
    set_row: RowSetter,
    set_cat: &dyn Fn(usize) -> Callback<Event>,
    remove: &dyn Fn(usize) -> Callback<MouseEvent>,
    all: &[FieldError],
) -> Html {
    html! {
        <div class="layout-rows">
            { for rows.iter().enumerate().map(|(i, r)| html! {
                <div class="layout-row">
                    <label>{ lang.t(S::RowPrefix) }<input type="text" value={r.prefix.clone()} size="3" onchange={set_row(i, |r, v| r.prefix = v.trim().to_uppercase())} /></label>
                    <label>{ lang.t(S::Count) }<input type="number" value={r.count.to_string()} min="1" max="200" onchange={set_row(i, |r, v| r.count = v.parse().unwrap_or(0))} /></label>
                    <label>{ lang.t(S::Category) }
                        <select onchange={set_cat(i)}>
                            { for TradeCategory::ALL.into_iter().map(|c| html! { <option value={c.as_str()} selected={r.category == c}>{ lang.either(c.name_zh(), c.name_en()) }</option> }) }
                        </select>
                    </label>
                    <label>{ lang.t(S::StallWidth) }<input type="number" step="0.1" value={r.width_m.to_string()} onchange={set_row(i, |r, v| r.width_m = v.parse().unwrap_or(0.0))} /></label>
                    <label>{ lang.t(S::StallDepth) }<input type="number" step="0.1" value={r.depth_m.to_string()} onchange={set_row(i, |r, v| r.depth_m = v.parse().unwrap_or(0.0))} /></label>
                    <button type="button" class="link-button" onclick={remove(i)}>{ lang.t(S::Remove) }</button>
                    { errors_list(lang, &all.iter().filter(|e| e.field.contains(&format!("rows[{i}]"))).cloned().collect::<Vec<_>>()) }
                </div>
            }) }
            { errors_list(lang, &all.iter().filter(|e| e.field.ends_with("rows")).cloned().collect::<Vec<_>>()) }
        </div>
    }
}

fn errors_list(lang: Lang, errors: &[FieldError]) -> Html {
    if errors.is_empty() {
        return html! {};
    }
    html! { <ul class="field-errors">{ for errors.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> }
}

fn day_name(lang: Lang, d: u8) -> &'static str {
    const ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    const EN: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let i = (d as usize).clamp(1, 7) - 1;
    if lang.is_en() { EN[i] } else { ZH[i] }
}

#[derive(Properties, PartialEq)]
struct StatusProps {
    id: i64,
    status: ZoneStatus,
    on_done: Callback<()>,
}

#[component]
fn ZoneStatusForm(p: &StatusProps) -> Html {
    let lang = use_lang();
    let target = use_state(|| p.status);
    let reason = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            target.set(
                ZoneStatus::parse(&e.target_unchecked_into::<HtmlSelectElement>().value())
                    .unwrap_or(ZoneStatus::Active),
            )
        })
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |v: String| reason.set(v))
    };
    let submit = {
        let (target, reason, error, on_done, id) =
            (target.clone(), reason.clone(), error.clone(), p.on_done.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = ZoneStatusChange { status: *target, reason: (*reason).clone() };
            let (error, on_done) = (error.clone(), on_done.clone());
            yew::platform::spawn_local(async move {
                match api::post::<_, ZoneDetail>(&format!("/api/v1/zones/{id}/status"), &body).await {
                    Ok(_) => {
                        error.set(None);
                        on_done.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let errs = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    html! {
        <section class="card">
            <h2>{ lang.t(S::Status) }{ "：" }{ lang.either(p.status.name_zh(), p.status.name_en()) }</h2>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            <form class="form inline" onsubmit={submit}>
                <div class="field">
                    <label for="new-status">{ lang.t(S::ChangeStatusTo) }</label>
                    <select id="new-status" onchange={on_target}>
                        { for [ZoneStatus::Active, ZoneStatus::Suspended, ZoneStatus::Closed].into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={*target == s}>{ lang.either(s.name_zh(), s.name_en()) }</option>
                        }) }
                    </select>
                </div>
                <TextField id="status-reason" label={lang.t(S::Reason)} required={false} value={(*reason).clone()} oninput={on_reason} errors={errors_for(&errs, "reason")} />
                <button type="submit" class="button" disabled={*target == p.status}>{ lang.t(S::Apply) }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct StallManagerProps {
    id: i64,
    stalls: Vec<StallView>,
    on_done: Callback<()>,
}

/// Take a free stall out of use, or put it back.
#[component]
fn StallManager(p: &StallManagerProps) -> Html {
    let lang = use_lang();
    let error = use_state(|| None::<ApiError>);
    html! {
        <section class="card">
            <h2>{ lang.t(S::StallGridLabel) }{ format!("（{}）", p.stalls.len()) }</h2>
            <p class="muted small">{ lang.t(S::StallToggleHelp) }</p>
            <ErrorAlert error={(*error).clone()} />
            <ul class="stall-grid" id="admin-stall-grid">
                { for p.stalls.iter().map(|s| {
                    let settable = matches!(s.state, StallState::Free | StallState::OutOfUse);
                    let next = if s.state == StallState::Free { StallState::OutOfUse } else { StallState::Free };
                    let onclick = {
                        let (error, on_done, sid) = (error.clone(), p.on_done.clone(), s.id);
                        Callback::from(move |_| {
                            let (error, on_done) = (error.clone(), on_done.clone());
                            yew::platform::spawn_local(async move {
                                let body = StallStateChange { state: next, reason: String::new() };
                                match api::request::<_, StallView>(Method::PATCH, &format!("/api/v1/stalls/{sid}"), Some(&body)).await {
                                    Ok(_) => on_done.emit(()),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        })
                    };
                    html! {
                        <li class={classes!("stall", s.state.as_str())}>
                            <button type="button" class="stall-toggle" disabled={!settable} onclick={onclick}
                                aria-label={format!("{} {}", s.number, lang.either(s.state.name_zh(), s.state.name_en()))}>
                                <span class="no">{ &s.number }</span>
                                <span class="cat">{ lang.either(s.state.name_zh(), s.state.name_en()) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct HistoryProps {
    id: i64,
    reload: u32,
}

#[component]
fn ZoneHistory(p: &HistoryProps) -> Html {
    let lang = use_lang();
    let entries = use_state(Vec::<serde_json::Value>::new);
    {
        let entries = entries.clone();
        use_effect_with((p.id, p.reload), move |(id, _)| {
            let id = *id;
            yew::platform::spawn_local(async move {
                if let Ok(v) = api::get::<Vec<serde_json::Value>>(&format!("/api/v1/zones/{id}/history")).await {
                    entries.set(v);
                }
            });
        });
    }
    html! {
        <section class="card">
            <h2>{ lang.t(S::History) }</h2>
            <ol class="history" id="zone-history">
                { for entries.iter().rev().map(|e| html! {
                    <li>
                        <time>{ e["at"].as_str().and_then(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok())
                            .map(|t| common::time::to_xiamen(t).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default() }</time>
                        { " · " }{ e["actor"].as_str().unwrap_or(lang.t(S::System)) }{ " · " }<code>{ e["action"].as_str().unwrap_or_default() }</code>
                        if let Some(r) = e["detail"]["reason"].as_str().filter(|r| !r.is_empty()) { { format!(" · {r}") } }
                    </li>
                }) }
            </ol>
        </section>
    }
}

//! City admins: street segments by district — reclassify one, correct its sidewalk, or import and
//! export the whole set as GeoJSON (checked by the same code as the server before sending).

use common::District;
use common::dto::filings::SegmentView;
use common::dto::zones::ImportReport;
use common::policy::StreetClass;
use common::policy::segments::parse_segment_collection;
use gloo::net::http::Method;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::{ErrorAlert, Success};
use crate::i18n::{S, use_lang};
use crate::pages::admin_zones::{AdminOnly, post_text, problem_table, read_file};

#[component]
pub fn SegmentsPage() -> Html {
    html! { <AdminOnly><SegmentsAdmin /></AdminOnly> }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    segment: SegmentView,
    on_saved: Callback<SegmentView>,
}

/// One segment, editable in place.
#[component]
fn SegmentRow(p: &RowProps) -> Html {
    let lang = use_lang();
    let s = &p.segment;
    let class = use_state(|| s.class);
    let sidewalk = use_state(|| format!("{:.1}", s.sidewalk_m));
    let near_homes = use_state(|| s.near_homes);
    let error = use_state(|| None::<ApiError>);
    let dirty = *class != s.class || sidewalk.parse::<f64>().ok() != Some(s.sidewalk_m) || *near_homes != s.near_homes;
    let save = {
        let (class, sidewalk, near_homes, error, on_saved, id, note) = (
            class.clone(),
            sidewalk.clone(),
            near_homes.clone(),
            error.clone(),
            p.on_saved.clone(),
            s.id,
            s.note.clone(),
        );
        Callback::from(move |_| {
            let body = serde_json::json!({ "class": class.as_str(), "sidewalk_m": sidewalk.parse::<f64>().unwrap_or(f64::NAN),
                "near_homes": *near_homes, "note": note });
            let (error, on_saved) = (error.clone(), on_saved.clone());
            yew::platform::spawn_local(async move {
                match api::request::<_, SegmentView>(Method::PUT, &format!("/api/v1/street-segments/{id}"), Some(&body))
                    .await
                {
                    Ok(v) => {
                        error.set(None);
                        on_saved.emit(v);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let id = s.id;
    html! {
        <tr data-id={id.to_string()}>
            <td>{ &s.name }<br /><span class="muted small">{ lang.pick(&common::policy::segments::road_class_name(&s.road_class)) }</span></td>
            <td>
                <label class="visually-hidden" for={format!("class-{id}")}>{ lang.either("分类", "Class") }</label>
                <select id={format!("class-{id}")} onchange={{ let c = class.clone(); Callback::from(move |e: Event| {
                    if let Some(v) = StreetClass::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) { c.set(v) } }) }}>
                    { for [StreetClass::Suitable, StreetClass::Restricted, StreetClass::Prohibited].into_iter().map(|k| html! {
                        <option value={k.as_str()} selected={*class == k}>{ lang.either(k.name_zh(), k.name_en()) }</option> }) }
                </select>
            </td>
            <td>
                <label class="visually-hidden" for={format!("sidewalk-{id}")}>{ lang.t(S::Sidewalk) }</label>
                <input id={format!("sidewalk-{id}")} type="number" step="0.1" min="0.5" max="30" class="narrow-input" value={(*sidewalk).clone()}
                    oninput={{ let w = sidewalk.clone(); Callback::from(move |e: InputEvent| w.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
            </td>
            <td>
                <label class="check"><input type="checkbox" checked={*near_homes}
                    onchange={{ let n = near_homes.clone(); Callback::from(move |_| n.set(!*n)) }} />{ lang.either("临近住宅", "Near homes") }</label>
            </td>
            <td>
                <button type="button" class="button small" disabled={!dirty} onclick={save}>{ lang.either("保存", "Save") }</button>
                if let Some(e) = &*error {
                    <ul class="field-errors">{ for e.field_errors().iter().map(|f| html! { <li>{ lang.pick(&f.message) }</li> }) }</ul>
                }
            </td>
        </tr>
    }
}

#[component]
fn SegmentsAdmin() -> Html {
    let lang = use_lang();
    let district = use_state(|| District::Siming);
    let list = use_state(|| None::<Result<Vec<SegmentView>, ApiError>>);
    let reload = use_state(|| 0u32);
    let text = use_state(|| None::<String>);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let report = use_state(|| None::<Result<ImportReport, ApiError>>);
    let saved = use_state(|| None::<String>);
    {
        let list = list.clone();
        use_effect_with((*district, *reload), move |(d, _)| {
            let url = format!("/api/v1/street-segments?district={}", d.code());
            yew::platform::spawn_local(async move { list.set(Some(api::get(&url).await)) });
        });
    }
    let on_district = {
        let district = district.clone();
        Callback::from(move |e: Event| {
            if let Some(d) = District::from_code(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                district.set(d);
            }
        })
    };
    let on_saved = {
        let (saved, reload) = (saved.clone(), reload.clone());
        Callback::from(move |v: SegmentView| {
            saved.set(Some(v.name));
            reload.set(*reload + 1);
        })
    };
    let on_file = {
        let (text, reader, report) = (text.clone(), reader.clone(), report.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let text = text.clone();
            report.set(None);
            *reader.borrow_mut() = read_file(&input, Callback::from(move |t: String| text.set(Some(t))));
        })
    };
    let send = |dry_run: bool| {
        let (text, report, reload) = (text.clone(), report.clone(), reload.clone());
        Callback::from(move |_| {
            let Some(t) = (*text).clone() else { return };
            let (report, reload) = (report.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                let r = post_text(&format!("/api/v1/street-segments/import?dry_run={dry_run}"), t).await;
                if matches!(&r, Ok(rep) if !rep.dry_run) {
                    reload.set(*reload + 1);
                }
                report.set(Some(r));
            });
        })
    };
    let local = (*text).as_ref().map(|t| parse_segment_collection(t));
    let server_clean = matches!(&*report, Some(Ok(r)) if r.dry_run && r.problems.is_empty());

    html! {
        <section class="page">
            <h1>{ lang.either("路段分类管理", "Street segments") }</h1>
            <p class="lead">{ lang.either(
                "跨店经营按路段分类（禁设区、限设区、宜设区）和人行道宽度核对。修改只影响之后提交的备案。",
                "Shopfront trading is checked against each segment's class and sidewalk width. Changes apply to filings submitted afterwards.") }</p>
            <div class="field">
                <label for="seg-district">{ lang.t(S::District) }</label>
                <select id="seg-district" onchange={on_district}>
                    { for District::ALL.into_iter().map(|d| html! { <option value={d.code()} selected={*district == d}>{ lang.either(d.name_zh(), d.name_en()) }</option> }) }
                </select>
            </div>
            if let Some(n) = &*saved { <Success>{ lang.either("已保存：", "Saved: ") }{ n }</Success> }
            { match &*list {
                None => html! { <p aria-busy="true">{ lang.t(S::Loading) }</p> },
                Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                Some(Ok(rows)) => html! {
                    <div class="table-wrap" tabindex="0">
                        <table class="data" id="segments">
                            <thead><tr>
                                <th scope="col">{ lang.t(S::Segment) }</th>
                                <th scope="col">{ lang.either("分类", "Class") }</th>
                                <th scope="col">{ lang.t(S::Sidewalk) }{ " (m)" }</th>
                                <th scope="col">{ lang.either("夜间限制", "Evening limit") }</th>
                                <th scope="col"></th>
                            </tr></thead>
                            <tbody>{ for rows.iter().map(|s| html! { <SegmentRow key={s.id} segment={s.clone()} on_saved={on_saved.clone()} /> }) }</tbody>
                        </table>
                    </div>
                },
            } }
            <section class="card">
                <h2>{ lang.either("导入与导出", "Import and export") }</h2>
                <p class="muted">{ lang.either(
                    "GeoJSON FeatureCollection，每个路段一条 LineString；带 id 的更新该路段，不带 id 的新增。文件中有任何问题时不导入。",
                    "A GeoJSON FeatureCollection of LineStrings; a feature with an id updates that segment, one without adds a new one. Nothing is imported while the file has problems.") }</p>
                <p><a href="/api/v1/street-segments/export" download="street-segments.geojson">{ lang.either("导出全部路段", "Export all segments") }</a></p>
                <div class="field">
                    <label for="segment-file">{ lang.t(S::ChooseFile) }</label>
                    <input id="segment-file" type="file" accept=".geojson,.json,application/geo+json,application/json" onchange={on_file} />
                </div>
                if let Some(p) = &local {
                    <p id="local-check" role="status">
                        { format!("{} {} · {} {} · {} {}", lang.t(S::Features), p.features, lang.t(S::Valid), p.segments.len(), lang.t(S::Problems), p.problems.len()) }
                    </p>
                    if !p.problems.is_empty() { { problem_table(lang, &p.problems) } }
                    <div class="actions">
                        <button type="button" class="button" id="segment-dry-run" onclick={send(true)}>{ lang.t(S::DryRun) }</button>
                        <button type="button" class="button primary" id="segment-import" disabled={!server_clean} onclick={send(false)}>{ lang.t(S::ImportNow) }</button>
                    </div>
                }
                { match &*report {
                    Some(Ok(r)) if !r.dry_run => html! { <Success>{ lang.t(S::Imported) }{ " " }{ r.imported }</Success> },
                    Some(Ok(r)) if r.problems.is_empty() => html! { <Success>{ lang.t(S::DryRunClean) }{ " " }{ r.valid }</Success> },
                    Some(Ok(r)) => html! { <>
                        <p class="alert error" role="alert">{ lang.t(S::NothingImported) }</p>
                        { problem_table(lang, &r.problems) }
                    </> },
                    Some(Err(e)) => html! { <ErrorAlert error={Some(e.clone())} /> },
                    None => html! {},
                } }
            </section>
        </section>
    }
}

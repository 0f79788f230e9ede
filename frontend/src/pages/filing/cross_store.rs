//! 跨店经营: pick a street segment, draw the area, see every rule before submitting.

use super::*;

#[component]
pub fn CrossStorePage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator().expect("inside router");
    let location = use_location();
    let resubmit = from_query(&location);
    let pack = use_pack();
    let basemap = use_state(|| Rc::new(Vec::<DistrictShape>::new()));
    let district = use_state(|| District::Siming);
    let segments = use_state(Vec::<SegmentView>::new);
    let segment = use_state(|| None::<i64>);
    let shop_name = use_state(|| session.me.as_ref().map(|m| m.display_name.clone()).unwrap_or_default());
    let address = use_state(String::new);
    let trade = use_state(|| ShopTrade::Catering);
    let frontage = use_state(|| "4".to_string());
    let depth = use_state(|| "1".to_string());
    let area = use_state(Vec::<[f64; 2]>::new);
    let drawing = use_state(|| false);
    let windows = use_state(Vec::<TimeWindow>::new);
    let starts = use_state(|| (common::time::xiamen_today() + chrono::Duration::days(1)).to_string());
    let ends = use_state(|| (common::time::xiamen_today() + chrono::Duration::days(180)).to_string());
    let duties = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let tried = use_state(|| false);

    {
        let basemap = basemap.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(v) = api::get::<serde_json::Value>("/api/v1/public/districts.geojson").await {
                    basemap.set(Rc::new(parse_basemap(&v)));
                }
            });
        });
    }
    {
        let segments = segments.clone();
        use_effect_with(*district, move |d| {
            let d = *d;
            yew::platform::spawn_local(async move {
                if let Ok(s) = api::get::<Vec<SegmentView>>(&format!(
                    "/api/v1/street-segments?district={}&fileable=true",
                    d.code()
                ))
                .await
                {
                    segments.set(s);
                }
            });
        });
    }
    // Correcting a returned filing: start from what was sent.
    {
        let (district, segment, shop_name, address, trade, frontage, depth, area, windows, starts, ends, duties) = (
            district.clone(),
            segment.clone(),
            shop_name.clone(),
            address.clone(),
            trade.clone(),
            frontage.clone(),
            depth.clone(),
            area.clone(),
            windows.clone(),
            starts.clone(),
            ends.clone(),
            duties.clone(),
        );
        use_effect_with(resubmit, move |from| {
            if let Some(id) = *from {
                yew::platform::spawn_local(async move {
                    if let Ok(f) = api::get::<FilingView>(&format!("/api/v1/filings/{id}")).await
                        && let PolicyApplication::CrossStore(c) = f.application
                    {
                        district.set(f.district);
                        segment.set(Some(c.segment_id));
                        shop_name.set(c.shop_name);
                        address.set(c.address);
                        trade.set(c.trade);
                        frontage.set(c.frontage_m.to_string());
                        depth.set(c.depth_m.to_string());
                        let mut ring = c.area.unwrap_or_default();
                        if geo::ring_is_closed(&ring) {
                            ring.pop();
                        }
                        area.set(ring);
                        windows.set(c.windows);
                        starts.set(c.starts_on.to_string());
                        ends.set(c.ends_on.to_string());
                        duties.set(c.frontage_duties);
                    }
                });
            }
        });
    }
    if let Some(gate) = merchant_gate(lang, &session) {
        return gate;
    }
    let pack = match &*pack {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(p)) => p.clone(),
    };
    let seg = segment.and_then(|id| segments.iter().find(|s| s.id == id).cloned());
    let closed_area = (area.len() >= 3).then(|| {
        let mut r = (*area).clone();
        geo::close_ring(&mut r);
        geo::set_orientation(&mut r, true);
        r
    });
    let filing = CrossStoreFiling {
        segment_id: segment.unwrap_or(0),
        shop_name: (*shop_name).clone(),
        address: (*address).clone(),
        trade: *trade,
        frontage_m: frontage.parse().unwrap_or(f64::NAN),
        depth_m: depth.parse().unwrap_or(f64::NAN),
        area: closed_area.clone(),
        windows: (*windows).clone(),
        starts_on: parse_date(&starts).unwrap_or_default(),
        ends_on: parse_date(&ends).unwrap_or_default(),
        frontage_duties: *duties,
    };
    let mut shape = filing.validate();
    if let Some(s) = &seg {
        shape.extend(common::policy::check_area_on_segment(&filing, &s.line));
    }
    let ctx = EvalContext {
        today: Some(common::time::xiamen_today()),
        segment: seg.as_ref().map(SegmentView::facts),
        ..Default::default()
    };
    let application = PolicyApplication::CrossStore(filing.clone());
    let evaluation = evaluate(&pack, &application, &ctx);
    let server = error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
    let field_errors = |f: &str| -> Html {
        let list: Vec<_> =
            shape.iter().chain(server.iter()).filter(|e| e.field == f && (*tried || !server.is_empty())).collect();
        html! { <ul class="field-errors">{ for list.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> }
    };

    let text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_district = {
        let (district, segment, area) = (district.clone(), segment.clone(), area.clone());
        Callback::from(move |e: Event| {
            if let Some(d) = District::from_code(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                district.set(d);
                segment.set(None);
                area.set(Vec::new());
            }
        })
    };
    let on_segment = {
        let segment = segment.clone();
        Callback::from(move |e: Event| segment.set(e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok()))
    };
    let on_trade = {
        let trade = trade.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(t) = ShopTrade::ALL.into_iter().find(|t| t.as_str() == v) {
                trade.set(t);
            }
        })
    };
    let toggle_window = |w: TimeWindow| {
        let windows = windows.clone();
        Callback::from(move |_| {
            let mut next = (*windows).clone();
            if let Some(i) = next.iter().position(|x| x.start == w.start && x.end == w.end) {
                next.remove(i);
            } else {
                next.push(w.clone());
                next.sort_by_key(|x| x.start);
            }
            windows.set(next);
        })
    };
    let on_map_click = {
        let (segments, segment, area, drawing) = (segments.clone(), segment.clone(), area.clone(), drawing.clone());
        Callback::from(move |ll: [f64; 2]| {
            if *drawing {
                let mut next = (*area).clone();
                next.push([(ll[0] * 1e6).round() / 1e6, (ll[1] * 1e6).round() / 1e6]);
                area.set(next);
                return;
            }
            let nearest = segments
                .iter()
                .map(|s| {
                    (
                        s.id,
                        s.line
                            .windows(2)
                            .map(|w| geo::distance_point_segment_m(ll, w[0], w[1]))
                            .fold(f64::INFINITY, f64::min),
                    )
                })
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((id, d)) = nearest
                && d < 150.0
            {
                segment.set(Some(id));
            }
        })
    };
    let overlay = {
        let (segs, chosen, pts) = ((*segments).clone(), *segment, (*area).clone());
        Callback::from(move |(vp, unit): (geo::Viewport, f64)| {
            html! {
                <g class="segments-overlay">
                    { for segs.iter().map(|s| {
                        let d: String = s.line.iter().enumerate().map(|(i, q)| { let (x, y) = vp.project(*q); format!("{}{x:.3} {y:.3}", if i == 0 { "M" } else { " L" }) }).collect();
                        let w = if Some(s.id) == chosen { 7.0 } else { 3.5 };
                        html! { <path class={classes!("segment", s.class.as_str(), (Some(s.id) == chosen).then_some("chosen"))} d={d} stroke-width={(w * unit).to_string()}>
                            <title>{ format!("{} · {}", s.name, lang.either(s.class.name_zh(), s.class.name_en())) }</title></path> }
                    }) }
                    if pts.len() >= 2 {
                        <path class="draft-outline" d={pts.iter().enumerate().map(|(i, q)| { let (x, y) = vp.project(*q); format!("{}{x:.3} {y:.3}", if i == 0 { "M" } else { " L" }) }).collect::<String>() + " Z"}
                            stroke-width={(2.0 * unit).to_string()} />
                    }
                    { for pts.iter().map(|q| { let (x, y) = vp.project(*q); html! { <circle class="vertex" cx={x.to_string()} cy={y.to_string()} r={(3.0 * unit).to_string()} /> } }) }
                </g>
            }
        })
    };
    // The chosen street, or before one is chosen the district's streets.
    let focus = match &seg {
        Some(s) => BBox::of_points(&s.line).map(|b| b.grown(0.2, 0.0015)),
        None => {
            BBox::of_rings(&segments.iter().map(|s| s.line.clone()).collect::<Vec<_>>()).map(|b| b.grown(0.1, 0.002))
        }
    };
    let onsubmit = {
        let (tried, error, navigator) = (tried.clone(), error.clone(), navigator.clone());
        let (application, ok) = (application.clone(), shape.is_empty() && segment.is_some());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if ok {
                submit(application.clone(), resubmit, error.clone(), navigator.clone());
            }
        })
    };
    let limits = match seg.as_ref().map(|s| s.class) {
        Some(common::policy::StreetClass::Suitable) => Some(pack.cross_store.suitable),
        Some(common::policy::StreetClass::Restricted) => Some(pack.cross_store.restricted),
        _ => None,
    };

    html! {
        <section class="page">
            <h1>{ lang.t(S::CrossStoreTitle) }</h1>
            <p class="lead">{ lang.t(S::CrossStoreLead) }</p>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            if *tried || !server.is_empty() {
                <ErrorSummary errors={with_targets(&shape.iter().chain(server.iter()).cloned().collect::<Vec<_>>(), &[
                    ("segment_id", "cs-segment"), ("shop_name", "cs-shop"), ("address", "cs-address"), ("frontage_m", "cs-frontage"),
                    ("depth_m", "cs-depth"), ("windows", "cs-windows"), ("starts_on", "cs-starts"), ("ends_on", "cs-ends"),
                    ("frontage_duties", "cs-duties"), ("area", "draw-area"),
                ])} />
            }
            <div class="two-col">
                <form class="form" onsubmit={onsubmit} novalidate=true id="cross-store-form">
                    <div class="field">
                        <label for="cs-district">{ lang.t(S::District) }</label>
                        <select id="cs-district" onchange={on_district}>
                            { for District::ALL.into_iter().map(|d| html! { <option value={d.code()} selected={*district == d}>{ lang.either(d.name_zh(), d.name_en()) }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="cs-segment">{ lang.t(S::Segment) }</label>
                        <select id="cs-segment" onchange={on_segment}>
                            <option value="" selected={segment.is_none()}>{ lang.t(S::Select) }</option>
                            { for segments.iter().map(|s| html! {
                                <option value={s.id.to_string()} selected={*segment == Some(s.id)} data-class={s.class.as_str()}>
                                    { format!("{} · {} · {} {:.1} m", s.name, lang.either(s.class.name_zh(), s.class.name_en()), lang.t(S::Sidewalk), s.sidewalk_m) }</option>
                            }) }
                        </select>
                        { field_errors("segment_id") }
                        if let Some(s) = &seg {
                            <p class={classes!("hint", "segment-class", s.class.as_str())} id="segment-class">
                                { lang.either(s.class.name_zh(), s.class.name_en()) }{ " · " }{ lang.t(S::Sidewalk) }{ format!(" {:.1} m", s.sidewalk_m) }
                                if let Some(l) = limits { { format!(" · {} ≤ {:.1} m · {} ≥ {:.1} m", lang.t(S::MaxDepth), l.max_depth_m, lang.t(S::MinClearance), l.min_clearance_m) } }
                            </p>
                        }
                    </div>
                    <div class="field"><label for="cs-shop">{ lang.t(S::ShopName) }</label><input id="cs-shop" type="text" value={(*shop_name).clone()} oninput={text(shop_name.clone())} />{ field_errors("shop_name") }</div>
                    <div class="field"><label for="cs-address">{ lang.t(S::Address) }</label><input id="cs-address" type="text" value={(*address).clone()} oninput={text(address.clone())} />{ field_errors("address") }</div>
                    <div class="field">
                        <label for="cs-trade">{ lang.t(S::Trade) }</label>
                        <select id="cs-trade" onchange={on_trade}>
                            { for ShopTrade::ALL.into_iter().map(|t| html! { <option value={t.as_str()} selected={*trade == t}>{ lang.either(t.name_zh(), t.name_en()) }</option> }) }
                        </select>
                    </div>
                    <div class="inline-fields">
                        <div class="field"><label for="cs-frontage">{ lang.t(S::Frontage) }</label><input id="cs-frontage" type="number" step="0.1" min="0" value={(*frontage).clone()} oninput={text(frontage.clone())} />{ field_errors("frontage_m") }</div>
                        <div class="field"><label for="cs-depth">{ lang.t(S::Depth) }</label><input id="cs-depth" type="number" step="0.1" min="0" value={(*depth).clone()} oninput={text(depth.clone())} />{ field_errors("depth_m") }</div>
                    </div>
                    <fieldset class="field" id="cs-windows">
                        <legend>{ lang.t(S::TimeWindows) }</legend>
                        { for pack.cross_store.windows.iter().map(|w| {
                            let checked = windows.iter().any(|x| x.start == w.start && x.end == w.end);
                            let id = format!("cs-window-{}", w.start.format("%H%M"));
                            html! { <label class="check"><input type="checkbox" id={id} checked={checked} onchange={toggle_window(w.clone())} />
                                { window_label(lang, w) }{ format!("{}–{}", w.start.format("%H:%M"), w.end.format("%H:%M")) }</label> }
                        }) }
                        { field_errors("windows") }
                    </fieldset>
                    <div class="inline-fields">
                        <div class="field"><label for="cs-starts">{ lang.t(S::StartsOn) }</label><input id="cs-starts" type="date" value={(*starts).clone()} oninput={text(starts.clone())} />{ field_errors("starts_on") }</div>
                        <div class="field"><label for="cs-ends">{ lang.t(S::EndsOn) }</label><input id="cs-ends" type="date" value={(*ends).clone()} oninput={text(ends.clone())} />{ field_errors("ends_on") }</div>
                    </div>
                    <label class="check duty"><input type="checkbox" id="cs-duties" checked={*duties} onchange={{ let d = duties.clone(); Callback::from(move |_| d.set(!*d)) }} />
                        { lang.t(S::FrontageDuties) }</label>
                    <button type="submit" class="button primary" id="submit-filing">{ lang.t(S::SubmitFiling) }</button>
                </form>
                <div>
                    <ZoneMap basemap={(*basemap).clone()} zones={Rc::new(Vec::new())} on_select={Callback::noop()} on_map_click={on_map_click}
                        overlay={overlay} focus={focus} label={lang.t(S::SegmentMapHelp)} />
                    <div class="actions">
                        <button type="button" class={classes!("button", "small", drawing.then_some("primary"))} id="draw-area" aria-pressed={drawing.to_string()}
                            onclick={{ let d = drawing.clone(); Callback::from(move |_| d.set(!*d)) }}>{ lang.t(S::DrawArea) }</button>
                        <button type="button" class="button small" disabled={area.is_empty()} onclick={{ let a = area.clone(); Callback::from(move |_| a.set(Vec::new())) }}>{ lang.t(S::ClearOutline) }</button>
                        <span class="muted small">{ format!("{} {}", area.len(), lang.t(S::Points)) }</span>
                    </div>
                    { field_errors("area") }
                    <p class="muted small">{ lang.t(S::SegmentMapHelp) }</p>
                    if segment.is_some() {
                        <EvaluationPanel evaluation={evaluation} pack={pack.clone()} />
                    } else {
                        <p class="card muted" id="evaluation-waiting">{ lang.t(S::CheckStartsWithStreet) }</p>
                    }
                </div>
            </div>
        </section>
    }
}

/// A trading window's name (the pack's labels are Chinese: 早, 午, 晚) in the reader's language.
fn window_label(lang: Lang, w: &TimeWindow) -> String {
    let label = w.label.as_deref().unwrap_or_default();
    let name = match (label, lang.is_en()) {
        ("", _) => return String::new(),
        (l, false) => l.to_string(),
        ("早", true) => "Morning".into(),
        ("午", true) => "Midday".into(),
        ("晚", true) => "Evening".into(),
        (_, true) => return String::new(),
    };
    format!("{name} ")
}

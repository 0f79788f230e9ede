//! 外摆促销: venue, dates, hours, area and commitments, checked live.

use super::*;

#[component]
pub fn OutdoorPromoPage() -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator().expect("inside router");
    let location = use_location();
    let resubmit = from_query(&location);
    let pack = use_pack();
    let basemap = use_state(|| Rc::new(Vec::<DistrictShape>::new()));
    let venue = use_state(String::new);
    let address = use_state(String::new);
    let point = use_state(|| None::<[f64; 2]>);
    let area = use_state(|| "200".to_string());
    let starts = use_state(|| (common::time::xiamen_today() + chrono::Duration::days(7)).to_string());
    let ends = use_state(|| (common::time::xiamen_today() + chrono::Duration::days(8)).to_string());
    let daily_start = use_state(|| "10:00".to_string());
    let daily_end = use_state(|| "17:00".to_string());
    let visitors = use_state(|| "300".to_string());
    let description = use_state(String::new);
    let no_loud = use_state(|| false);
    let lanes = use_state(|| false);
    let no_cook = use_state(|| false);
    let ads = use_state(|| "0".to_string());
    let ads_by = use_state(String::new);
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
        let (
            venue,
            address,
            point,
            area,
            starts,
            ends,
            ds,
            de,
            visitors,
            description,
            no_loud,
            lanes,
            no_cook,
            ads,
            ads_by,
        ) = (
            venue.clone(),
            address.clone(),
            point.clone(),
            area.clone(),
            starts.clone(),
            ends.clone(),
            daily_start.clone(),
            daily_end.clone(),
            visitors.clone(),
            description.clone(),
            no_loud.clone(),
            lanes.clone(),
            no_cook.clone(),
            ads.clone(),
            ads_by.clone(),
        );
        use_effect_with(resubmit, move |from| {
            if let Some(id) = *from {
                yew::platform::spawn_local(async move {
                    if let Ok(f) = api::get::<FilingView>(&format!("/api/v1/filings/{id}")).await
                        && let PolicyApplication::OutdoorPromo(o) = f.application
                    {
                        venue.set(o.venue_name);
                        address.set(o.address);
                        point.set(Some(o.location));
                        area.set(o.area_m2.to_string());
                        starts.set(o.starts_on.to_string());
                        ends.set(o.ends_on.to_string());
                        ds.set(o.daily_start.format("%H:%M").to_string());
                        de.set(o.daily_end.format("%H:%M").to_string());
                        visitors.set(o.expected_visitors.to_string());
                        description.set(o.description);
                        no_loud.set(o.no_loudspeakers);
                        lanes.set(o.fire_lanes_clear);
                        no_cook.set(o.no_cooking);
                        ads.set(o.temporary_ads.to_string());
                        ads_by.set(o.ads_removed_by.map(|d| d.to_string()).unwrap_or_default());
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
    let district = point.and_then(|p| common::basemap::district_at(p, &basemap));
    let filing = OutdoorPromoFiling {
        venue_name: (*venue).clone(),
        address: (*address).clone(),
        // Where the point lies decides the district (the server decides again, by the same rule).
        district: district.unwrap_or(District::Siming),
        location: point.unwrap_or([0.0, 0.0]),
        area_m2: area.parse().unwrap_or(f64::NAN),
        starts_on: parse_date(&starts).unwrap_or_default(),
        ends_on: parse_date(&ends).unwrap_or_default(),
        daily_start: parse_time(&daily_start).unwrap_or_default(),
        daily_end: parse_time(&daily_end).unwrap_or_default(),
        expected_visitors: visitors.parse().unwrap_or(u32::MAX),
        description: (*description).clone(),
        no_loudspeakers: *no_loud,
        fire_lanes_clear: *lanes,
        no_cooking: *no_cook,
        temporary_ads: ads.parse().unwrap_or(0),
        ads_removed_by: parse_date(&ads_by),
    };
    let shape = filing.validate();
    let application = PolicyApplication::OutdoorPromo(filing);
    let ctx = EvalContext { today: Some(common::time::xiamen_today()), ..Default::default() };
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
    let flag = |h: UseStateHandle<bool>| Callback::from(move |_| h.set(!*h));
    let on_map_click = {
        let point = point.clone();
        Callback::from(move |ll: [f64; 2]| point.set(Some([(ll[0] * 1e6).round() / 1e6, (ll[1] * 1e6).round() / 1e6])))
    };
    let overlay = {
        let p = *point;
        Callback::from(move |(vp, unit): (geo::Viewport, f64)| match p {
            Some(q) => {
                let (x, y) = vp.project(q);
                html! { <circle class="event-point" cx={x.to_string()} cy={y.to_string()} r={(7.0 * unit).to_string()} /> }
            }
            None => html! {},
        })
    };
    let onsubmit = {
        let (tried, error, navigator, application) =
            (tried.clone(), error.clone(), navigator.clone(), application.clone());
        let ok = shape.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tried.set(true);
            if ok {
                submit(application.clone(), resubmit, error.clone(), navigator.clone());
            }
        })
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::OutdoorPromoTitle) }</h1>
            <p class="lead">{ lang.t(S::OutdoorPromoLead) }</p>
            <ErrorAlert error={(*error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))} />
            if *tried || !server.is_empty() {
                <ErrorSummary errors={with_targets(&shape.iter().chain(server.iter()).cloned().collect::<Vec<_>>(), &[
                    ("venue_name", "op-venue"), ("address", "op-address"), ("description", "op-description"), ("area_m2", "op-area"),
                    ("expected_visitors", "op-visitors"), ("starts_on", "op-starts"), ("ends_on", "op-ends"),
                    ("daily_start", "op-from"), ("daily_end", "op-to"), ("ads_removed_by", "op-ads-by"), ("temporary_ads", "op-ads"),
                ])} />
            }
            <div class="two-col">
                <form class="form" onsubmit={onsubmit} novalidate=true id="promo-form">
                    <div class="field"><label for="op-venue">{ lang.t(S::Venue) }</label><input id="op-venue" type="text" value={(*venue).clone()} oninput={text(venue.clone())} />{ field_errors("venue_name") }</div>
                    <div class="field"><label for="op-address">{ lang.t(S::Address) }</label><input id="op-address" type="text" value={(*address).clone()} oninput={text(address.clone())} />{ field_errors("address") }</div>
                    <div class="field">
                        <span class="label">{ lang.t(S::District) }</span>
                        <p id="op-district" class="derived" aria-live="polite">
                            { match district {
                                Some(d) => format!("{}{}", lang.either(d.name_zh(), d.name_en()), lang.t(S::DistrictFromPoint)),
                                None => lang.t(S::DistrictNeedsPoint).to_string(),
                            } }
                        </p>
                    </div>
                    <div class="field"><label for="op-description">{ lang.t(S::EventDescription) }</label>
                        <textarea id="op-description" rows="2" value={(*description).clone()} oninput={{ let d = description.clone(); Callback::from(move |e: InputEvent| d.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())) }} />
                        { field_errors("description") }</div>
                    <div class="inline-fields">
                        <div class="field"><label for="op-area">{ lang.t(S::AreaM2) }</label><input id="op-area" type="number" value={(*area).clone()} oninput={text(area.clone())} />{ field_errors("area_m2") }</div>
                        <div class="field"><label for="op-visitors">{ lang.t(S::Visitors) }</label><input id="op-visitors" type="number" value={(*visitors).clone()} oninput={text(visitors.clone())} /></div>
                    </div>
                    <div class="inline-fields">
                        <div class="field"><label for="op-starts">{ lang.t(S::StartsOn) }</label><input id="op-starts" type="date" value={(*starts).clone()} oninput={text(starts.clone())} />{ field_errors("starts_on") }</div>
                        <div class="field"><label for="op-ends">{ lang.t(S::EndsOn) }</label><input id="op-ends" type="date" value={(*ends).clone()} oninput={text(ends.clone())} />{ field_errors("ends_on") }</div>
                        <div class="field"><label for="op-from">{ lang.t(S::DailyFrom) }</label><input id="op-from" type="time" value={(*daily_start).clone()} oninput={text(daily_start.clone())} /></div>
                        <div class="field"><label for="op-to">{ lang.t(S::DailyTo) }</label><input id="op-to" type="time" value={(*daily_end).clone()} oninput={text(daily_end.clone())} />{ field_errors("daily_end") }</div>
                    </div>
                    <fieldset class="field">
                        <legend>{ lang.t(S::Commitments) }</legend>
                        <label class="check"><input type="checkbox" id="op-no-loud" checked={*no_loud} onchange={flag(no_loud.clone())} />{ lang.t(S::NoLoudspeakers) }</label>
                        <label class="check"><input type="checkbox" id="op-lanes" checked={*lanes} onchange={flag(lanes.clone())} />{ lang.t(S::FireLanesClear) }</label>
                        <label class="check"><input type="checkbox" id="op-no-cook" checked={*no_cook} onchange={flag(no_cook.clone())} />{ lang.t(S::NoCooking) }</label>
                    </fieldset>
                    <div class="inline-fields">
                        <div class="field"><label for="op-ads">{ lang.t(S::TemporaryAds) }</label><input id="op-ads" type="number" min="0" value={(*ads).clone()} oninput={text(ads.clone())} /></div>
                        <div class="field"><label for="op-ads-by">{ lang.t(S::AdsRemovedBy) }</label><input id="op-ads-by" type="date" value={(*ads_by).clone()} oninput={text(ads_by.clone())} /></div>
                    </div>
                    <button type="submit" class="button primary" id="submit-filing">{ lang.t(S::SubmitFiling) }</button>
                </form>
                <div>
                    <ZoneMap basemap={(*basemap).clone()} zones={Rc::new(Vec::new())} on_select={Callback::noop()} on_map_click={on_map_click} overlay={overlay} label={lang.t(S::PickLocation)} />
                    <p class="muted small">{ lang.t(S::PickLocation) }</p>
                    { field_errors("location") }
                    <EvaluationPanel evaluation={evaluation} pack={pack.clone()} />
                </div>
            </div>
        </section>
    }
}
